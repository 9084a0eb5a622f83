"""Factories for real document files, written with the real libraries (or by hand for PDF).

PDF: a minimal PDF 1.4 file is written byte by byte (standard Type 1 Helvetica, one text content
stream per page, optional image XObject), which is what pypdfium2 and pypdf then parse. DOCX is
written by python-docx, EPUB by ``zipfile``, HTML and text directly.
"""

from __future__ import annotations

import sys
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

# ---------------------------------------------------------------------------------------------
# A minimal, honest PDF writer


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def build_pdf(
    pages: Sequence[Sequence[str] | None],
    *,
    image_pages: Sequence[int] = (),
    title: str | None = None,
) -> bytes:
    """PDF bytes with one page per entry of ``pages`` (lines of Helvetica text, or ``None`` for
    no text); 1-based ``image_pages`` also draw a small grey image (like a scanned page)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")
    pages_id = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    image = add(
        b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream"
    )
    kids = []
    for number, lines in enumerate(pages, start=1):
        operations = []
        if lines:
            operations.append(b"BT /F1 11 Tf 14 TL 72 770 Td")
            operations.extend(b"(" + _pdf_string(line) + b") Tj T*" for line in lines)
            operations.append(b"ET")
        if number in image_pages:
            operations.append(b"q 400 0 0 500 100 150 cm /Im1 Do Q")
        stream = b"\n".join(operations)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources "
                b"<< /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_id, font, image, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objects[pages_id - 1] = (
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % kid for kid in kids)
        + b"] /Count %d >>" % len(kids)
    )
    info = add(b"<< /Title (" + _pdf_string(title) + b") >>") if title else None
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info is not None:
        trailer += b" /Info %d 0 R" % info
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def book_pages(count: int) -> list[list[str]]:
    """Pages of a report: a running header, numbered body lines, a page-number footer."""
    pages = []
    for page in range(1, count + 1):
        lines = ["Hearth Quarterly Report - Confidential"]
        lines += [
            f"Page {page} body line {line}: the quick brown fox jumps over the lazy dog again."
            for line in range(1, 6)
        ]
        lines.append(f"Marker-{page:03d} closes the body text on this page of the report.")
        lines.append(f"- {page} -")
        pages.append(lines)
    return pages


@pytest.fixture()
def make_pdf(tmp_path: Path) -> Callable[..., Path]:
    def make(
        name: str,
        pages: Sequence[Sequence[str] | None],
        *,
        image_pages: Sequence[int] = (),
        title: str | None = None,
    ) -> Path:
        path = tmp_path / name
        path.write_bytes(build_pdf(pages, image_pages=image_pages, title=title))
        return path

    return make


@pytest.fixture()
def pdf_pages() -> Callable[[int], list[list[str]]]:
    return book_pages


# ---------------------------------------------------------------------------------------------
# DOCX


@pytest.fixture()
def make_docx(tmp_path: Path) -> Callable[..., Path]:
    from docx import Document

    def make(
        name: str,
        items: Sequence[tuple[str, object]],
        *,
        title: str | None = None,
    ) -> Path:
        """``items``: ("h1".."h3", text), ("p", text), ("table", [[cell, ...], ...])."""
        document = Document()
        if title:
            document.core_properties.title = title
        for kind, value in items:
            if kind.startswith("h"):
                document.add_heading(str(value), level=int(kind[1:]))
            elif kind == "p":
                document.add_paragraph(str(value))
            elif kind == "table":
                rows = list(value)  # type: ignore[call-overload]
                table = document.add_table(rows=len(rows), cols=len(rows[0]))
                for r, row in enumerate(rows):
                    for c, cell in enumerate(row):
                        table.cell(r, c).text = str(cell)
            else:
                raise ValueError(kind)
        path = tmp_path / name
        document.save(str(path))
        return path

    return make


def rewrite_zip(
    source: Path,
    target: Path,
    *,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
) -> Path:
    """Copy a ZIP archive, replacing or adding members (deflated)."""
    replace = replace or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = replace.get(info.filename, old.read(info.filename))
            new.writestr(info.filename, data)
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


@pytest.fixture()
def zip_rewriter() -> Callable[..., Path]:
    return rewrite_zip


# ---------------------------------------------------------------------------------------------
# EPUB

_CONTAINER = b"""<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>"""


def chapter_xhtml(title: str, paragraphs: Sequence[str], *, heading: bool = True) -> bytes:
    body = (f"<h1>{title}</h1>" if heading else "") + "".join(
        f"<p>{paragraph}</p>" for paragraph in paragraphs
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>'
        f"{title}</title></head><body>{body}</body></html>"
    ).encode()


def build_epub(
    path: Path,
    chapters: Sequence[tuple[str, str, bytes]],
    *,
    spine: Sequence[str] | None = None,
    title: str = "A Test Book",
    nav_labels: dict[str, str] | None = None,
    extra: dict[str, bytes] | None = None,
    opf: bytes | None = None,
) -> Path:
    """``chapters``: (id, href relative to OEBPS/, XHTML bytes), written in that order; the
    spine lists ids in ``spine`` order (default: chapter order)."""
    manifest = "".join(
        f'<item id="{cid}" href="{href}" media-type="application/xhtml+xml"/>'
        for cid, href, _ in chapters
    )
    nav = ""
    if nav_labels:
        manifest += (
            '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        )
        links = "".join(
            f'<li><a href="{href}">{label}</a></li>' for href, label in nav_labels.items()
        )
        nav = (
            '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
            'xmlns:epub="http://www.idpf.org/2007/ops"><body><nav epub:type="toc"><ol>'
            f"{links}</ol></nav></body></html>"
        )
    order = spine if spine is not None else [cid for cid, _, _ in chapters]
    itemrefs = "".join(f'<itemref idref="{cid}"/>' for cid in order)
    package = (
        opf
        or (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:identifier id="id">urn:test</dc:identifier><dc:title>{title}</dc:title>'
            "<dc:language>en</dc:language></metadata>"
            f"<manifest>{manifest}</manifest><spine>{itemrefs}</spine></package>"
        ).encode()
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/epub+zip")
        archive.writestr("META-INF/container.xml", _CONTAINER, zipfile.ZIP_DEFLATED)
        archive.writestr("OEBPS/content.opf", package, zipfile.ZIP_DEFLATED)
        if nav:
            archive.writestr("OEBPS/nav.xhtml", nav, zipfile.ZIP_DEFLATED)
        for _, href, data in chapters:
            archive.writestr(f"OEBPS/{href}", data, zipfile.ZIP_DEFLATED)
        for name, data in (extra or {}).items():
            archive.writestr(name, data, zipfile.ZIP_DEFLATED)
    return path


@pytest.fixture()
def epub_tools() -> tuple[Callable[..., Path], Callable[..., bytes]]:
    return build_epub, chapter_xhtml


# ---------------------------------------------------------------------------------------------
# Watching what a parser does: every file opened and every network call, via audit hooks.

_WATCH = threading.local()


def _audit(event: str, args: tuple[object, ...]) -> None:
    log = getattr(_WATCH, "log", None)
    if log is None:
        return
    if event == "open" and args and isinstance(args[0], str | bytes | Path):
        log.append(("open", str(args[0])))
    elif event.startswith("socket.") or event in ("urllib.Request", "http.client.connect"):
        log.append((event, repr(args)[:200]))


sys.addaudithook(_audit)


@contextmanager
def _watching() -> Iterator[list[tuple[str, str]]]:
    log: list[tuple[str, str]] = []
    _WATCH.log = log
    try:
        yield log
    finally:
        _WATCH.log = None


@pytest.fixture()
def watch_io() -> Callable[[], AbstractContextManager[list[tuple[str, str]]]]:
    """``with watch_io() as log:`` records files opened and sockets used by this thread."""
    return _watching
