"""In-process extraction: detect the format, run its extractor, build the document.

**Only the extraction child process calls this on untrusted files** (see
:mod:`engine.documents.sandbox`): parsers of complex formats hang, explode in memory or crash on
crafted input, and the child is where a wall-clock and memory limit contain that. Tests and
trusted callers may use it directly.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
import zlib
from collections.abc import Generator
from pathlib import PurePath
from typing import BinaryIO

from engine.documents.document import DocumentFormat, ExtractedDocument, ExtractProgress
from engine.documents.errors import DocumentError
from engine.documents.inputs import DEFAULT_MAX_BYTES, open_untrusted
from engine.documents.structure import Extraction, finalise

_HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".xht", ".shtml"}
_MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn"}
_BLOCK = 1 << 20
_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"RIFF",
    b"II*\x00",
    b"MM\x00*",
)


def _zip_format(handle: BinaryIO, name: str) -> DocumentFormat:
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            mimetype = b""
            info = archive.getinfo("mimetype") if "mimetype" in names else None
            # Both sizes: zipfile reads the declared compressed size in one go (found by
            # fuzzing: a 1.6 KB file declaring a 2 GB stored "mimetype" ran out of memory).
            if info is not None and info.file_size < 100 and info.compress_size < 100:
                mimetype = archive.read(info).strip()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        NotImplementedError,  # a "zip file version" or compression method zipfile lacks
        RuntimeError,  # an encrypted member
        ValueError,
        EOFError,
        OSError,
    ) as exc:
        raise DocumentError(f"{name} is damaged (its ZIP structure cannot be read).") from exc
    if "word/document.xml" in names:
        return "docx"
    if mimetype == b"application/epub+zip" or "META-INF/container.xml" in names:
        return "epub"
    raise DocumentError(
        f"{name} is a ZIP archive Hearth cannot read (only Word .docx and .epub books)."
    )


def detect_format(handle: BinaryIO, name: str) -> DocumentFormat:
    """Decide the format from the content first, the file name second."""
    handle.seek(0)
    head = handle.read(4096)
    suffix = PurePath(name).suffix.lower()
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_format(handle, name)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if suffix in (".docx", ".docm", ".xlsx", ".pptx"):
            # Password-protected Office files are OLE containers wrapping the encrypted package.
            raise DocumentError(f"{name} is password-protected; remove the password and try again.")
        raise DocumentError(
            f"{name} is an old-style Office file (.doc); save it as .docx and try again."
        )
    if head.startswith(b"{\\rtf"):
        raise DocumentError(f"{name} is an RTF file; save it as .docx or .txt and try again.")
    if head.startswith(_IMAGE_MAGIC) or head[4:12] in (b"ftypavif", b"ftypheic"):
        raise DocumentError(f"{name} is an image, not a document; attach it as an image instead.")
    if suffix == ".pdf":
        raise DocumentError(f"{name} is damaged or not a PDF (it does not start like one).")
    if suffix in (".docx", ".epub"):
        raise DocumentError(f"{name} is damaged (it is not the ZIP archive such files are).")
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix in _MARKDOWN_SUFFIXES:
        return "markdown"
    sniff = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sniff.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in head.lower():
        return "html"
    return "text"


def _read_all(handle: BinaryIO) -> bytes:
    handle.seek(0)
    return handle.read()


def _sha256(handle: BinaryIO) -> str:
    handle.seek(0)
    digest = hashlib.sha256()
    while block := handle.read(_BLOCK):
        digest.update(block)
    return digest.hexdigest()


def _run_extractor(
    fmt: DocumentFormat, handle: BinaryIO, name: str, size: int
) -> Generator[ExtractProgress, None, Extraction]:
    if fmt == "pdf":
        from engine.documents.pdf import extract_pdf

        return (yield from extract_pdf(handle, name))
    if fmt == "docx":
        from engine.documents.word import extract_docx

        return (yield from extract_docx(handle, name, size=size))
    if fmt == "epub":
        from engine.documents.epub import extract_epub

        return (yield from extract_epub(handle, name, size=size))
    if fmt == "html":
        from engine.documents.web import extract_html

        return (yield from extract_html(_read_all(handle), name))
    from engine.documents.plaintext import extract_text

    return (yield from extract_text(_read_all(handle), name, markdown=fmt == "markdown"))


def iter_extract_unsafe(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allowed_root: str | os.PathLike[str] | None = None,
) -> Generator[ExtractProgress, None, ExtractedDocument]:
    """Extract ``path`` in this process, yielding progress; the return value is the document."""
    checked, handle = open_untrusted(path, max_bytes=max_bytes, allowed_root=allowed_root)
    name = checked.name
    with handle:
        fmt = detect_format(handle, name)
        yield ExtractProgress("opened", 0, None)
        sha256 = _sha256(handle)
        handle.seek(0)
        extraction = yield from _run_extractor(fmt, handle, name, checked.size)
    sections = finalise(extraction.drafts)
    document = ExtractedDocument(
        path=str(path),
        sha256=sha256,
        format=extraction.format,
        title=extraction.title,
        sections=sections,
        pages=extraction.pages,
        scanned_pages=tuple(extraction.scanned_pages),
        warnings=tuple(extraction.warnings),
        encoding=extraction.encoding,
        size_bytes=checked.size,
    )
    if document.is_empty and not document.scanned_pages:
        raise DocumentError(f"{name} contains no text.")
    return document


def extract_unsafe(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allowed_root: str | os.PathLike[str] | None = None,
) -> ExtractedDocument:
    """Extract ``path`` in this process (used by the extraction child; see the module docstring)."""
    generator = iter_extract_unsafe(path, max_bytes=max_bytes, allowed_root=allowed_root)
    while True:
        try:
            next(generator)
        except StopIteration as stop:
            document: ExtractedDocument = stop.value
            return document
