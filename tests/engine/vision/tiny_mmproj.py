"""Write a tiny random-weight Gemma 3 vision projector (mmproj) GGUF for tests.

It pairs with the real bundled Gemma 3 270M (text width 640): projector type ``gemma3``, 896 px
images, 14 px patches, 4x4 pooling (256 tokens per image), a 1-block ViT of width 32. The weights
are seeded random numbers, so the "vision" is noise, but every shape, key and code path is the real
one. About 0.7 MB, written in ~20 ms with the ``gguf`` package (a dev dependency).

Broken variants for error tests: ``projection_dim=1024`` (a projector for a wider model) and
``truncate=N`` (cut N bytes off the end; cutting inside the last tensor is the case llama.cpp
itself would load silently with garbage).

Usable as a script: ``python tests/engine/vision/tiny_mmproj.py OUT.gguf [--projection-dim N]``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Collection
from pathlib import Path

import numpy as np

TEXT_WIDTH_270M = 640


def write_tiny_mmproj(
    path: str | os.PathLike[str],
    *,
    width: int = 32,
    ffn: int = 64,
    blocks: int = 1,
    heads: int = 1,
    projection_dim: int = TEXT_WIDTH_270M,
    projection_dim_key: int | None = None,
    image_size: int = 896,
    patch_size: int = 14,
    f16_matrices: bool = False,
    drop_keys: Collection[str] = (),
    skip_tensors: Collection[str] = (),
    truncate: int = 0,
    seed: int = 0,
) -> Path:
    """Write the projector to ``path`` and return it.

    ``projection_dim`` is the output width of ``mm.input_projection`` (what libmtmd compares with
    the text model); ``projection_dim_key`` overrides the (ignored) metadata key.
    """
    import gguf  # dev-only dependency, imported late so importing this module stays cheap

    out = Path(path)
    rng = np.random.default_rng(seed)
    grid = image_size // patch_size
    matrix_type = np.float16 if f16_matrices else np.float32

    def normal(shape: tuple[int, ...], scale: float, dtype: type = np.float32) -> np.ndarray:
        return (rng.standard_normal(shape) * scale).astype(dtype)

    # numpy shapes are the reverse of ggml's ne order.
    tensors: dict[str, np.ndarray] = {
        "v.patch_embd.weight": normal((width, 3, patch_size, patch_size), 0.02, matrix_type),
        "v.patch_embd.bias": np.zeros(width, np.float32),
        "v.position_embd.weight": normal((grid * grid, width), 0.02),
    }
    for i in range(blocks):
        block = f"v.blk.{i}"
        for part in ("attn_q", "attn_k", "attn_v", "attn_out"):
            tensors[f"{block}.{part}.weight"] = normal((width, width), 0.02, matrix_type)
            tensors[f"{block}.{part}.bias"] = np.zeros(width, np.float32)
        for norm in ("ln1", "ln2"):
            tensors[f"{block}.{norm}.weight"] = np.ones(width, np.float32)
            tensors[f"{block}.{norm}.bias"] = np.zeros(width, np.float32)
        tensors[f"{block}.ffn_up.weight"] = normal((ffn, width), 0.02, matrix_type)
        tensors[f"{block}.ffn_up.bias"] = np.zeros(ffn, np.float32)
        tensors[f"{block}.ffn_down.weight"] = normal((width, ffn), 0.02, matrix_type)
        tensors[f"{block}.ffn_down.bias"] = np.zeros(width, np.float32)
    tensors["v.post_ln.weight"] = np.ones(width, np.float32)
    tensors["v.post_ln.bias"] = np.zeros(width, np.float32)
    tensors["mm.input_projection.weight"] = normal((width, projection_dim), 0.05, matrix_type)
    tensors["mm.soft_emb_norm.weight"] = np.ones(width, np.float32)

    keys: dict[str, tuple[str, object]] = {
        "general.name": ("string", "hearth tiny gemma3 mmproj"),
        "general.type": ("string", "mmproj"),
        "clip.has_vision_encoder": ("bool", True),
        "clip.projector_type": ("string", "gemma3"),
        "clip.use_gelu": ("bool", True),
        "clip.vision.image_size": ("u32", image_size),
        "clip.vision.patch_size": ("u32", patch_size),
        "clip.vision.embedding_length": ("u32", width),
        "clip.vision.feed_forward_length": ("u32", ffn),
        "clip.vision.block_count": ("u32", blocks),
        "clip.vision.attention.head_count": ("u32", heads),
        "clip.vision.attention.layer_norm_epsilon": ("f32", 1e-6),
        "clip.vision.projection_dim": (
            "u32",
            projection_dim if projection_dim_key is None else projection_dim_key,
        ),
        "clip.vision.image_mean": ("array", [0.5, 0.5, 0.5]),
        "clip.vision.image_std": ("array", [0.5, 0.5, 0.5]),
    }

    writer = gguf.GGUFWriter(str(out), arch="clip")
    for key, (kind, value) in keys.items():
        if key in drop_keys:
            continue
        if kind == "string":
            writer.add_string(key, str(value))
        elif kind == "bool":
            writer.add_bool(key, bool(value))
        elif kind == "u32":
            writer.add_uint32(key, int(value))  # type: ignore[call-overload]
        elif kind == "f32":
            writer.add_float32(key, float(value))  # type: ignore[arg-type]
        else:
            writer.add_array(key, list(value))  # type: ignore[call-overload]
    for name, array in tensors.items():
        if name not in skip_tensors:
            writer.add_tensor(name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()

    if truncate:
        size = out.stat().st_size
        with out.open("r+b") as handle:
            handle.truncate(max(0, size - truncate))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--projection-dim", type=int, default=TEXT_WIDTH_270M)
    parser.add_argument("--truncate", type=int, default=0)
    args = parser.parse_args()
    path = write_tiny_mmproj(args.out, projection_dim=args.projection_dim, truncate=args.truncate)
    print(path)


if __name__ == "__main__":
    main()
