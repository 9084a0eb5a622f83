"""Whole-document summaries and questions, however long the document, resumable.

The job is a plain generator: it yields ``JobProgress`` while it works, the final answer's
``Token`` events as they stream, and ends with a ``JobResult``. Strategy:

* **single pass** when the whole document fits the context with room for the answer;
* **map-reduce** otherwise: every chunk (token-sized, on paragraph/heading boundaries, with a
  small overlap) gets a partial summary (map), partial summaries are combined level by level
  until they fit one call (reduce), then the final answer is streamed.

Every partial summary is saved in the store under (document hash, model hash, prompt version,
level, chunk): a cancelled or crashed job resumes where it stopped, and a new final instruction
only redoes the reduce. Nothing is dropped silently: every chunk contributes a partial summary,
and the answer ends with the per-section digest, each line citing its pages or section.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field

from engine.chat.engine import ChatEngine
from engine.chat.messages import ChatMessage
from engine.chat.sampling import SamplingParams
from engine.documents.chunking import Chunk, DocumentPlan, chunk_document, plan_document
from engine.documents.document import ExtractedDocument
from engine.documents.scans import read_scanned_pages
from engine.errors import Cancelled, HearthError
from engine.store import HistoryStore, SummaryKey
from engine.worker import protocol as p

PROMPT_VERSION = "summary-v1"
SUMMARY_SAMPLING = SamplingParams(temperature=0.3, top_k=40, top_p=0.9, min_p=0.05, seed=0)
MAP_TOKENS = 192
REDUCE_TOKENS = 384
FINAL_TOKENS = 768
DEFAULT_INSTRUCTION = (
    "Write a clear summary of the whole document for someone who has not read it: "
    "its purpose, its main points in order, and its conclusions."
)

MAP_SUMMARY = (
    "Here is part of a document ({anchor}). Summarise this part in a few sentences. Keep "
    "key facts, numbers, names and section titles.\n\n{text}"
)
MAP_QUESTION = (
    "Here is part of a document ({anchor}). Note everything in it that helps answer the "
    "question below; if nothing does, answer 'Nothing relevant.'\n\nQuestion: {question}"
    "\n\n{text}"
)
REDUCE = (
    "Combine these notes from consecutive parts of one document into one shorter set of "
    "notes. Keep the page or section references in brackets.\n\n{notes}"
)
FINAL_SUMMARY = "{instruction}\n\nNotes on the document, part by part:\n\n{notes}"
FINAL_QUESTION = (
    "Answer the question using the notes from the document below. Cite the pages or sections "
    "in brackets.\n\nQuestion: {question}\n\nNotes:\n\n{notes}"
)


@dataclass(frozen=True)
class JobProgress:
    phase: str  # "plan", "map", "reduce", "final"
    done: int
    total: int
    tokens_done: int
    tokens_total: int
    eta_s: float | None
    resumed: int = 0


@dataclass(frozen=True)
class Note:
    """A partial summary and what it covers."""

    anchor: str
    text: str


@dataclass
class JobResult:
    summary: str
    document_tokens: int
    prefilled_tokens: int
    chunks: int
    citations: list[str]
    resumed_chunks: int
    strategy: str
    seconds_per_chunk: list[float] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "summary": self.summary,
            "document_tokens": self.document_tokens,
            "prefilled_tokens": self.prefilled_tokens,
            "chunks": self.chunks,
            "citations": self.citations,
            "resumed_chunks": self.resumed_chunks,
            "strategy": self.strategy,
            "dropped": self.dropped,
        }


Event = JobProgress | p.Token | JobResult


@dataclass
class DocumentJob:
    """Summarise (or answer a question about) one extracted document."""

    document: ExtractedDocument
    client: ChatEngine
    store: HistoryStore | None
    model_sha256: str
    count_tokens: Callable[[str], int]
    n_ctx: int
    instruction: str = DEFAULT_INSTRUCTION
    question: str | None = None
    chunk_target: int | None = None
    cancelled: Callable[[], bool] = lambda: False
    read_scans: bool = False  # transcribe scanned pages with the (vision) model first
    scan_tokens: int = 512  # the longest transcription of one scanned page
    map_tokens: int = MAP_TOKENS
    reduce_tokens: int = REDUCE_TOKENS
    final_tokens: int = FINAL_TOKENS
    _prefilled: int = 0
    _timings: list[float] = field(default_factory=list)

    # ------------------------------------------------------------------ plumbing

    def _key(self) -> SummaryKey:
        mode = ""
        if self.question:
            mode = "q:" + hashlib.sha256(self.question.encode()).hexdigest()[:16]
        return SummaryKey(self.document.sha256, self.model_sha256, PROMPT_VERSION + mode)

    def _check_cancel(self) -> None:
        if self.cancelled():
            raise Cancelled()

    def _ask(self, prompt: str, max_tokens: int, stream: bool) -> Iterator[p.Token | str]:
        """One model call; yields tokens when streaming, then the full text as a str."""
        self._check_cancel()
        text = ""
        for event in self.client.chat(
            [ChatMessage("user", prompt)], SUMMARY_SAMPLING, max_tokens=max_tokens
        ):
            if isinstance(event, p.Token):
                if stream:
                    yield event
            elif isinstance(event, p.Done):
                if event.stats is None or event.stats.finish_reason == "cancelled":
                    raise Cancelled()
                self._prefilled += event.stats.reevaluated_tokens
                text = event.text.strip()
            elif isinstance(event, p.Failed):
                raise HearthError(event.message)
        yield text

    def _call(self, prompt: str, max_tokens: int) -> str:
        result = ""
        for item in self._ask(prompt, max_tokens, stream=False):
            if isinstance(item, str):
                result = item
        return result

    # ------------------------------------------------------------------ the job

    def plan(self) -> DocumentPlan:
        """One pass when the document fits; map-reduce otherwise or when chunks are forced."""
        plan = plan_document(
            self.document,
            self.count_tokens,
            self.n_ctx,
            reserve_output=self.final_tokens,
            chunk_target=self.chunk_target,
        )
        forced = self.chunk_target is not None and plan.document_tokens > self.chunk_target
        if plan.strategy == "single" and forced:
            assert self.chunk_target is not None
            chunks = chunk_document(self.document, self.count_tokens, self.chunk_target)
            plan = dataclasses.replace(plan, strategy="map_reduce", chunks=chunks)
        return plan

    def run(self) -> Iterator[Event]:
        if self.read_scans and self.document.scanned_pages:
            scans = read_scanned_pages(
                self.document, self.client, cancelled=self.cancelled, max_tokens=self.scan_tokens
            )
            while True:
                try:
                    done, total = next(scans)
                except StopIteration as finished:
                    self.document = finished.value
                    break
                yield JobProgress("scan", done, total, 0, 0, None)
        plan = self.plan()
        chunks = plan.chunks
        if not chunks:
            raise HearthError("The document has no text to summarise.")
        yield JobProgress("plan", 0, len(chunks), 0, plan.document_tokens, None)
        if plan.strategy == "single":
            notes = [Note(_span_anchor(chunks), chunks[0].text)]
            resumed = 0
            final_notes = notes
            single = True
        else:
            single = False
            notes, resumed = yield from self._map(chunks, plan.document_tokens)
            final_notes = yield from self._reduce(_relevant(notes) if self.question else notes)
        self._check_cancel()
        yield JobProgress("final", 0, 1, plan.document_tokens, plan.document_tokens, None)
        prompt = self._final_prompt(final_notes, single)
        answer = ""
        for item in self._ask(prompt, self.final_tokens, stream=True):
            if isinstance(item, str):
                answer = item
            else:
                yield item
        digest = "" if single else _digest(_relevant(notes) if self.question else notes)
        summary = answer + ("\n\nPart by part:\n" + digest if digest else "")
        if self.store is not None and not self.question:
            self.store.summaries.put_final(self._key(), summary)
        yield JobResult(
            summary=summary,
            document_tokens=plan.document_tokens,
            prefilled_tokens=self._prefilled,
            chunks=len(chunks),
            citations=[note.anchor for note in notes],
            resumed_chunks=resumed,
            strategy="single" if single else "map_reduce",
            seconds_per_chunk=list(self._timings),
            dropped=[f"p. {page} (scanned, no text layer)" for page in self.document.scanned_pages],
        )

    def _map(
        self, chunks: Sequence[Chunk], total_tokens: int
    ) -> Generator[JobProgress, None, tuple[list[Note], int]]:
        key = self._key()
        saved = self.store.summaries.pieces(key) if self.store is not None else {}
        notes: list[Note] = []
        resumed = 0
        done_tokens = 0
        for chunk in chunks:
            self._check_cancel()
            digest = hashlib.sha256(chunk.text.encode()).hexdigest()
            piece = saved.get(chunk.index)
            if piece is not None and piece.chunk_sha256 == digest:
                notes.append(Note(chunk.anchor, piece.text))
                resumed += 1
            else:
                begun = time.monotonic()
                template = MAP_QUESTION if self.question else MAP_SUMMARY
                text = self._call(
                    template.format(anchor=chunk.anchor, text=chunk.text, question=self.question),
                    self.map_tokens,
                )
                self._timings.append(time.monotonic() - begun)
                if self.store is not None:
                    self.store.summaries.put(key, chunk.index, text, chunk_sha256=digest)
                notes.append(Note(chunk.anchor, text))
            done_tokens += chunk.token_count
            eta = _eta(self._timings, len(chunks) - len(notes))
            yield JobProgress(
                "map", len(notes), len(chunks), done_tokens, total_tokens, eta, resumed
            )
        return notes, resumed

    def _reduce(self, notes: list[Note]) -> Generator[JobProgress, None, list[Note]]:
        """Combine notes level by level until they fit the final call."""
        budget = max(256, self.n_ctx - self.final_tokens - 512)
        level = 1
        key = self._key()
        while self._tokens(notes) > budget and len(notes) > 1:
            groups = _pack(notes, self._tokens_of, budget)
            combined: list[Note] = []
            for index, group in enumerate(groups):
                self._check_cancel()
                anchor = _join_anchors(group)
                joined = _format_notes(group)
                digest = hashlib.sha256(joined.encode()).hexdigest()
                cached = (
                    self.store.summaries.get(key, index, level=level, chunk_sha256=digest)
                    if self.store is not None
                    else None
                )
                if cached is None:
                    cached = self._call(REDUCE.format(notes=joined), self.reduce_tokens)
                    if self.store is not None:
                        self.store.summaries.put(
                            key, index, cached, level=level, chunk_sha256=digest
                        )
                combined.append(Note(anchor, cached))
                yield JobProgress("reduce", index + 1, len(groups), 0, 0, None)
            notes = combined
            level += 1
        return notes

    def _final_prompt(self, notes: Sequence[Note], single: bool) -> str:
        body = notes[0].text if single else _format_notes(notes)
        if self.question:
            return FINAL_QUESTION.format(question=self.question, notes=body)
        if single:
            return f"{self.instruction}\n\nThe document ({notes[0].anchor}):\n\n{body}"
        return FINAL_SUMMARY.format(instruction=self.instruction, notes=body)

    def _tokens_of(self, note: Note) -> int:
        return self.count_tokens(f"[{note.anchor}] {note.text}") + 2

    def _tokens(self, notes: Sequence[Note]) -> int:
        return sum(self._tokens_of(note) for note in notes)


def _relevant(notes: Sequence[Note]) -> list[Note]:
    """For a question: the parts that had something to say (all of them if none had)."""
    kept = [note for note in notes if not _NOTHING_RELEVANT.match(note.text.strip())]
    return kept or list(notes)


_NOTHING_RELEVANT = re.compile(r"^\W*nothing relevant\W*$", re.IGNORECASE)


def _format_notes(notes: Sequence[Note]) -> str:
    return "\n\n".join(f"[{note.anchor}] {note.text}" for note in notes)


def _digest(notes: Sequence[Note]) -> str:
    lines = []
    for note in notes:
        first = note.text.strip().split("\n", 1)[0].strip() or "(no summary)"
        lines.append(f"- [{note.anchor}] {first}")
    return "\n".join(lines)


def _span_anchor(chunks: Sequence[Chunk]) -> str:
    return chunks[0].anchor if len(chunks) == 1 else f"{chunks[0].anchor} - {chunks[-1].anchor}"


def _join_anchors(notes: Sequence[Note]) -> str:
    return notes[0].anchor if len(notes) == 1 else f"{notes[0].anchor} - {notes[-1].anchor}"


def _pack(notes: Sequence[Note], size: Callable[[Note], int], budget: int) -> list[list[Note]]:
    """Consecutive groups of notes, each within ``budget`` tokens, at least two per group."""
    groups: list[list[Note]] = []
    current: list[Note] = []
    used = 0
    for note in notes:
        cost = size(note)
        if current and used + cost > budget and len(current) >= 2:
            groups.append(current)
            current, used = [], 0
        current.append(note)
        used += cost
    if current:
        if len(current) == 1 and groups:
            groups[-1].append(current[0])
        else:
            groups.append(current)
    return groups


def _eta(timings: Sequence[float], remaining: int) -> float | None:
    if not timings:
        return None
    return sum(timings) / len(timings) * remaining
