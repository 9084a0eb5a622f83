"""The intermediate form every extractor produces, and how it becomes :class:`Section` objects."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.documents.document import (
    SECTION_SEPARATOR,
    DocumentFormat,
    Section,
    heading_anchor,
)

_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)*")


@dataclass(slots=True)
class Block:
    """A paragraph, or a heading when ``level`` is set (1 = top level)."""

    text: str
    level: int | None = None


@dataclass(slots=True)
class Draft:
    """A section before it gets its index: an anchor, paragraphs and where it came from."""

    anchor: str
    paragraphs: list[str] = field(default_factory=list)
    heading: str | None = None
    level: int | None = None
    page_start: int | None = None
    page_end: int | None = None
    line_start: int | None = None
    line_end: int | None = None
    chapter: int | None = None


@dataclass(slots=True)
class Extraction:
    """What a format-specific extractor hands back."""

    format: DocumentFormat
    drafts: list[Draft]
    title: str | None = None
    pages: int | None = None
    scanned_pages: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None


def group_by_headings(
    blocks: Iterable[Block], *, preamble_anchor: str, chapter: int | None = None
) -> list[Draft]:
    """Start a new section at every heading; text before the first heading gets
    ``preamble_anchor``. The heading itself stays in the section text, as its first paragraph."""
    drafts: list[Draft] = []
    current = Draft(anchor=preamble_anchor, chapter=chapter)
    for block in blocks:
        text = block.text.strip()
        if not text:
            continue
        if block.level is not None:
            if current.paragraphs:
                drafts.append(current)
            heading = " ".join(text.split())
            current = Draft(
                anchor=heading_anchor(heading),
                paragraphs=[heading],
                heading=heading,
                level=block.level,
                chapter=chapter,
            )
        else:
            current.paragraphs.append(text)
    if current.paragraphs:
        drafts.append(current)
    return drafts


def finalise(drafts: Iterable[Draft]) -> tuple[Section, ...]:
    """Number the non-empty drafts and turn them into sections."""
    sections: list[Section] = []
    for draft in drafts:
        paragraphs = [
            _BLANK_LINES.sub("\n", paragraph.strip("\n"))
            for paragraph in draft.paragraphs
            if paragraph.strip()
        ]
        if not paragraphs:
            continue
        sections.append(
            Section(
                index=len(sections),
                anchor=draft.anchor,
                text=SECTION_SEPARATOR.join(paragraphs),
                heading=draft.heading,
                level=draft.level,
                page_start=draft.page_start,
                page_end=draft.page_end,
                line_start=draft.line_start,
                line_end=draft.line_end,
                chapter=draft.chapter,
            )
        )
    return tuple(sections)
