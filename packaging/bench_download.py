"""Measure the downloader on loopback: throughput of a fresh download and what resuming a cut
download costs, against a real HTTP server on 127.0.0.1 serving the bundled model's bytes.

    .venv/bin/python packaging/bench_download.py [--runs 3]

Prints the medians of each figure, all measured in this one process.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from engine.errors import HearthError
from engine.model.bundled import bundled_model_path, sha256_file
from engine.model.download_catalog import DownloadFile
from engine.model.downloader import Downloader, DownloadFinished
from engine.paths import resolve_paths

REPO = Path(__file__).resolve().parent.parent
MIB = 1 << 20


def _server_module():  # type: ignore[no-untyped-def]
    path = REPO / "tests" / "engine" / "model" / "file_server.py"
    spec = importlib.util.spec_from_file_location("file_server", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["file_server"] = module
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    model = bundled_model_path(resolve_paths(None).models_dir)
    size = model.stat().st_size
    sha = sha256_file(model)
    file = DownloadFile("bench/m", "main", "m.gguf", size, sha, size_exact=True)
    served = _server_module().serve({"/bench/m/resolve/main/m.gguf": model})
    server = served.__enter__()
    raw: list[float] = []
    fresh: list[float] = []
    resumed: list[float] = []
    hash_part: list[float] = []
    extra: list[int] = []
    try:
        for _ in range(args.runs):
            start = time.perf_counter()
            with httpx.stream("GET", file.url(server.base_url)) as response:
                for _chunk in response.iter_bytes(MIB):
                    pass
            raw.append(time.perf_counter() - start)
            with tempfile.TemporaryDirectory() as scratch:
                downloader = Downloader(Path(scratch), server.base_url)
                start = time.perf_counter()
                events = list(downloader.download(file))
                fresh.append(time.perf_counter() - start)
                assert isinstance(events[-1], DownloadFinished)
            with tempfile.TemporaryDirectory() as scratch:
                server.log.clear()
                server.cut_after = [size // 2]
                first = Downloader(Path(scratch), server.base_url, retries=0)
                with contextlib.suppress(HearthError):
                    list(first.download(file))
                kept = first.partial_bytes(file)
                part = first.part_path(file)
                start = time.perf_counter()
                sha256_file(part)
                hash_part.append(time.perf_counter() - start)
                second = Downloader(Path(scratch), server.base_url)
                start = time.perf_counter()
                events = list(second.download(file))
                resumed.append(time.perf_counter() - start)
                finished = events[-1]
                assert isinstance(finished, DownloadFinished) and finished.resumed_from == kept
                extra.append(server.bytes_sent - size)
    finally:
        served.__exit__(None, None, None)
    t_fresh = statistics.median(fresh)
    t_resumed = statistics.median(resumed)
    t_hash = statistics.median(hash_part)
    print(f"file: {size / MIB:.1f} MiB, {args.runs} runs, medians")
    t_raw = statistics.median(raw)
    print(f"raw HTTP read, bytes discarded: {t_raw:.2f} s = {size / MIB / t_raw:.0f} MiB/s")
    print(
        f"fresh download (write, SHA-256, fsync, rename): {t_fresh:.2f} s = "
        f"{size / MIB / t_fresh:.0f} MiB/s on loopback ({t_fresh / t_raw:.2f}x the raw read)"
    )
    print(
        f"resume after a cut at 50%: {t_resumed:.2f} s for the second half "
        f"({t_resumed / t_fresh:.2f}x a whole fresh download); of it, hashing the kept half "
        f"again: {t_hash:.2f} s"
    )
    lost = statistics.median(extra) / MIB
    print(f"bytes sent beyond the file size (lost in the cut): {lost:.2f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
