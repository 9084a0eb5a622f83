"""``hearth-cli extract FILE``: a document's text, as Hearth reads it, with page/section anchors.

The file is read in the sandboxed extraction child (time and memory limits). Text output prints
each section under its anchor (``[p. 12]``, ``[§ Results]``); ``--json`` prints one object with
the sections, page count, scanned pages, warnings and the exact token count for a model (the
``--model`` GGUF, or the bundled one) with the plan for ``--ctx`` (single pass or map/reduce).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from engine.commands import common
from engine.documents import ExtractedDocument, extract_document, plan_document
from engine.documents.sandbox import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S
from engine.model.bundled import bundled_model_path
from engine.paths import resolve_paths
from engine.tokenizer import TokenCounter, load_token_counter

DEFAULT_CTX = 8192


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "extract",
        help="print a document's text (PDF, DOCX, HTML, Markdown, text, EPUB) with its anchors",
        description="Extract a document's text the way Hearth reads it, in a sandboxed process.",
    )
    parser.add_argument("file", type=Path, help="the document")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object (sections, pages, tokens)"
    )
    parser.add_argument(
        "--model",
        type=Path,
        default=None,
        help="GGUF whose tokenizer counts the tokens (default for --json: the bundled model)",
    )
    parser.add_argument(
        "--no-tokens", action="store_true", help="do not count tokens (no model needed)"
    )
    parser.add_argument(
        "--ctx",
        type=common.positive_int,
        default=DEFAULT_CTX,
        help=f"context size for the plan (default {DEFAULT_CTX})",
    )
    parser.add_argument(
        "--timeout",
        type=common.positive_float,
        default=DEFAULT_TIMEOUT_S,
        help=f"seconds before reading is stopped (default {DEFAULT_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--memory-mb",
        type=common.positive_int,
        default=DEFAULT_MEMORY_MB,
        help=f"memory limit of the reader in MB (default {DEFAULT_MEMORY_MB})",
    )
    parser.set_defaults(func=run)


def _counter(args: argparse.Namespace) -> tuple[TokenCounter, Path] | None:
    if args.no_tokens or (not args.json and args.model is None):
        return None
    paths = resolve_paths(getattr(args, "data_dir", None)).ensure()
    model = args.model.expanduser() if args.model is not None else None
    if model is None:
        model = bundled_model_path(paths.models_dir)
    return load_token_counter(model, cache_dir=paths.tokenizer_cache), model


def _token_report(document: ExtractedDocument, counter: TokenCounter, ctx: int) -> dict[str, Any]:
    plan = plan_document(document, counter.count, ctx)
    return {
        "document_tokens": plan.document_tokens,
        "plan": {
            "n_ctx": plan.n_ctx,
            "reserve_output": plan.reserve_output,
            "prompt_overhead": plan.prompt_overhead,
            "fits_in_context": plan.fits_in_context,
            "strategy": plan.strategy,
            "chunk_target": plan.chunk_target,
            "chunks": [
                {
                    "index": chunk.index,
                    "anchor": chunk.anchor,
                    "tokens": chunk.token_count,
                    "first_section": chunk.first_section,
                    "last_section": chunk.last_section,
                    "page_start": chunk.page_start,
                    "page_end": chunk.page_end,
                }
                for chunk in plan.chunks
            ],
        },
    }


def run(args: argparse.Namespace) -> int:
    document = extract_document(args.file, timeout_s=args.timeout, memory_mb=args.memory_mb)
    counted = _counter(args)
    tokens = _token_report(document, counted[0], args.ctx) if counted is not None else None
    if args.json:
        payload = document.to_dict()
        if tokens is not None and counted is not None:
            payload.update(tokens)
            payload["tokenizer_model"] = str(counted[1])
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    out = sys.stdout
    for number, section in enumerate(document.sections):
        if number:
            out.write("\n")
        out.write(f"[{section.anchor}]\n{section.text}\n")
    summary = [f"{len(document.sections)} sections"]
    if document.pages is not None:
        summary.append(f"{document.pages} pages")
    if document.scanned_pages:
        summary.append("scanned pages " + ", ".join(map(str, document.scanned_pages)))
    if tokens is not None:
        summary.append(f"{tokens['document_tokens']:,} tokens")
    print(f"hearth-cli: {document.format}, " + ", ".join(summary), file=sys.stderr)
    for warning in document.warnings:
        print(f"hearth-cli: {warning}", file=sys.stderr)
    out.flush()
    return 0
