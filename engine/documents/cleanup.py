"""Text cleanup shared by the extractors.

* :func:`clean_characters`: line endings, control characters, soft hyphens, ligatures.
* :func:`strip_repeated_margins`: running headers and footers (lines that repeat at the top or
  bottom of most pages, with page numbers ignored when comparing) are removed.
* :func:`reflow`: PDF lines are joined into paragraphs; a word hyphenated across a line break is
  joined again (``infor-`` + ``mation`` → ``information``).
* :func:`tidy_paragraphs`: runs of spaces collapsed, blank paragraphs dropped.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

_LIGATURES = {chr(code): unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)}
_DROP = {
    "\u00ad": "",  # soft hyphen
    "\ufeff": "",  # stray BOM / zero-width no-break space
    "\ufffe": "",
    "\x00": "",
}
_TRANSLATE = str.maketrans({**_LIGATURES, **_DROP})
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_SPACES_NO_IDEOGRAPHIC = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f]+")
_BLANK_RUN = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
_DIGITS = re.compile(r"\d+")
_SHORT_MARGIN_LINE = 40
_NUMBERED_MARGIN_LINE = 100
_TRAILING_NUMBER = re.compile(r"(?:^|\s)(\d{1,5})\s*$")
_LEADING_NUMBER = re.compile(r"^\s*(\d{1,5})(?:\s|$)")
_NUMBERED_HEADING = re.compile(r"^\d{1,3}(?:\.\d{1,3})+\.?\s+\S")
_ROMAN = re.compile(r"^[ivxlcdm]+$")
_SENTENCE_END = tuple(".!?:;\"')]\u00bb\u2026\u201d\u2019\u3002\uff01\uff1f")
_BULLET = re.compile(
    "^(?:[\u2022\u25aa\u25e6\u2023\u2219\u00b7\\-\u2013\u2014*]\\s"  # bullets and dashes
    "|\\(?\\d{1,3}[.)]\\s|\\(?[a-z][.)]\\s)"  # 1. 2) a. (b)
)
_HYPHENS = ("-", "\u2010", "\u2011")


def clean_characters(text: str) -> str:
    """Normalise line endings and drop characters that are never content."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_TRANSLATE)
    return _CONTROL.sub("", text)


def collapse_spaces(line: str, *, keep_ideographic: bool = False) -> str:
    """Collapse runs of blanks (including no-break and em spaces) into one space and strip."""
    pattern = _SPACES_NO_IDEOGRAPHIC if keep_ideographic else _SPACES
    return pattern.sub(" ", line).strip()


def _margin_key(line: str) -> str:
    """How margin lines are compared: case and spacing ignored, and for short lines (page
    numbers, ``Page 3 of 9``, ``Chapter 2 | 17``) the numbers too. Long lines must repeat exactly,
    so body text that merely has the same shape on every page is never taken for a header."""
    key = " ".join(line.lower().split())
    if len(key) > _SHORT_MARGIN_LINE:
        return key
    if _ROMAN.match(key):
        return "#"
    return _DIGITS.sub("#", key)


def _numbers_behave(occurrences: Sequence[tuple[int, str]], threshold: int) -> bool:
    """Numbers in a repeated margin line must be constant (``2024``) or follow the page index
    with a fixed offset (page numbers); otherwise the line is body text of a similar shape."""
    constant: Counter[tuple[str, ...]] = Counter()
    offsets: Counter[int] = Counter()
    for page_index, line in occurrences:
        numbers = tuple(_DIGITS.findall(line))
        constant[numbers] += 1
        if numbers:
            offsets[int(numbers[0]) - page_index] += 1
        elif _ROMAN.match(line.strip().lower()):
            offsets[-(10**9)] += 1  # roman page numbers: accepted as such
    return any(count >= threshold for count in (*constant.values(), *offsets.values()))


def _margin_keys(
    pages: Sequence[Sequence[str]], *, top: bool, depth: int, threshold: int
) -> set[str]:
    occurrences: dict[str, list[tuple[int, str]]] = {}
    for page_index, page in enumerate(pages):
        margin = page[:depth] if top else page[-depth:]
        seen: set[str] = set()
        for line in margin:
            key = _margin_key(line)
            if key not in seen:
                seen.add(key)
                occurrences.setdefault(key, []).append((page_index, line))
    return {
        key
        for key, found in occurrences.items()
        if len(found) >= threshold and ("#" not in key or _numbers_behave(found, threshold))
    }


def strip_repeated_margins(
    pages: Sequence[Sequence[str]], *, depth: int = 3, min_share: float = 0.5, min_pages: int = 3
) -> tuple[list[list[str]], int]:
    """Remove running headers/footers from per-page line lists.

    A line counts as a header (footer) when its key appears among the first (last) ``depth``
    non-blank lines of at least ``min_share`` of the pages that have text, and of at least
    ``min_pages`` pages; numbers in it must be constant or run with the page number. Only lines
    at the very top (bottom) are peeled off, so the same words inside the body are kept.
    Returns the cleaned pages and how many lines were removed.
    """
    with_text = [[line for line in page if line.strip()] for page in pages]
    counted = sum(1 for page in with_text if page)
    threshold = max(min_pages, int(min_share * counted + 0.999))
    if counted < min_pages:
        return with_text, 0
    top_keys = _margin_keys(with_text, top=True, depth=depth, threshold=threshold)
    bottom_keys = _margin_keys(with_text, top=False, depth=depth, threshold=threshold)
    numbered_top = _page_numbered_lines(with_text, top=True, threshold=threshold)
    numbered_bottom = _page_numbered_lines(with_text, top=False, threshold=threshold)
    removed = 0
    cleaned: list[list[str]] = []
    for page_index, page in enumerate(with_text):
        kept = list(page)
        if page_index in numbered_top:
            kept.pop(0)
            removed += 1
        if kept and page_index in numbered_bottom:
            kept.pop()
            removed += 1
        for _ in range(depth):
            if kept and _margin_key(kept[0]) in top_keys:
                kept.pop(0)
                removed += 1
        for _ in range(depth):
            if kept and _margin_key(kept[-1]) in bottom_keys:
                kept.pop()
                removed += 1
        cleaned.append(kept)
    return cleaned, removed


def _page_numbered_lines(pages: Sequence[Sequence[str]], *, top: bool, threshold: int) -> set[int]:
    """Pages whose first (last) line starts or ends with the page number.

    Running headers of books change with the chapter (``Chapter 2: Naming 3``,
    ``Chapter 4: Reference 18``) but carry a number that runs with the page: page index plus a
    fixed offset. When one offset fits at least ``threshold`` pages, those lines are headers.
    """
    candidates: dict[tuple[str, int], list[int]] = {}
    for page_index, page in enumerate(pages):
        if not page:
            continue
        line = page[0] if top else page[-1]
        if len(line) > _NUMBERED_MARGIN_LINE:
            continue
        for side, match in (
            ("end", _TRAILING_NUMBER.search(line)),
            ("start", _LEADING_NUMBER.match(line)),
        ):
            if match is not None:
                offset = int(match.group(1)) - page_index
                candidates.setdefault((side, offset), []).append(page_index)
    found: set[int] = set()
    for page_indexes in candidates.values():
        if len(page_indexes) >= threshold:
            found.update(page_indexes)
    return found


def _ends_with_hyphenated_word(line: str) -> bool:
    return (
        len(line) >= 3 and line.endswith(_HYPHENS) and line[-2].isalpha() and not line[-3].isspace()
    )


def reflow(lines: Iterable[str]) -> list[str]:
    """Join PDF lines into paragraphs, undoing end-of-line hyphenation.

    A paragraph ends at a blank line, before a bullet or numbered item, and after a line that is
    clearly shorter than the page's usual line length (a paragraph's last line, a heading).
    """
    stripped = [collapse_spaces(line) for line in lines]
    lengths = [len(line) for line in stripped if line]
    if not lengths:
        return []
    usual = statistics.quantiles(lengths, n=10)[7] if len(lengths) >= 4 else max(lengths)
    short = 0.7 * usual
    paragraphs: list[str] = []
    current = ""
    previous_short = True
    for line in stripped:
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            previous_short = True
            continue
        starts_item = bool(_BULLET.match(line)) or (
            len(line) < short and bool(_NUMBERED_HEADING.match(line))
        )
        continues = line[0].islower() or _ends_with_hyphenated_word(current)
        if current and (starts_item or (previous_short and not continues)):
            paragraphs.append(current)
            current = ""
        if not current:
            current = line
        elif _ends_with_hyphenated_word(current) and line[0].islower():
            current = current[:-1] + line
        elif _is_wide(current[-1]) and _is_wide(line[0]):
            current += line  # CJK text has no spaces between lines
        else:
            current += " " + line
        previous_short = len(line) < short and (
            line.endswith(_SENTENCE_END) or len(line) < 0.5 * usual
        )
    if current:
        paragraphs.append(current)
    return paragraphs


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def tidy_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    """Collapse spaces inside each paragraph and drop the empty ones."""
    tidy = []
    for paragraph in paragraphs:
        lines = [collapse_spaces(line, keep_ideographic=True) for line in paragraph.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            tidy.append(text)
    return tidy


def split_paragraphs(text: str) -> list[str]:
    """Split plain text at blank lines, keeping line breaks and indentation inside paragraphs."""
    text = clean_characters(text)
    parts = _BLANK_RUN.split(text)
    return [part.rstrip().strip("\n") for part in parts if part.strip()]


def rstrip_lines(paragraph: str) -> str:
    return "\n".join(line.rstrip() for line in paragraph.split("\n"))
