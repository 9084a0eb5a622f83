"""Document summaries and whole-document answers as a generator of progress events (no Qt).

The window only depends on the *interface*: a summary job is an iterator of
``SummaryProgress`` events that ends with one ``SummaryDone`` (or ``SummaryCancelled``), run on
a background thread. ``map_reduce_summary`` adapts the engine's ``DocumentJob`` (map-reduce
with hierarchical reduce, every partial summary saved in the store so a summary interrupted by
a restart resumes where it stopped) and turns its page citations into clickable links. With a
``question`` the same job answers that question over the whole document instead; with
``read_scans`` the vision model first transcribes the scanned pages (``ScansRead`` then carries
the document with their text, so citations of those pages can be opened).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.chat.engine import ChatEngine
from engine.chat.sampling import SamplingParams
from engine.documents import Chunk, DocumentPlan, ExtractedDocument
from engine.documents.summarize import (
    FINAL_TOKENS,
    MAP_TOKENS,
    DocumentJob,
    JobProgress,
    JobResult,
)
from engine.errors import Cancelled
from engine.model.identity import model_identity
from engine.store import HistoryStore
from engine.tokenizer import load_token_counter

CITE_SCHEME = "hearth:cite/"
SCANS_SUFFIX = "/scans"


@dataclass(frozen=True)
class SummaryProgress:
    """``phase`` is "scan" (reading scanned pages: pages done of pages), "map" (one part at a
    time) or "reduce" (combining, then writing the answer); ``done`` of ``total``."""

    phase: str
    done: int
    total: int
    eta_s: float | None = None
    anchor: str = ""
    cached: int = 0


@dataclass(frozen=True)
class SummaryDone:
    text: str
    """Markdown; citations are links ``hearth:cite/<document sha>/<section index>``."""
    resumed_parts: int = 0


@dataclass(frozen=True)
class SummaryCancelled:
    done: int
    total: int


@dataclass(frozen=True)
class ScansRead:
    """The document with the vision model's transcription of its scanned pages."""

    document: ExtractedDocument


SummaryEvent = SummaryProgress | SummaryDone | SummaryCancelled | ScansRead

SCAN_TOKENS = 512
"""The longest transcription of one scanned page."""


def cite_link(document: ExtractedDocument, chunk: Chunk, *, scans: bool = False) -> str:
    """A Markdown link to the chunk's first section; ``scans`` marks section numbers of the
    document with its scanned pages read (they count those pages as sections too)."""
    suffix = SCANS_SUFFIX if scans else ""
    return f"[{chunk.anchor}]({CITE_SCHEME}{document.sha256[:16]}/{chunk.first_section}{suffix})"


def parse_cite(target: str) -> tuple[str, int, bool] | None:
    """``(sha prefix, section, scans read)`` from a citation link target, or None."""
    body = target.removeprefix(CITE_SCHEME).removeprefix("cite/")
    scans = body.endswith(SCANS_SUFFIX)
    prefix, _, section = body.removesuffix(SCANS_SUFFIX).partition("/")
    if not prefix or not section.isdigit():
        return None
    return prefix, int(section), scans


def map_reduce_summary(
    client: ChatEngine,
    store: HistoryStore,
    *,
    document: ExtractedDocument,
    plan: DocumentPlan,
    model_path: str,
    sampling: SamplingParams,
    cancelled: Callable[[], bool],
    max_tokens: int = FINAL_TOKENS,
    cache_dir: Path | None = None,
    question: str | None = None,
    read_scans: bool = False,
) -> Iterator[SummaryEvent]:
    """Run the engine's summary job (or, with ``question``, its whole-document answer) and
    translate its events for the window.

    ``max_tokens`` caps the final answer (the user's answer length limit); ``read_scans`` lets
    the loaded vision model read the scanned pages first."""
    del sampling  # summaries use the engine's own steady sampling
    counter = load_token_counter(model_path, cache_dir=cache_dir)
    job = DocumentJob(
        document=document,
        client=client,
        store=store,
        model_sha256=model_identity(model_path),
        count_tokens=counter.count,
        n_ctx=plan.n_ctx,
        question=question or None,
        cancelled=cancelled,
        read_scans=read_scans,
        scan_tokens=min(SCAN_TOKENS, max_tokens),
        final_tokens=min(FINAL_TOKENS, max_tokens),
        map_tokens=min(MAP_TOKENS, max_tokens),
    )
    scanning = read_scans and bool(document.scanned_pages)
    chunks = {} if scanning else {chunk.anchor: chunk for chunk in job.plan().chunks}
    parts = len(chunks)
    done = resumed = 0
    began = time.monotonic()
    try:
        for event in job.run():
            if not isinstance(event, JobProgress):
                if isinstance(event, JobResult):
                    text = _linked(job.document, chunks, event.summary, read_scans)
                    yield SummaryDone(text, resumed_parts=event.resumed_chunks)
                continue
            if event.phase == "scan":  # the vision model reads one scanned page at a time
                per_page = (time.monotonic() - began) / max(1, event.done)
                eta = per_page * (event.total - event.done)
                yield SummaryProgress("scan", event.done, event.total, eta)
                continue
            if event.phase == "plan" and scanning:
                # The transcribed pages are now part of the document: plan and link on it.
                chunks = {chunk.anchor: chunk for chunk in job.plan().chunks}
                parts = len(chunks)
                yield ScansRead(job.document)
            if event.phase in {"plan", "map"}:  # reading the parts, one at a time
                done, resumed = event.done, event.resumed
                yield SummaryProgress("map", done, parts, event.eta_s, cached=resumed)
            else:  # combining ("reduce" levels, then the final answer)
                yield SummaryProgress("reduce", parts, parts, None, cached=resumed)
    except Cancelled:
        yield SummaryCancelled(done, parts)


def _linked(
    document: ExtractedDocument, chunks: dict[str, Chunk], summary: str, scans: bool = False
) -> str:
    """The summary as Markdown, each ``[pp. 3-5]`` citation a link to that part's text."""
    title = document.title or Path(document.path).name
    for anchor, chunk in chunks.items():
        summary = summary.replace(f"[{anchor}]", cite_link(document, chunk, scans=scans))
    return f"**{title}**\n\n{summary.strip()}"
