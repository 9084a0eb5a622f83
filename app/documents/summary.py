"""Document summaries as a generator of progress events (no Qt here).

The window only depends on the *interface*: a summary job is an iterator of
``SummaryProgress`` events that ends with one ``SummaryDone`` (or ``SummaryCancelled``), run on
a background thread. ``map_reduce_summary`` adapts the engine's ``DocumentJob`` (map-reduce
with hierarchical reduce, every partial summary saved in the store so a summary interrupted by
a restart resumes where it stopped) and turns its page citations into clickable links.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

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
from engine.worker.client import EngineClient

CITE_SCHEME = "hearth:cite/"


@dataclass(frozen=True)
class SummaryProgress:
    """``phase`` is "map" (one part at a time) or "reduce" (combining); ``done`` of ``total``."""

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


SummaryEvent = SummaryProgress | SummaryDone | SummaryCancelled


def cite_link(document: ExtractedDocument, chunk: Chunk) -> str:
    return f"[{chunk.anchor}]({CITE_SCHEME}{document.sha256[:16]}/{chunk.first_section})"


def parse_cite(target: str) -> tuple[str, int] | None:
    """``<sha prefix>/<section>`` from a citation link target, or None."""
    body = target.removeprefix(CITE_SCHEME).removeprefix("cite/")
    prefix, _, section = body.partition("/")
    if not prefix or not section.isdigit():
        return None
    return prefix, int(section)


def map_reduce_summary(
    client: EngineClient,
    store: HistoryStore,
    *,
    document: ExtractedDocument,
    plan: DocumentPlan,
    model_path: str,
    sampling: SamplingParams,
    cancelled: Callable[[], bool],
    max_tokens: int = FINAL_TOKENS,
    cache_dir: Path | None = None,
) -> Iterator[SummaryEvent]:
    """Run the engine's summary job and translate its events for the window.

    ``max_tokens`` caps the final answer (the user's answer length limit)."""
    del sampling  # summaries use the engine's own steady sampling
    counter = load_token_counter(model_path, cache_dir=cache_dir)
    job = DocumentJob(
        document=document,
        client=client,
        store=store,
        model_sha256=model_identity(model_path),
        count_tokens=counter.count,
        n_ctx=plan.n_ctx,
        cancelled=cancelled,
        final_tokens=min(FINAL_TOKENS, max_tokens),
        map_tokens=min(MAP_TOKENS, max_tokens),
    )
    chunks = {chunk.anchor: chunk for chunk in job.plan().chunks}
    parts = len(chunks)
    done = resumed = 0
    try:
        for event in job.run():
            if not isinstance(event, JobProgress):
                if isinstance(event, JobResult):
                    text = _linked(document, chunks, event.summary)
                    yield SummaryDone(text, resumed_parts=event.resumed_chunks)
                continue
            if event.phase in {"plan", "map"}:  # reading the parts, one at a time
                done, resumed = event.done, event.resumed
                yield SummaryProgress("map", done, parts, event.eta_s, cached=resumed)
            else:  # combining ("reduce" levels, then the final answer)
                yield SummaryProgress("reduce", parts, parts, None, cached=resumed)
    except Cancelled:
        yield SummaryCancelled(done, parts)


def _linked(document: ExtractedDocument, chunks: dict[str, Chunk], summary: str) -> str:
    """The summary as Markdown, each ``[pp. 3-5]`` citation a link to that part's text."""
    title = document.title or Path(document.path).name
    for anchor, chunk in chunks.items():
        summary = summary.replace(f"[{anchor}]", cite_link(document, chunk))
    return f"**{title}**\n\n{summary.strip()}"
