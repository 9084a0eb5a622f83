"""The result of extracting a document: text in sections that each know where they came from.

A *section* is the unit a citation can point at: one page of a PDF (``"p. 12"``), the text under a
heading (``"§ Results"``), one chapter of an EPUB, or a run of lines of a plain-text file
(``"lines 120-180"``). Sections are joined with :data:`SECTION_SEPARATOR` to form the document text
that is counted and chunked; paragraphs inside a section are separated the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args

DocumentFormat = Literal["pdf", "docx", "html", "markdown", "text", "epub"]
DOCUMENT_FORMATS: tuple[DocumentFormat, ...] = get_args(DocumentFormat)

SECTION_SEPARATOR = "\n\n"
"""Joins sections (and paragraphs inside a section) into the document text."""

RANGE_DASH = "\u2013"
"""The en dash used in ranges (``pp. 3``, en dash, ``5``)."""

_MAX_HEADING_IN_ANCHOR = 80


def heading_anchor(heading: str) -> str:
    """``"§ Heading"``, shortened to a readable length."""
    text = " ".join(heading.split())
    if len(text) > _MAX_HEADING_IN_ANCHOR:
        text = text[: _MAX_HEADING_IN_ANCHOR - 1].rstrip() + "…"
    return f"§ {text}"


def page_anchor(first: int, last: int | None = None) -> str:
    """``"p. 3"`` or ``"pp. 3-5"`` with an en dash (1-based page numbers)."""
    if last is None or last == first:
        return f"p. {first}"
    return f"pp. {first}{RANGE_DASH}{last}"


def line_anchor(first: int, last: int) -> str:
    """``"line 7"`` or ``"lines 7-42"`` with an en dash (1-based, in the original file)."""
    if first == last:
        return f"line {first}"
    return f"lines {first}{RANGE_DASH}{last}"


@dataclass(frozen=True, slots=True)
class Section:
    """A citable piece of a document.

    ``index`` is the section's position in :attr:`ExtractedDocument.sections`. Exactly one way of
    locating it is filled in, depending on the format: pages (PDF, text with form feeds),
    lines (plain text and Markdown without a heading), or a heading (DOCX, HTML, EPUB, Markdown).
    EPUB sections also carry ``chapter`` (1-based position in the reading order).
    """

    index: int
    anchor: str
    text: str
    heading: str | None = None
    level: int | None = None
    page_start: int | None = None
    page_end: int | None = None
    line_start: int | None = None
    line_end: int | None = None
    chapter: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "anchor": self.anchor,
            "text": self.text,
            "heading": self.heading,
            "level": self.level,
            "page_start": self.page_start,
            "page_end": self.page_end,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "chapter": self.chapter,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Section:
        return cls(
            index=int(data["index"]),
            anchor=str(data["anchor"]),
            text=str(data["text"]),
            heading=_opt_str(data.get("heading")),
            level=_opt_int(data.get("level")),
            page_start=_opt_int(data.get("page_start")),
            page_end=_opt_int(data.get("page_end")),
            line_start=_opt_int(data.get("line_start")),
            line_end=_opt_int(data.get("line_end")),
            chapter=_opt_int(data.get("chapter")),
        )


@dataclass(frozen=True)
class ExtractedDocument:
    """Everything Hearth knows about a document's text.

    ``pages`` is the page count for paged formats (PDF, or text with form feeds) and ``None``
    otherwise. ``scanned_pages`` lists 1-based PDF pages that have images but no text layer (they
    need OCR or the vision model). ``warnings`` are human sentences about things that were
    skipped or guessed (for example a guessed text encoding).
    """

    path: str
    sha256: str
    format: DocumentFormat
    title: str | None
    sections: tuple[Section, ...]
    pages: int | None = None
    scanned_pages: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()
    encoding: str | None = None
    size_bytes: int = 0
    _spans: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        spans: list[tuple[int, int]] = []
        offset = 0
        for position, section in enumerate(self.sections):
            if section.index != position:
                raise ValueError(f"section {position} has index {section.index}")
            if position:
                offset += len(SECTION_SEPARATOR)
            spans.append((offset, offset + len(section.text)))
            offset += len(section.text)
        object.__setattr__(self, "_spans", tuple(spans))

    @property
    def text(self) -> str:
        """The whole document as one string (what gets counted, chunked and summarised)."""
        return SECTION_SEPARATOR.join(section.text for section in self.sections)

    @property
    def section_spans(self) -> tuple[tuple[int, int], ...]:
        """``(start, end)`` character offsets of each section inside :attr:`text`."""
        return self._spans

    @property
    def is_empty(self) -> bool:
        return not any(section.text.strip() for section in self.sections)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "format": self.format,
            "title": self.title,
            "pages": self.pages,
            "scanned_pages": list(self.scanned_pages),
            "warnings": list(self.warnings),
            "encoding": self.encoding,
            "size_bytes": self.size_bytes,
            "sections": [section.to_dict() for section in self.sections],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExtractedDocument:
        fmt = str(data["format"])
        if fmt not in DOCUMENT_FORMATS:
            raise ValueError(f"unknown document format {fmt!r}")
        sections = cast(Sequence[Mapping[str, Any]], data["sections"])
        return cls(
            path=str(data["path"]),
            sha256=str(data["sha256"]),
            format=fmt,
            title=_opt_str(data.get("title")),
            sections=tuple(Section.from_dict(item) for item in sections),
            pages=_opt_int(data.get("pages")),
            scanned_pages=tuple(int(page) for page in data.get("scanned_pages", ())),
            warnings=tuple(str(warning) for warning in data.get("warnings", ())),
            encoding=_opt_str(data.get("encoding")),
            size_bytes=int(data.get("size_bytes", 0)),
        )


@dataclass(frozen=True, slots=True)
class ExtractProgress:
    """Progress of an extraction: ``done`` of ``total`` units (pages, parts), ``total`` if known."""

    stage: str
    done: int
    total: int | None = None


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _opt_int(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str | float):
        raise ValueError(f"expected an integer, got {value!r}")
    return int(value)
