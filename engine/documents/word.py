"""DOCX extraction with python-docx: paragraphs and tables in reading order, split at headings.

The archive is checked for bombs and unsafe paths and every XML part is scanned for a DTD (OOXML
forbids them, so any ``<!DOCTYPE`` is refused: that stops billion-laughs and XXE before python-docx
parses anything) before python-docx is allowed to open it.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Generator, Iterator
from typing import BinaryIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.exceptions import InvalidXmlError
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from engine.documents import cleanup, guards
from engine.documents.document import ExtractProgress, heading_anchor
from engine.documents.errors import DocumentError
from engine.documents.structure import Block, Extraction, group_by_headings

_HEADING_STYLE = re.compile(r"^(?:heading|überschrift|titre|título|titolo)\s*(\d)$", re.IGNORECASE)
_XML_SUFFIXES = (".xml", ".rels")


def _check_package(handle: BinaryIO, name: str, size: int) -> None:
    archive = guards.open_archive(handle, name, archive_size=size)
    with archive:
        names = set(archive.namelist())
        if "word/document.xml" not in names and "[Content_Types].xml" not in names:
            raise DocumentError(f"{name} is a ZIP archive but not a Word document.")
        for info in archive.infolist():
            if info.filename.lower().endswith(_XML_SUFFIXES):
                data = guards.read_member(archive, info.filename, name, limit=guards.MAX_XML_BYTES)
                guards.refuse_entities(data, name, allow_doctype=False)


def _heading_level(paragraph: Paragraph) -> int | None:
    try:
        style = paragraph.style
    except (KeyError, ValueError, InvalidXmlError):  # e.g. a w:pStyle without w:val (fuzzing)
        return None
    style_name = (style.name or "") if style is not None else ""
    if style_name.lower() == "title":
        return 1
    match = _HEADING_STYLE.match(style_name.strip())
    if match:
        return max(1, int(match.group(1)))
    return None


def _cell_text(cell: _Cell) -> str:
    parts: list[str] = []
    for item in cell.iter_inner_content():
        if isinstance(item, Paragraph):
            parts.append(cleanup.collapse_spaces(item.text))
        else:
            parts.extend(_table_rows(item))
    return " ".join(part for part in parts if part)


def _table_rows(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        previous: object = None
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; keep it once.
            if cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(_cell_text(cell))
        if any(cells):
            yield " | ".join(cells)


def _blocks(document: DocxDocument) -> Iterator[Block]:
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = cleanup.clean_characters(item.text)
            if text.strip():
                yield Block(text=text, level=_heading_level(item))
        else:
            rows = list(_table_rows(item))
            if rows:
                yield Block(text="\n".join(rows))


def extract_docx(
    handle: BinaryIO, name: str, *, size: int
) -> Generator[ExtractProgress, None, Extraction]:
    """Extract a DOCX file opened as ``handle``."""
    _check_package(handle, name, size)
    yield ExtractProgress("checked", 1, 2)
    handle.seek(0)
    try:
        document = Document(handle)
    # XMLSyntaxError: python-docx parses the parts itself (after the entity scan above).
    # python-docx unpacks every part (media too) itself: the ZIP errors apply again.
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        zlib.error,
        NotImplementedError,
        EOFError,
        OSError,
        KeyError,
        ValueError,
        etree.XMLSyntaxError,
    ) as exc:
        raise DocumentError(f"{name} is damaged and cannot be read as a Word document.") from exc
    if document.element.tag != qn("w:document"):
        raise DocumentError(f"{name} is damaged (its main part is not a Word document body).")
    try:
        title = (document.core_properties.title or "").strip() or None
        blocks = list(_blocks(document))
    except InvalidXmlError as exc:  # python-docx met an element missing a required attribute
        raise DocumentError(f"{name} is damaged (its text is not valid WordprocessingML).") from exc
    if title is None:
        title = next((block.text.strip() for block in blocks if block.level == 1), None)
    drafts = group_by_headings(
        (Block(text="\n".join(cleanup.tidy_paragraphs([b.text])), level=b.level) for b in blocks),
        preamble_anchor=heading_anchor(title) if title else "start",
    )
    yield ExtractProgress("parsed", 2, 2)
    return Extraction(format="docx", drafts=drafts, title=title)
