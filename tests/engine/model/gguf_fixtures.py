"""Write small GGUF files byte by byte, valid or hostile, for the header reader's tests.

Independent of the reader under test: the layout is written from the GGUF spec, and the
Gemma 3 hyper-parameters are copied from the published configurations (not from
``engine.model.catalog``). Tensor data is zeros, so files stay small.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# GGUF metadata value types.
U8, I8, U16, I16, U32, I32, F32, BOOL, STR, ARR, U64, I64, F64 = range(13)
_FORMATS = {
    U8: "<B",
    I8: "<b",
    U16: "<H",
    I16: "<h",
    U32: "<I",
    I32: "<i",
    F32: "<f",
    BOOL: "<?",
    U64: "<Q",
    I64: "<q",
    F64: "<d",
}
# ggml tensor types used here: id -> (block size, bytes per block).
GGML_F32, GGML_F16, GGML_Q4_0, GGML_Q8_0, GGML_Q4_K, GGML_Q6_K = 0, 1, 2, 8, 12, 14
_LAYOUT = {0: (1, 4), 1: (1, 2), 2: (32, 18), 8: (32, 34), 12: (256, 144), 14: (256, 210)}

KV = dict[str, tuple[int, object]]


@dataclass(frozen=True)
class Tensor:
    """A tensor to declare: ``ne`` in ggml order (fastest dimension first)."""

    name: str
    ne: tuple[int, ...]
    ggml_type: int = GGML_F32

    @property
    def nbytes(self) -> int:
        block, size = _LAYOUT[self.ggml_type]
        count = 1
        for dim in self.ne:
            count *= dim
        return count // block * size


def string(text: str | bytes) -> bytes:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return struct.pack("<Q", len(data)) + data


def value(code: int, content: object) -> bytes:
    """Encode one value; an array's ``content`` is ``(item_code, items)``."""
    if code == STR:
        assert isinstance(content, str | bytes)
        return string(content)
    if code == ARR:
        assert isinstance(content, tuple)
        item_code: int = content[0]
        items: list[object] = list(content[1])
        out = struct.pack("<IQ", item_code, len(items))
        return out + b"".join(value(item_code, item) for item in items)
    return struct.pack(_FORMATS[code], content)


def header(tensor_count: int, kv_count: int, *, version: int = 3) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", version, tensor_count, kv_count)


def metadata(kv: Mapping[str, tuple[int, object]]) -> bytes:
    return b"".join(
        string(key) + struct.pack("<I", code) + value(code, v) for key, (code, v) in kv.items()
    )


def build_gguf(
    kv: Mapping[str, tuple[int, object]],
    tensors: Sequence[Tensor] = (),
    *,
    version: int = 3,
    alignment: int = 32,
    with_data: bool = True,
) -> bytes:
    """A complete GGUF file: header, metadata, tensor table, padding, zero tensor data."""
    table = b""
    offset = 0
    for tensor in tensors:
        table += string(tensor.name) + struct.pack("<I", len(tensor.ne))
        table += b"".join(struct.pack("<Q", dim) for dim in tensor.ne)
        table += struct.pack("<IQ", tensor.ggml_type, offset)
        offset += -(-tensor.nbytes // alignment) * alignment
    out = header(len(tensors), len(kv), version=version) + metadata(kv) + table
    if tensors and with_data:
        out += b"\0" * (-len(out) % alignment)
        out += b"\0" * offset
    return out


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# Published Gemma 3 sizes: layers, width, ffn, heads, kv heads, head dim, window, context.
GEMMA3 = {
    "270M": (18, 640, 2048, 4, 1, 256, 512, 32768),
    "1B": (26, 1152, 6912, 4, 1, 256, 512, 32768),
    "4B": (34, 2560, 10240, 8, 4, 256, 1024, 131072),
    "12B": (48, 3840, 15360, 16, 8, 256, 1024, 131072),
    "27B": (62, 5376, 21504, 32, 16, 128, 1024, 131072),
}


def gemma3_kv(label: str, *, size_label: bool = True, architecture: str = "gemma3") -> KV:
    """The metadata a real Gemma 3 GGUF of this size carries (without the vocabulary)."""
    layers, width, ffn, heads, kv_heads, head_dim, window, ctx = GEMMA3[label]
    a = architecture
    kv: KV = {
        "general.architecture": (STR, architecture),
        "general.type": (STR, "model"),
        "general.name": (STR, f"Gemma 3 {label}"),
    }
    if size_label:
        kv["general.size_label"] = (STR, label)
    kv.update(
        {
            f"{a}.context_length": (U32, ctx),
            f"{a}.embedding_length": (U32, width),
            f"{a}.block_count": (U32, layers),
            f"{a}.feed_forward_length": (U32, ffn),
            f"{a}.attention.head_count": (U32, heads),
            f"{a}.attention.head_count_kv": (U32, kv_heads),
            f"{a}.attention.key_length": (U32, head_dim),
            f"{a}.attention.value_length": (U32, head_dim),
            f"{a}.attention.layer_norm_rms_epsilon": (F32, 1e-6),
            f"{a}.rope.freq_base": (F32, 1e6),
            f"{a}.attention.sliding_window": (U32, window),
            "tokenizer.ggml.model": (STR, "llama"),
            "tokenizer.ggml.bos_token_id": (U32, 2),
            "tokenizer.ggml.eos_token_id": (U32, 1),
            "general.file_type": (U32, 15),
        }
    )
    return kv


def write_gemma3(path: Path, label: str, **changes: tuple[int, object] | None) -> Path:
    """A header-only Gemma 3 file of this size (no tensors); ``changes`` edit keys (None drops).

    Keys are given with dots replaced by double underscores, e.g. ``gemma3__context_length``.
    """
    kv = gemma3_kv(label)
    apply_changes(kv, {key.replace("__", "."): change for key, change in changes.items()})
    return write(path, build_gguf(kv))


def apply_changes(kv: KV, changes: Mapping[str, tuple[int, object] | None]) -> KV:
    for key, change in changes.items():
        if change is None:
            kv.pop(key, None)
        else:
            kv[key] = change
    return kv


def mmproj_kv(
    *,
    width: int = 32,
    ffn: int = 64,
    blocks: int = 1,
    heads: int = 1,
    image_size: int = 896,
    patch_size: int = 14,
    projection_dim: int = 640,
) -> KV:
    return {
        "general.architecture": (STR, "clip"),
        "general.type": (STR, "mmproj"),
        "general.name": (STR, "test gemma3 mmproj"),
        "general.file_type": (U32, 0),
        "clip.has_vision_encoder": (BOOL, True),
        "clip.projector_type": (STR, "gemma3"),
        "clip.use_gelu": (BOOL, True),
        "clip.vision.image_size": (U32, image_size),
        "clip.vision.patch_size": (U32, patch_size),
        "clip.vision.embedding_length": (U32, width),
        "clip.vision.feed_forward_length": (U32, ffn),
        "clip.vision.block_count": (U32, blocks),
        "clip.vision.attention.head_count": (U32, heads),
        "clip.vision.attention.layer_norm_epsilon": (F32, 1e-6),
        "clip.vision.projection_dim": (U32, projection_dim),
        "clip.vision.image_mean": (ARR, (F32, [0.5, 0.5, 0.5])),
        "clip.vision.image_std": (ARR, (F32, [0.5, 0.5, 0.5])),
    }


def mmproj_tensors(
    *,
    width: int = 32,
    ffn: int = 64,
    blocks: int = 1,
    image_size: int = 896,
    patch_size: int = 14,
    projection_dim: int = 640,
    matrix_type: int = GGML_F32,
) -> dict[str, Tensor]:
    """The tensors of a Gemma 3 projector, by name, in ggml ``ne`` order."""
    grid = image_size // patch_size
    specs: list[tuple[str, tuple[int, ...], int]] = [
        ("v.patch_embd.weight", (patch_size, patch_size, 3, width), matrix_type),
        ("v.patch_embd.bias", (width,), GGML_F32),
        ("v.position_embd.weight", (width, grid * grid), GGML_F32),
    ]
    for i in range(blocks):
        block = f"v.blk.{i}"
        for part in ("attn_q", "attn_k", "attn_v", "attn_out"):
            specs.append((f"{block}.{part}.weight", (width, width), matrix_type))
            specs.append((f"{block}.{part}.bias", (width,), GGML_F32))
        for norm in ("ln1", "ln2"):
            specs.append((f"{block}.{norm}.weight", (width,), GGML_F32))
            specs.append((f"{block}.{norm}.bias", (width,), GGML_F32))
        specs.append((f"{block}.ffn_up.weight", (width, ffn), matrix_type))
        specs.append((f"{block}.ffn_up.bias", (ffn,), GGML_F32))
        specs.append((f"{block}.ffn_down.weight", (ffn, width), matrix_type))
        specs.append((f"{block}.ffn_down.bias", (width,), GGML_F32))
    specs += [
        ("v.post_ln.weight", (width,), GGML_F32),
        ("v.post_ln.bias", (width,), GGML_F32),
        ("mm.input_projection.weight", (projection_dim, width), matrix_type),
        ("mm.soft_emb_norm.weight", (width,), GGML_F32),
    ]
    return {name: Tensor(name, ne, kind) for name, ne, kind in specs}


def write_mmproj(
    path: Path,
    *,
    keys: Mapping[str, tuple[int, object] | None] | None = None,
    tensors: Mapping[str, Tensor | None] | None = None,
    **shape: int,
) -> Path:
    """A Gemma 3 projector (defaults: width 32, 1 block, 896 px, pairs with a 640-wide model).

    ``keys`` and ``tensors`` replace (or, with None, drop) entries of the well-formed file;
    ``shape`` goes to both ``mmproj_kv`` and ``mmproj_tensors`` (``heads`` only to the keys).
    """
    kv = mmproj_kv(**shape)
    apply_changes(kv, keys or {})
    tensor_shape = {k: v for k, v in shape.items() if k != "heads"}
    table: dict[str, Tensor | None] = dict(mmproj_tensors(**tensor_shape))
    table.update(tensors or {})
    return write(path, build_gguf(kv, [t for t in table.values() if t is not None]))
