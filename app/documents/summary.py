"""Document summaries as a generator of progress events (no Qt here).

The window only depends on the *interface*: a summary job is an iterator of
``SummaryProgress`` events that ends with one ``SummaryDone`` (or ``SummaryCancelled``), run on
a background thread. ``map_reduce_summary`` is an interim implementation on top of
``EngineClient.chat`` until the engine's own summarizer lands; it already saves every partial
summary in ``HistoryStore.summaries`` so a summary interrupted by a restart resumes where it
stopped, and it cites each part with a clickable page reference.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.chat.messages import ChatMessage
from engine.chat.sampling import SamplingParams
from engine.documents import Chunk, DocumentPlan, ExtractedDocument
from engine.store import HistoryStore, SummaryKey
from engine.store.summaries import FINAL_LEVEL
from engine.worker import protocol as p
from engine.worker.client import EngineClient

PROMPT_VERSION = "app-interim-1"
CITE_SCHEME = "hearth:cite/"
MAP_TOKENS = 160
REDUCE_TOKENS = 256


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


def model_key(model_path: str) -> str:
    """A stable identity for a model file without hashing gigabytes: path, size, mtime."""
    real = os.path.realpath(model_path)
    try:
        info = os.stat(real)
        raw = f"{real}:{info.st_size}:{info.st_mtime_ns}"
    except OSError:
        raw = real
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def chunk_sha(chunk: Chunk) -> str:
    return hashlib.sha256(chunk.text.encode("utf-8")).hexdigest()


def cite_link(document: ExtractedDocument, chunk: Chunk) -> str:
    return f"[{chunk.anchor}]({CITE_SCHEME}{document.sha256[:16]}/{chunk.first_section})"


def parse_cite(target: str) -> tuple[str, int] | None:
    """``<sha prefix>/<section>`` from a citation link target, or None."""
    body = target.removeprefix(CITE_SCHEME).removeprefix("cite/")
    prefix, _, section = body.partition("/")
    if not prefix or not section.isdigit():
        return None
    return prefix, int(section)


def _generate(
    client: EngineClient,
    prompt: str,
    sampling: SamplingParams,
    max_tokens: int,
    cancelled: Callable[[], bool],
) -> str | None:
    """One model call; None when it was cancelled."""
    parts: list[str] = []
    for event in client.chat([ChatMessage("user", prompt)], sampling, max_tokens=max_tokens):
        if cancelled():
            client.cancel()
        if isinstance(event, p.Token):
            parts.append(event.text)
        elif isinstance(event, p.Done):
            if event.stats is not None and event.stats.finish_reason == "cancelled":
                return None
            return "".join(parts).strip() or event.text.strip()
        elif isinstance(event, p.Failed):
            from engine.errors import HearthError

            raise HearthError(event.message)
    return None


def map_reduce_summary(
    client: EngineClient,
    store: HistoryStore,
    *,
    document: ExtractedDocument,
    plan: DocumentPlan,
    model_path: str,
    sampling: SamplingParams,
    cancelled: Callable[[], bool],
    max_tokens: int = REDUCE_TOKENS,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[SummaryEvent]:
    """Summarize each chunk (map), then combine (reduce), yielding progress as it goes.

    ``max_tokens`` caps every model call (the user's answer length limit)."""
    map_tokens = min(MAP_TOKENS, max_tokens)
    reduce_tokens = min(REDUCE_TOKENS, max_tokens)
    key = SummaryKey(document.sha256, model_key(model_path), PROMPT_VERSION)
    chunks = plan.chunks
    total = len(chunks)
    final = store.summaries.get_final(key)
    saved = store.summaries.pieces(key)
    partials: dict[int, str] = {
        index: piece.text
        for index, piece in saved.items()
        if index < total and piece.chunk_sha256 == chunk_sha(chunks[index])
    }
    cached = len(partials)
    if final is not None and cached == total:
        yield SummaryProgress("reduce", total, total, 0.0, cached=cached)
        yield SummaryDone(_compose(document, chunks, final, partials), resumed_parts=cached)
        return
    started = clock()
    computed = 0
    yield SummaryProgress("map", cached, total, None, cached=cached)
    for chunk in chunks:
        if chunk.index in partials:
            continue
        if cancelled():
            yield SummaryCancelled(len(partials), total)
            return
        prompt = (
            f"Summarize this part of the document ({chunk.anchor}) in three sentences.\n\n"
            f"{chunk.text}"
        )
        text = _generate(client, prompt, sampling, map_tokens, cancelled)
        if text is None:
            yield SummaryCancelled(len(partials), total)
            return
        partials[chunk.index] = text
        store.summaries.put(key, chunk.index, text, chunk_sha256=chunk_sha(chunk))
        computed += 1
        elapsed = clock() - started
        remaining = total - len(partials)
        eta = elapsed / computed * (remaining + 1) if computed else None
        yield SummaryProgress("map", len(partials), total, eta, chunk.anchor, cached)
    if total == 1:
        final = partials[0]
    else:
        yield SummaryProgress("reduce", total, total, None, cached=cached)
        joined = "\n\n".join(f"[{c.anchor}] {partials[c.index]}" for c in chunks)
        prompt = (
            "Combine these summaries of consecutive parts of one document into one short "
            f"summary of the whole document.\n\n{joined}"
        )
        combined = _generate(client, prompt, sampling, reduce_tokens, cancelled)
        if combined is None:
            yield SummaryCancelled(total, total)
            return
        final = combined
    store.summaries.put(key, 0, final, level=FINAL_LEVEL)
    yield SummaryDone(_compose(document, chunks, final, partials), resumed_parts=cached)


def _compose(
    document: ExtractedDocument,
    chunks: tuple[Chunk, ...],
    final: str,
    partials: dict[int, str],
) -> str:
    """The summary as Markdown: the overview, then one cited line per part."""
    title = document.title or Path(document.path).name
    lines = [f"**{title}**", "", final.strip()]
    if len(chunks) > 1:
        lines += [""]
        lines += [f"- {cite_link(document, c)} {partials.get(c.index, '').strip()}" for c in chunks]
    elif chunks:
        lines += ["", cite_link(document, chunks[0])]
    return "\n".join(lines)
