"""Benchmark: PDF extraction speed, and SentencePiece vs llama.cpp token counting.

``python -m engine.documents.bench [PDF] [--model GGUF] [--repeat N] [--json]``

Without a PDF the first large PDF found under ``/usr/share/doc`` is used (Debian documentation
packages ship some, e.g. ``libtasn1-doc``). Figures printed:

* extraction pages/s in this process (warm, best of N) and through the sandboxed child (including
  process start-up);
* tokens/s of :class:`engine.tokenizer.TokenCounter` and of llama.cpp's vocab-only tokenizer on the
  extracted text (whole text, and 2,000-character chunks), the speed-up, and whether every count
  matched.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.documents.extract import extract_unsafe
from engine.documents.sandbox import extract_document
from engine.tokenizer import TokenCounter, load_token_counter

SEARCH_ROOTS = (Path("/usr/share/doc"), Path("/usr/share"))
CHUNK_CHARS = 2000


@dataclass(frozen=True)
class Figures:
    pdf: str
    pages: int
    characters: int
    extract_s: float
    extract_pages_per_s: float
    sandboxed_s: float
    sandboxed_pages_per_s: float
    tokens: int
    counter_load_s: float
    spm_whole_tokens_per_s: float
    llama_whole_tokens_per_s: float
    whole_speedup: float
    spm_chunked_tokens_per_s: float
    llama_chunked_tokens_per_s: float
    chunked_speedup: float
    chunks: int
    counts_match: bool


def find_pdf(roots: Sequence[Path] = SEARCH_ROOTS, min_bytes: int = 200_000) -> Path | None:
    """The first PDF of at least ``min_bytes`` under ``roots`` (sorted walk, symlinks ignored)."""
    for root in roots:
        if not root.is_dir():
            continue
        for directory, folders, files in os.walk(root):
            folders.sort()
            for name in sorted(files):
                path = Path(directory) / name
                if name.lower().endswith(".pdf") and not path.is_symlink():
                    try:
                        if path.stat().st_size >= min_bytes:
                            return path
                    except OSError:
                        continue
    return None


def _best(repeat: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def _chunks(text: str, size: int) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


def run_benchmark(pdf: Path, model: Path, *, repeat: int = 3, cache_dir: Path | None) -> Figures:
    """Measure everything on ``pdf`` with the tokenizer of ``model``."""
    import llama_cpp

    document = extract_unsafe(pdf)  # warm-up (imports, page cache)
    pages = document.pages or 0
    extract_s = _best(repeat, lambda: extract_unsafe(pdf))
    sandboxed_s = _best(repeat, lambda: extract_document(pdf))
    text = document.text

    started = time.perf_counter()
    counter: TokenCounter = load_token_counter(model, cache_dir=cache_dir)
    load_s = time.perf_counter() - started
    reference = llama_cpp.Llama(str(model), vocab_only=True, verbose=False)
    try:

        def llama_count(piece: str) -> int:
            return len(reference.tokenize(piece.encode("utf-8"), add_bos=False, special=False))

        tokens = counter.count(text)
        pieces = list(_chunks(text, CHUNK_CHARS))
        counts_match = tokens == llama_count(text) and all(
            counter.count(piece) == llama_count(piece) for piece in pieces
        )
        chunk_tokens = sum(counter.count(piece) for piece in pieces)
        spm_whole = _best(repeat, lambda: counter.count(text))
        llama_whole = _best(repeat, lambda: llama_count(text))
        spm_chunked = _best(repeat, lambda: [counter.count(piece) for piece in pieces])
        llama_chunked = _best(repeat, lambda: [llama_count(piece) for piece in pieces])
    finally:
        reference.close()
    return Figures(
        pdf=str(pdf),
        pages=pages,
        characters=len(text),
        extract_s=extract_s,
        extract_pages_per_s=pages / extract_s,
        sandboxed_s=sandboxed_s,
        sandboxed_pages_per_s=pages / sandboxed_s,
        tokens=tokens,
        counter_load_s=load_s,
        spm_whole_tokens_per_s=tokens / spm_whole,
        llama_whole_tokens_per_s=tokens / llama_whole,
        whole_speedup=llama_whole / spm_whole,
        spm_chunked_tokens_per_s=chunk_tokens / spm_chunked,
        llama_chunked_tokens_per_s=chunk_tokens / llama_chunked,
        chunked_speedup=llama_chunked / spm_chunked,
        chunks=len(pieces),
        counts_match=counts_match,
    )


def report(figures: Figures) -> str:
    f = figures
    return "\n".join(
        [
            f"PDF: {f.pdf} ({f.pages} pages, {f.characters:,} characters, {f.tokens:,} tokens)",
            f"Extraction in process:   {f.extract_s * 1000:8.1f} ms  "
            f"{f.extract_pages_per_s:8.1f} pages/s",
            f"Extraction in sandbox:   {f.sandboxed_s * 1000:8.1f} ms  "
            f"{f.sandboxed_pages_per_s:8.1f} pages/s (includes starting the child)",
            f"Token counter load:      {f.counter_load_s * 1000:8.1f} ms",
            f"Whole text:   sentencepiece {f.spm_whole_tokens_per_s / 1e6:6.2f} M tok/s, "
            f"llama.cpp {f.llama_whole_tokens_per_s / 1e6:6.2f} M tok/s, "
            f"speed-up {f.whole_speedup:4.1f}x",
            f"{f.chunks} chunks of {CHUNK_CHARS} chars: sentencepiece "
            f"{f.spm_chunked_tokens_per_s / 1e6:6.2f} M tok/s, llama.cpp "
            f"{f.llama_chunked_tokens_per_s / 1e6:6.2f} M tok/s, "
            f"speed-up {f.chunked_speedup:4.1f}x",
            f"Counts identical to llama.cpp: {'yes' if f.counts_match else 'NO'}",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    from engine.model.bundled import bundled_model_path
    from engine.paths import resolve_paths

    parser = argparse.ArgumentParser(prog="python -m engine.documents.bench")
    parser.add_argument("pdf", nargs="?", type=Path, help="a multi-page PDF (default: search)")
    parser.add_argument("--model", type=Path, help="GGUF for the tokenizer (default: bundled)")
    parser.add_argument("--data-dir", default=None, help="Hearth data dir (models, cache)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best is kept)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    pdf = args.pdf or find_pdf()
    if pdf is None:
        print(
            "No PDF found under /usr/share/doc; pass one (e.g. install libtasn1-doc).",
            file=sys.stderr,
        )
        return 2
    paths = resolve_paths(args.data_dir).ensure()
    model = args.model or bundled_model_path(paths.models_dir)
    figures = run_benchmark(pdf, model, repeat=args.repeat, cache_dir=paths.tokenizer_cache)
    print(json.dumps(asdict(figures), indent=2) if args.json else report(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
