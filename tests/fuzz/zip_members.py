"""Build valid ZIP containers around fuzzed XML, so the fuzzer reaches the XML readers.

Mutating a whole ``.docx`` or ``.epub`` mostly breaks the ZIP (a deflate stream or a CRC-32),
which the raw-file harnesses cover. The ``*_xml`` harnesses fuzz the members instead: the input
is one or more XML parts, packed with fixed members into a fresh, well-formed archive.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

PART_SEPARATOR = b"\n<!--hearth-fuzz-part-->\n"
"""Splits an ``epub_xml`` input into its OPF, chapter and navigation documents."""

EPUB_CONTAINER = b"""<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>"""

EPUB_PARTS = ("OEBPS/content.opf", "OEBPS/chapter1.xhtml", "OEBPS/nav.xhtml")


def pack(members: Mapping[str, bytes]) -> bytes:
    """A ZIP archive (stored, so it is quick) with ``members`` in order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_template() -> dict[str, bytes]:
    """The members of a real, empty python-docx document."""
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def docx_with(document_xml: bytes, template: Mapping[str, bytes]) -> bytes:
    members = dict(template)
    members["word/document.xml"] = document_xml
    return pack(members)


def epub_with(data: bytes) -> bytes:
    parts = data.split(PART_SEPARATOR, len(EPUB_PARTS) - 1)
    parts += [b""] * (len(EPUB_PARTS) - len(parts))
    members = {"mimetype": b"application/epub+zip", "META-INF/container.xml": EPUB_CONTAINER}
    members.update(zip(EPUB_PARTS, parts, strict=True))
    return pack(members)
