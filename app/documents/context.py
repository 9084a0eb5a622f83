"""Which parts of a document go with a question (no Qt here).

When the whole document fits, it all goes. When it does not, the chunks that share the most
words with the question are picked until the budget is used, kept in document order, and the
message says which pages were used: the document is never cut silently.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from engine.documents import Chunk, DocumentPlan, ExtractedDocument

_WORD = re.compile(r"\w{3,}", re.UNICODE)


@dataclass(frozen=True)
class DocumentContext:
    text: str
    anchors: tuple[str, ...]
    complete: bool
    tokens: int


def _words(text: str) -> set[str]:
    words = {w.lower() for w in _WORD.findall(text)}
    # CJK text has no spaces: use character bigrams as "words".
    cjk = [ch for ch in text if "\u3040" <= ch <= "\u9fff"]
    words |= {a + b for a, b in itertools.pairwise(cjk)}
    return words


def pick_context(
    document: ExtractedDocument, plan: DocumentPlan, question: str, budget: int
) -> DocumentContext:
    """The document text (or its best-matching chunks) within ``budget`` tokens."""
    if plan.fits_in_context and plan.document_tokens <= budget:
        return DocumentContext(document.text, (), True, plan.document_tokens)
    query = _words(question)
    scored: list[tuple[float, int, Chunk]] = []
    for chunk in plan.chunks:
        words = _words(chunk.core)
        score = len(query & words) / (1 + len(query)) if query else 0.0
        scored.append((-score, chunk.index, chunk))
    scored.sort()
    chosen: list[Chunk] = []
    used = 0
    for _score, _index, chunk in scored:
        if used + chunk.token_count > budget:
            continue
        chosen.append(chunk)
        used += chunk.token_count
    chosen.sort(key=lambda c: c.index)
    text = "\n\n[…]\n\n".join(c.core for c in chosen)
    return DocumentContext(text, tuple(c.anchor for c in chosen), False, used)
