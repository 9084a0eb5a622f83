"""``python -m engine.vision.bench``: image timings, from a 24-megapixel JPEG to the KV cache.

1. Tiling (no model): a generated 6000x4000 JPEG (gradients + noise, quality 90) through probe,
   plan, decode, crop and 896x896 squash, in auto and off mode; the exact full decode (default)
   against the approximate reduced one (``fast_jpeg_decode_approximate``): time saved and how far
   the approximate tiles are from the exact ones (mean, p99, max absolute difference, 0-255).
2. Vision (needs llama-cpp-python): the bundled Gemma 3 270M with a projector (``--mmproj``, or the
   tiny random-weight test projector generated on the fly in a source checkout): encode time per
   tile, image prefill, and the encoder runs of a follow-up question about the same image
   (goal: 0).

Timings on a shared machine are noisy; this prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from PIL import Image

from engine.vision.image_loading import decode_image, probe_image
from engine.vision.pan_scan import plan_tiles
from engine.vision.tiles import TileSet, make_tiles, needed_size, render_tiles

T = TypeVar("T")
_TINY_MMPROJ = (
    Path(__file__).resolve().parents[2] / "tests" / "engine" / "vision" / "tiny_mmproj.py"
)


def synthetic_jpeg(width: int = 6000, height: int = 4000, quality: int = 90) -> bytes:
    """A photo-sized JPEG with gradients and noise (so it does not compress to nothing)."""
    rng = np.random.default_rng(0)
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
    x = np.linspace(0, 255, width, dtype=np.float32)[None, :]
    pixels = np.empty((height, width, 3), dtype=np.uint8)
    for channel, base in enumerate((x + 0 * y, y + 0 * x, (x + y) / 2)):
        noise = rng.normal(0, 18, (height, width)).astype(np.float32)
        pixels[..., channel] = np.clip(base + noise, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _timed(action: Callable[[], T], repeat: int) -> tuple[T, list[float]]:
    times = []
    result: T | None = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append((time.perf_counter() - started) * 1000.0)
    assert result is not None
    return result, times


def bench_tiling(data: bytes, repeat: int) -> dict[str, Any]:
    info = probe_image(data)
    plan = plan_tiles(info.width, info.height)
    _, probe_ms = _timed(lambda: probe_image(data), repeat)
    loaded, decode_ms = _timed(lambda: decode_image(data, needed_size=needed_size(plan)), repeat)
    _, render_ms = _timed(lambda: render_tiles(loaded, plan), repeat)
    tiles, auto_ms = _timed(lambda: make_tiles(data), repeat)
    fast, fast_ms = _timed(lambda: make_tiles(data, fast_jpeg_decode_approximate=True), repeat)
    off, off_ms = _timed(lambda: make_tiles(data, mode="off"), repeat)
    _, full_decode_ms = _timed(lambda: decode_image(data), repeat)
    difference = tile_difference(tiles, fast)
    return {
        "jpeg_bytes": len(data),
        "source": f"{info.width}x{info.height}",
        "tiles_auto": tiles.tile_count,
        "decoded_auto": "x".join(map(str, tiles.decoded_size)),
        "decoded_approximate": "x".join(map(str, fast.decoded_size)),
        "decoded_off": "x".join(map(str, off.decoded_size)),
        "probe_ms": statistics.median(probe_ms),
        "full_decode_ms": statistics.median(full_decode_ms),
        "reduced_decode_ms": statistics.median(decode_ms),
        "crop_resize_hash_ms": statistics.median(render_ms),
        "make_tiles_auto_ms": statistics.median(auto_ms),
        "make_tiles_approximate_ms": statistics.median(fast_ms),
        "approximate_saves_ms": statistics.median(auto_ms) - statistics.median(fast_ms),
        "approximate_speedup": statistics.median(auto_ms) / statistics.median(fast_ms),
        "make_tiles_off_ms": statistics.median(off_ms),
        "approximate_mean_abs_diff": difference["mean"],
        "approximate_p99_abs_diff": difference["p99"],
        "approximate_max_abs_diff": difference["max"],
    }


def tile_difference(exact: TileSet, other: TileSet) -> dict[str, float]:
    """Per-channel absolute differences between the tiles of two tile sets of one image."""
    if exact.tile_count != other.tile_count:
        raise ValueError(f"{exact.tile_count} tiles against {other.tile_count}")
    deltas = np.concatenate(
        [
            np.abs(
                np.frombuffer(a.rgb, dtype=np.uint8).astype(np.int16)
                - np.frombuffer(b.rgb, dtype=np.uint8).astype(np.int16)
            )
            for a, b in zip(exact.tiles, other.tiles, strict=True)
        ]
    )
    return {
        "mean": float(deltas.mean()),
        "p99": float(np.percentile(deltas, 99)),
        "max": float(deltas.max()),
    }


def _tiny_mmproj(directory: Path) -> Path:
    if not _TINY_MMPROJ.is_file():
        raise SystemExit("no --mmproj given and no source checkout to generate the tiny one from")
    spec = importlib.util.spec_from_file_location("tiny_mmproj", _TINY_MMPROJ)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path: Path = module.write_tiny_mmproj(directory / "tiny-gemma3-mmproj.gguf")
    return path


def bench_vision(tiles: TileSet, model: Path, mmproj: Path | None, threads: int) -> dict[str, Any]:
    from llama_cpp import Llama

    from engine.vision.mtmd_runtime import VisionRuntime
    from engine.vision.prompt import layout_message

    with tempfile.TemporaryDirectory() as scratch:
        projector = mmproj or _tiny_mmproj(Path(scratch))
        started = time.perf_counter()
        llm = Llama(
            model_path=str(model),
            n_ctx=4096,
            n_batch=512,
            n_ubatch=512,
            n_threads=threads,
            verbose=False,
        )
        load_ms = (time.perf_counter() - started) * 1000.0
        try:
            started = time.perf_counter()
            runtime = VisionRuntime(llm, projector, allow_text_only_model=mmproj is None)
            init_ms = (time.perf_counter() - started) * 1000.0
            encode_ms = [runtime.encode(tile)[1] or 0.0 for tile in tiles.tiles]
            runtime.cache.clear()
            turn = ["<start_of_turn>user\n", *layout_message("What is this?", [tiles])]
            first = runtime.items([*turn, "<end_of_turn>\n<start_of_turn>model\n"], add_bos=True)
            report = runtime.prefill(first)
            follow = runtime.items(
                [
                    *turn,
                    "<end_of_turn>\n<start_of_turn>model\nA picture.<end_of_turn>\n",
                    "<start_of_turn>user\nWhat colour is it?<end_of_turn>\n<start_of_turn>model\n",
                ],
                add_bos=True,
            )
            second = runtime.prefill(follow)
        finally:
            llm.close()
    return {
        "model": model.name,
        "mmproj": "tiny random-weight (E=32, 1 block)" if mmproj is None else mmproj.name,
        "llama_load_ms": load_ms,
        "mtmd_init_ms": init_ms,
        "encode_ms_per_tile": encode_ms,
        "prompt_tokens": report.end,
        "first_encode_count": report.encode_count,
        "first_image_decode_ms": [image.decode_ms for image in report.images],
        "first_prefill_ms": report.prefill_ms,
        "follow_up_encode_count": second.encode_count,
        "follow_up_reused_tokens": second.reused,
        "follow_up_evaluated_tokens": second.evaluated,
        "follow_up_prefill_ms": second.prefill_ms,
    }


def _default_model(data_dir: str | None) -> Path:
    from engine.model.bundled import bundled_model_path
    from engine.paths import resolve_paths

    return bundled_model_path(resolve_paths(data_dir).ensure().models_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.vision.bench", description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="runs per tiling figure (median)")
    parser.add_argument("--model", type=Path, help="text GGUF (default: the bundled 270M)")
    parser.add_argument("--mmproj", type=Path, help="projector (default: generated tiny one)")
    parser.add_argument("--data-dir", help="Hearth data dir for the bundled model")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-model", action="store_true", help="only the tiling figures")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    data = synthetic_jpeg()
    results: dict[str, Any] = {"tiling": bench_tiling(data, max(1, args.repeat))}
    if not args.no_model:
        if importlib.util.find_spec("llama_cpp") is None:
            results["vision"] = "skipped: llama-cpp-python is not installed"
        else:
            model = args.model or _default_model(args.data_dir)
            results["vision"] = bench_vision(make_tiles(data), model, args.mmproj, args.threads)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for section, figures in results.items():
            print(f"[{section}]")
            if isinstance(figures, str):
                print(f"  {figures}")
                continue
            for key, value in figures.items():
                print(f"  {key:<28} {_show(value)}")
    return 0


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 10 else f"{value:.3f}"
    if isinstance(value, list):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
