"""``hearth-cli summarize``: a whole-document summary (or answer), resumable, with citations."""

from __future__ import annotations

import argparse
import hashlib
import sys
from typing import Any

from engine.chat.session import mmproj_for
from engine.commands import common
from engine.documents.sandbox import extract_document
from engine.documents.summarize import (
    FINAL_TOKENS,
    MAP_TOKENS,
    DocumentJob,
    JobProgress,
    JobResult,
)
from engine.errors import HearthError
from engine.model.identity import model_identity
from engine.store import HistoryStore
from engine.tokenizer import load_token_counter
from engine.worker import protocol as p


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("summarize", help="summarise a document of any length")
    parser.add_argument("file", help="PDF, DOCX, HTML, Markdown, text or EPUB")
    parser.add_argument("--instruction", help="what the summary should be like")
    parser.add_argument("--question", help="answer this question about the document instead")
    parser.add_argument("--chunk-tokens", type=int, default=None, help="force map-reduce chunks")
    parser.add_argument("--map-tokens", type=int, default=MAP_TOKENS, help="per-chunk notes")
    parser.add_argument("--max-tokens", type=int, default=FINAL_TOKENS, help="final answer")
    parser.add_argument("--mmproj", help="vision projector (default: found beside the model)")
    parser.add_argument(
        "--read-scans",
        action="store_true",
        help="let the vision model read pages that have no text layer",
    )
    parser.add_argument("--allow-text-only-vision", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true")
    common.add_model_options(parser)
    parser.set_defaults(func=run)


def _progress_line(event: JobProgress) -> str:
    eta = f", about {event.eta_s:.0f} s left" if event.eta_s is not None else ""
    resumed = f", {event.resumed} resumed" if event.resumed else ""
    return f"[{event.phase}] {event.done}/{event.total}{resumed}{eta}"


def run(args: argparse.Namespace) -> int:
    paths = common.paths_from(args)
    model = common.model_path_from(args, paths)
    document = extract_document(args.file)
    counter = load_token_counter(model, cache_dir=paths.tokenizer_cache)
    mmproj = mmproj_for(model, args.mmproj) if args.read_scans else None
    if args.read_scans and document.scanned_pages and mmproj is None:
        raise HearthError(
            "Reading scanned pages needs a vision model: a Gemma 3 4B, 12B or 27B with its "
            "projector (mmproj)."
        )
    config = p.ModelConfig(
        model_path=str(model),
        n_ctx=args.ctx,
        n_threads=args.threads,
        mmproj_path=mmproj,
        allow_text_only_vision=args.allow_text_only_vision,
        prompt_format=common.prompt_format_from(args),
    )
    result: JobResult | None = None
    with common.start_engine(paths, args.engine) as client, HistoryStore.open(paths) as store:
        info = client.load(config)
        identity = model_identity(model)
        if args.engine:  # summaries are kept per model: a remote one is known by its name
            identity = hashlib.sha256(f"remote:{info.path}".encode()).hexdigest()
        job = DocumentJob(
            document=document,
            client=client,
            store=store,
            model_sha256=identity,
            count_tokens=counter.count,
            n_ctx=info.n_ctx if args.engine else config.n_ctx,
            question=args.question,
            chunk_target=args.chunk_tokens,
            map_tokens=args.map_tokens,
            reduce_tokens=args.map_tokens * 2,
            final_tokens=args.max_tokens,
            read_scans=args.read_scans,
        )
        if args.instruction:
            job.instruction = args.instruction
        for event in job.run():
            if isinstance(event, JobProgress):
                print(_progress_line(event), file=sys.stderr, flush=True)
                if event.phase == "plan" and document.scanned_pages and not args.read_scans:
                    pages = ", ".join(str(n) for n in document.scanned_pages)
                    print(
                        f"note: pages {pages} are scanned images without text; "
                        "--read-scans lets a vision model read them",
                        file=sys.stderr,
                    )
            elif isinstance(event, p.Token) and not args.json:
                sys.stdout.write(event.text)
                sys.stdout.flush()
            elif isinstance(event, JobResult):
                result = event
    assert result is not None
    if args.json:
        common.print_json(result.as_json())
    else:
        digest = result.summary.split("\n\nPart by part:\n", 1)
        if len(digest) == 2:
            sys.stdout.write("\n\nPart by part:\n" + digest[1])
        sys.stdout.write("\n")
    return 0
