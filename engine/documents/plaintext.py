"""Plain text and Markdown: encoding detection, then sections with line numbers.

* Text with form feeds (``\\f``, as written by ``pdftotext`` and many printers' spoolers) is split
  into pages, anchored ``"p. N"``.
* Markdown is split at ATX (``## Title``) and setext (``Title`` over ``===``) headings outside code
  fences, anchored ``"§ Title"``.
* Anything else is grouped into sections of about :data:`LINES_SECTION_CHARS` characters at blank
  lines, anchored by the line numbers of the original file (``"lines 120-180"``).

Line breaks and indentation inside paragraphs are kept (code, poems, tables); only trailing blanks
and runs of blank lines are normalised.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass

from engine.documents import cleanup
from engine.documents.document import (
    DocumentFormat,
    ExtractProgress,
    heading_anchor,
    line_anchor,
    page_anchor,
)
from engine.documents.encoding import decode_text
from engine.documents.structure import Draft, Extraction

LINES_SECTION_CHARS = 4000
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(slots=True)
class _Para:
    lines: list[str]
    first: int
    last: int
    level: int | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _paragraphs(lines: list[str], *, markdown: bool, first_line: int = 1) -> list[_Para]:
    """Split lines at blank lines (and, for Markdown, around headings), keeping line numbers."""
    paragraphs: list[_Para] = []
    current: _Para | None = None
    fence: str | None = None
    for number, raw in enumerate(lines, start=first_line):
        line = raw.rstrip()
        if markdown:
            fence_match = _FENCE.match(line)
            if fence is not None:
                if (
                    fence_match
                    and fence_match.group(1)[0] == fence[0]
                    and len(fence_match.group(1)) >= len(fence)
                ):
                    fence = None  # the closing fence ends the code block's paragraph
                    if current is None:
                        current = _Para([line], number, number)
                    else:
                        current.lines.append(line)
                        current.last = number
                    paragraphs.append(current)
                    current = None
                    continue
            elif fence_match:
                fence = fence_match.group(1)
                if current is not None:  # an opening fence starts a new paragraph
                    paragraphs.append(current)
                    current = None
            elif atx := _ATX.match(line):
                if current is not None:
                    paragraphs.append(current)
                    current = None
                heading = (atx.group(2) or "").strip()
                if heading:
                    paragraphs.append(_Para([heading], number, number, len(atx.group(1))))
                continue
            elif (
                _SETEXT.match(line)
                and current is not None
                and len(current.lines) == 1
                and current.level is None
            ):
                current.level = 1 if line.strip().startswith("=") else 2
                current.lines = [current.lines[0].strip()]
                current.last = number
                paragraphs.append(current)
                current = None
                continue
        if not line.strip():
            # Blank lines separate paragraphs, inside code fences too (nothing is lost).
            if current is not None:
                paragraphs.append(current)
                current = None
            continue
        if current is None:
            current = _Para([line], number, number)
        else:
            current.lines.append(line)
            current.last = number
    if current is not None:
        paragraphs.append(current)
    return paragraphs


def _by_lines(paragraphs: list[_Para]) -> list[Draft]:
    drafts: list[Draft] = []
    group: list[_Para] = []
    size = 0
    for paragraph in paragraphs:
        group.append(paragraph)
        size += len(paragraph.text)
        if size >= LINES_SECTION_CHARS:
            drafts.append(_line_draft(group))
            group, size = [], 0
    if group:
        drafts.append(_line_draft(group))
    return drafts


def _line_draft(group: list[_Para]) -> Draft:
    first, last = group[0].first, group[-1].last
    return Draft(
        anchor=line_anchor(first, last),
        paragraphs=[paragraph.text for paragraph in group],
        line_start=first,
        line_end=last,
    )


def _by_headings(paragraphs: list[_Para]) -> list[Draft]:
    drafts: list[Draft] = []
    preamble: list[_Para] = []
    current: Draft | None = None
    for paragraph in paragraphs:
        if paragraph.level is not None:
            if current is not None:
                drafts.append(current)
            elif preamble:
                drafts.extend(_by_lines(preamble))
            heading = " ".join(paragraph.text.split())
            current = Draft(
                anchor=heading_anchor(heading),
                paragraphs=[heading],
                heading=heading,
                level=paragraph.level,
                line_start=paragraph.first,
                line_end=paragraph.last,
            )
        elif current is None:
            preamble.append(paragraph)
        else:
            current.paragraphs.append(paragraph.text)
            current.line_end = paragraph.last
    if current is not None:
        drafts.append(current)
    elif preamble:
        drafts.extend(_by_lines(preamble))
    return drafts


def extract_text(
    data: bytes, name: str, *, markdown: bool
) -> Generator[ExtractProgress, None, Extraction]:
    """Extract a plain-text or Markdown file from its bytes."""
    decoded = decode_text(data, name)
    yield ExtractProgress("decoded", 1, 2)
    text = cleanup.clean_characters(decoded.text)
    fmt: DocumentFormat = "markdown" if markdown else "text"
    warnings = []
    if decoded.guessed:
        warnings.append(f"The text encoding was guessed as {decoded.encoding}.")
    pages: int | None = None
    drafts: list[Draft] = []
    if "\f" in text:
        page_texts = text.split("\f")
        if page_texts and not page_texts[-1].strip():
            page_texts.pop()  # a trailing form feed ends the last page, it does not start one
        pages = len(page_texts)
        line = 1
        for number, page_text in enumerate(page_texts, start=1):
            page_lines = page_text.split("\n")
            paragraphs = _paragraphs(page_lines, markdown=markdown, first_line=line)
            line += len(page_lines) - 1
            if paragraphs:
                drafts.append(
                    Draft(
                        anchor=page_anchor(number),
                        paragraphs=[paragraph.text for paragraph in paragraphs],
                        page_start=number,
                        page_end=number,
                        line_start=paragraphs[0].first,
                        line_end=paragraphs[-1].last,
                    )
                )
    else:
        paragraphs = _paragraphs(text.split("\n"), markdown=markdown)
        drafts = _by_headings(paragraphs) if markdown else _by_lines(paragraphs)
    title = next((draft.heading for draft in drafts if draft.level == 1), None)
    yield ExtractProgress("parsed", 2, 2)
    return Extraction(
        format=fmt,
        drafts=drafts,
        title=title,
        pages=pages,
        warnings=warnings,
        encoding=decoded.encoding,
    )
