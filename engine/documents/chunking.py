"""Token budget and chunking: does a document fit the context, and if not, how to cut it.

:func:`plan_document` counts the whole document exactly (with the model's own tokenizer, see
:mod:`engine.tokenizer`), compares it with the context left after the prompt and the answer, and
picks ``"single"`` (one pass) or ``"map_reduce"`` (summarise chunks, then combine).

Chunks are cut at paragraph boundaries, preferring to start a chunk at a heading; a paragraph that
is itself too long is cut at line, then sentence, then word boundaries (and, for pathological
text with none of those, inside a word). Every chunk begins with a small overlap (≈5 % of the
target) copied from the end of the previous one, for context. The *core* of each chunk (the text
after the overlap) is a contiguous slice of the document text, the cores follow each other with
only whitespace between them, so no text is dropped; and each chunk records the pages or sections
its core covers, which is what a summary cites.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from engine.documents.document import (
    RANGE_DASH,
    ExtractedDocument,
    Section,
    line_anchor,
    page_anchor,
)

CountTokens = Callable[[str], int]
Strategy = Literal["single", "map_reduce"]

DEFAULT_RESERVE_OUTPUT = 1024
"""Tokens kept free for the model's answer."""
DEFAULT_PROMPT_OVERHEAD = 256
"""Tokens for the instructions and chat template around the document text."""
DEFAULT_MAX_CHUNK = 8192
"""Upper bound of the default chunk size: larger chunks are slow to prefill on a CPU."""
DEFAULT_OVERLAP = 0.05
HEADING_SOFT_FILL = 0.5
"""Start a new chunk at a heading once the current one is at least this full."""

_PARAGRAPH_GAP = re.compile(r"\n[ \t]*\n\s*")
_LEVELS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\n"),
    re.compile(
        "(?<=[.!?;:\u2026])[\"'\u201d\u2019)\\]]*\\s+"  # Latin sentence ends, closing quotes
        "|(?<=[\u3002\uff01\uff1f\uff1b])"  # CJK full stop, !, ?, ;
    ),
    re.compile(r"\s+"),
)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of a document sized for one model call.

    ``text`` is what to send: ``text[:overlap_chars]`` repeats the end of the previous chunk for
    context, ``core`` (the rest) is new. ``start``/``end`` locate the core in
    ``ExtractedDocument.text``. ``first_section``/``last_section`` index
    ``ExtractedDocument.sections``; ``page_start``/``page_end`` are set for paged documents.
    ``anchor`` is the citation for the core: ``"pp. 3-5"``, ``"§ Methods - § Results"``...
    """

    index: int
    text: str
    token_count: int
    overlap_chars: int
    start: int
    end: int
    first_section: int
    last_section: int
    page_start: int | None
    page_end: int | None
    anchor: str

    @property
    def core(self) -> str:
        return self.text[self.overlap_chars :]


@dataclass(frozen=True, slots=True)
class DocumentPlan:
    """How a document will be fed to a model with ``n_ctx`` tokens of context."""

    document_tokens: int
    n_ctx: int
    reserve_output: int
    prompt_overhead: int
    chunk_target: int
    fits_in_context: bool
    strategy: Strategy
    chunks: tuple[Chunk, ...]

    @property
    def available_tokens(self) -> int:
        """Context left for document text once the prompt and the answer are reserved."""
        return self.n_ctx - self.reserve_output - self.prompt_overhead


@dataclass(slots=True)
class _Unit:
    start: int
    end: int
    tokens: int
    heading: bool = False


def default_chunk_target(n_ctx: int, available: int) -> int:
    """``min(available, 8192, max(256, n_ctx // 2))``: half the context, capped for CPU prefill."""
    return max(1, min(available, DEFAULT_MAX_CHUNK, max(256, n_ctx // 2)))


def plan_document(
    document: ExtractedDocument,
    count_tokens: CountTokens,
    n_ctx: int,
    *,
    reserve_output: int = DEFAULT_RESERVE_OUTPUT,
    prompt_overhead: int = DEFAULT_PROMPT_OVERHEAD,
    chunk_target: int | None = None,
    overlap: float = DEFAULT_OVERLAP,
) -> DocumentPlan:
    """Count ``document`` with ``count_tokens`` and plan one pass or map/reduce for ``n_ctx``.

    ``count_tokens(text)`` must return the exact number of tokens of ``text`` without BOS (e.g.
    :meth:`engine.tokenizer.TokenCounter.count`). The document fits when its tokens plus
    ``reserve_output`` plus ``prompt_overhead`` are at most ``n_ctx``; then the plan has one chunk
    with everything. Otherwise chunks of at most ``chunk_target`` tokens (overlap included) are cut.
    """
    available = n_ctx - reserve_output - prompt_overhead
    if available < 16:
        raise ValueError(
            f"n_ctx={n_ctx} leaves no room for text after reserving {reserve_output} + "
            f"{prompt_overhead} tokens"
        )
    target = default_chunk_target(n_ctx, available) if chunk_target is None else chunk_target
    if not 1 <= target <= available:
        raise ValueError(f"chunk_target={target} must be between 1 and {available}")
    text = document.text
    total = count_tokens(text)
    fits = total <= available
    if fits:
        chunks: tuple[Chunk, ...] = ()
        if text.strip():
            chunks = (
                _make_chunk(
                    document,
                    index=0,
                    chunk_text=text,
                    overlap_chars=0,
                    start=0,
                    end=len(text),
                    tokens=total,
                ),
            )
        return DocumentPlan(
            document_tokens=total,
            n_ctx=n_ctx,
            reserve_output=reserve_output,
            prompt_overhead=prompt_overhead,
            chunk_target=target,
            fits_in_context=True,
            strategy="single",
            chunks=chunks,
        )
    return DocumentPlan(
        document_tokens=total,
        n_ctx=n_ctx,
        reserve_output=reserve_output,
        prompt_overhead=prompt_overhead,
        chunk_target=target,
        fits_in_context=False,
        strategy="map_reduce",
        chunks=chunk_document(document, count_tokens, target, overlap=overlap),
    )


def chunk_document(
    document: ExtractedDocument,
    count_tokens: CountTokens,
    chunk_target: int,
    *,
    overlap: float = DEFAULT_OVERLAP,
) -> tuple[Chunk, ...]:
    """Cut ``document`` into chunks of at most ``chunk_target`` tokens each (overlap included)."""
    if chunk_target < 1:
        raise ValueError("chunk_target must be positive")
    if not 0 <= overlap < 0.5:
        raise ValueError("overlap must be in [0, 0.5)")
    text = document.text
    overlap_budget = int(chunk_target * overlap)
    unit_limit = max(1, chunk_target - overlap_budget)
    units = _units(document, text, count_tokens, unit_limit)
    chunks: list[Chunk] = []
    position = 0
    previous: list[_Unit] = []
    while position < len(units):
        core = _pack(units, position, chunk_target, overlap_budget)
        overlap_start = _overlap_start(text, previous, count_tokens, overlap_budget)
        while True:
            start, end = core[0].start, core[-1].end
            from_ = overlap_start if overlap_start is not None else start
            chunk_text = text[from_:end]
            tokens = count_tokens(chunk_text)
            if tokens <= chunk_target:
                break
            if overlap_start is not None:
                overlap_start = None  # first give up the overlap, then the last unit
            elif len(core) > 1:
                core.pop()
            else:  # pragma: no cover - units are cut to fit, this is a safety net
                break
        chunks.append(
            _make_chunk(
                document,
                index=len(chunks),
                chunk_text=chunk_text,
                overlap_chars=start - from_,
                start=start,
                end=end,
                tokens=tokens,
            )
        )
        position += len(core)
        previous = core
    return tuple(chunks)


def _pack(units: Sequence[_Unit], position: int, target: int, overlap_budget: int) -> list[_Unit]:
    """Greedily take units from ``position`` while the estimate stays within the budget."""
    budget = target - overlap_budget
    core = [units[position]]
    used = units[position].tokens
    for unit in units[position + 1 :]:
        if unit.heading and used >= HEADING_SOFT_FILL * budget:
            break
        if used + 1 + unit.tokens > budget:
            break
        core.append(unit)
        used += 1 + unit.tokens  # +1 for the paragraph gap
    return core


def _overlap_start(
    text: str, previous: Sequence[_Unit], count_tokens: CountTokens, budget: int
) -> int | None:
    """Where the overlap copied from the previous chunk starts (``None`` for no overlap)."""
    if not previous or budget <= 0:
        return None
    used = 0
    start: int | None = None
    for unit in reversed(previous):
        if used + unit.tokens > budget:
            break
        used += unit.tokens + 1
        start = unit.start
    if start is not None:
        return start
    # The last unit alone is larger than the budget: take its tail, cut at a word boundary.
    last = previous[-1]
    span = text[last.start : last.end]
    chars = max(1, int(len(span) * budget / max(last.tokens, 1)))
    cut = len(span) - chars
    while cut < len(span) and count_tokens(span[cut:]) > budget:
        cut += max(1, (len(span) - cut) // 4)
    if cut >= len(span):
        return None
    space = span.find(" ", cut)
    if 0 <= space < len(span) - 1:
        cut = space + 1
    return last.start + cut


def _units(
    document: ExtractedDocument, text: str, count_tokens: CountTokens, limit: int
) -> list[_Unit]:
    """Paragraph spans of the document text, each at most ``limit`` tokens."""
    units: list[_Unit] = []
    for section, (section_start, section_end) in zip(
        document.sections, document.section_spans, strict=True
    ):
        first = True
        cursor = section_start
        body = text[section_start:section_end]
        for gap in [*_PARAGRAPH_GAP.finditer(body), None]:
            end = section_start + (gap.start() if gap is not None else len(body))
            start, end = _trim(text, cursor, end)
            if start < end:
                heading = first and section.heading is not None
                tokens = count_tokens(text[start:end])
                if tokens <= limit:
                    units.append(_Unit(start, end, tokens, heading))
                else:
                    pieces = _split(text, start, end, count_tokens, limit=limit, level=0)
                    pieces[0].heading = heading
                    units.extend(pieces)
                first = False
            if gap is not None:
                cursor = section_start + gap.end()
    return units


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split(
    text: str, start: int, end: int, count_tokens: CountTokens, *, limit: int, level: int
) -> list[_Unit]:
    """Cut ``text[start:end]`` (over ``limit`` tokens) into units of at most ``limit`` tokens."""
    if level >= len(_LEVELS):
        return _hard_split(text, start, end, count_tokens, limit)
    # Pieces partition [start, end): each ends right after a separator.
    segment = text[start:end]
    cuts = [start + match.end() for match in _LEVELS[level].finditer(segment)]
    bounds = [start, *(cut for cut in cuts if start < cut < end), end]
    if len(bounds) <= 2:
        return _split(text, start, end, count_tokens, limit=limit, level=level + 1)
    units: list[_Unit] = []
    group_start = bounds[0]
    group_tokens = 0
    index = 1
    while index < len(bounds):
        piece_start, piece_end = bounds[index - 1], bounds[index]
        piece_tokens = count_tokens(text[piece_start:piece_end])
        if piece_tokens > limit:
            units.extend(
                _close(text, group_start, piece_start, count_tokens, limit=limit, level=level)
            )
            a, b = _trim(text, piece_start, piece_end)
            if a < b:
                units.extend(_split(text, a, b, count_tokens, limit=limit, level=level + 1))
            group_start, group_tokens = piece_end, 0
        elif group_tokens + piece_tokens > limit and group_start < piece_start:
            units.extend(
                _close(text, group_start, piece_start, count_tokens, limit=limit, level=level)
            )
            group_start, group_tokens = piece_start, piece_tokens
        else:
            group_tokens += piece_tokens
        index += 1
    units.extend(_close(text, group_start, end, count_tokens, limit=limit, level=level))
    return units


def _close(
    text: str, start: int, end: int, count_tokens: CountTokens, *, limit: int, level: int
) -> list[_Unit]:
    """Turn a grouped span into units, re-splitting if the exact count overshoots."""
    start, end = _trim(text, start, end)
    if start >= end:
        return []
    tokens = count_tokens(text[start:end])
    if tokens <= limit:
        return [_Unit(start, end, tokens)]
    return _split(text, start, end, count_tokens, limit=limit, level=level + 1)


def _hard_split(
    text: str, start: int, end: int, count_tokens: CountTokens, limit: int
) -> list[_Unit]:
    """Cut inside a word: the longest prefix that fits, found by bisection, repeatedly."""
    units: list[_Unit] = []
    while start < end:
        low, high = start + 1, end
        while low < high:
            middle = (low + high + 1) // 2
            if count_tokens(text[start:middle]) <= limit:
                low = middle
            else:
                high = middle - 1
        units.append(_Unit(start, low, count_tokens(text[start:low])))
        start = low
    return units


def _make_chunk(
    document: ExtractedDocument,
    *,
    index: int,
    chunk_text: str,
    overlap_chars: int,
    start: int,
    end: int,
    tokens: int,
) -> Chunk:
    first, last = _section_range(document, start, end)
    covered = document.sections[first : last + 1]
    pages = [s.page_start for s in covered if s.page_start is not None] + [
        s.page_end for s in covered if s.page_end is not None
    ]
    page_start = min(pages) if pages else None
    page_end = max(pages) if pages else None
    return Chunk(
        index=index,
        text=chunk_text,
        token_count=tokens,
        overlap_chars=overlap_chars,
        start=start,
        end=end,
        first_section=first,
        last_section=last,
        page_start=page_start,
        page_end=page_end,
        anchor=_anchor(covered, page_start, page_end),
    )


def _section_range(document: ExtractedDocument, start: int, end: int) -> tuple[int, int]:
    spans = document.section_spans
    if not spans:
        return 0, 0
    starts = [span[0] for span in spans]
    first = max(0, bisect.bisect_right(starts, start) - 1)
    last = max(first, bisect.bisect_left(starts, end) - 1)
    return first, last


def _anchor(covered: Sequence[Section], page_start: int | None, page_end: int | None) -> str:
    if not covered:
        return ""
    if page_start is not None and page_end is not None:
        return page_anchor(page_start, page_end)
    first, last = covered[0], covered[-1]
    if all(s.heading is None for s in covered) and all(
        s.line_start is not None and s.line_end is not None for s in covered
    ):
        return line_anchor(
            min(s.line_start or 0 for s in covered), max(s.line_end or 0 for s in covered)
        )
    if first is last:
        return first.anchor
    return f"{first.anchor} {RANGE_DASH} {last.anchor}"
