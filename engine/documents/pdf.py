"""PDF text extraction (pypdfium2, with pypdf as fallback), scanned-page detection, page rendering.

PDFium is not thread-safe; everything here is meant to run in the extraction child process
(:mod:`engine.documents.sandbox`), one document at a time.

One section per page that has text, anchored ``"p. N"`` (the physical page number, 1-based, which
is what a PDF viewer's page box shows). Running headers and footers are removed across pages, lines
are reflowed into paragraphs and hyphenation at line ends is undone (PDFium marks such hyphens with
U+FFFE and joins the lines itself; pypdf's output is dehyphenated by :func:`cleanup.reflow`).
A page without text that draws an image is reported in ``scanned_pages``.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from engine.documents import cleanup
from engine.documents.document import ExtractProgress, page_anchor
from engine.documents.errors import DocumentError
from engine.documents.structure import Draft, Extraction

if TYPE_CHECKING:
    from PIL import Image

MAX_RENDER_SIDE = 4096
"""Longest side, in pixels, of a rendered page (the scale is reduced to fit)."""


@dataclass(slots=True)
class _RawPages:
    texts: list[str] = field(default_factory=list)
    scanned: list[int] = field(default_factory=list)
    title: str | None = None
    warnings: list[str] = field(default_factory=list)


def _password_error(name: str) -> DocumentError:
    return DocumentError(f"{name} is password-protected; remove the password and try again.")


def _open_pdfium(handle: BinaryIO, name: str) -> Any:
    handle.seek(0)
    try:
        return pdfium.PdfDocument(handle)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise _password_error(name) from exc
        raise


def _pdfium_pages(handle: BinaryIO, name: str) -> Generator[ExtractProgress, None, _RawPages]:
    document = _open_pdfium(handle, name)
    raw = _RawPages()
    try:
        title = document.get_metadata_value("Title")
        raw.title = (title.strip() or None) if isinstance(title, str) else None
        total = len(document)
        for index in range(total):
            page = document[index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range() if textpage.count_chars() > 0 else ""
                finally:
                    textpage.close()
                if not text.strip() and _has_image(page):
                    raw.scanned.append(index + 1)
            finally:
                page.close()
            raw.texts.append(text)
            yield ExtractProgress("pages", index + 1, total)
    finally:
        document.close()
    return raw


def _has_image(page: Any) -> bool:
    objects = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4)
    return any(True for _ in objects)


def _pypdf_pages(handle: BinaryIO, name: str) -> Generator[ExtractProgress, None, _RawPages]:
    import pypdf
    from pypdf.errors import DependencyError

    handle.seek(0)
    raw = _RawPages()
    try:
        reader = pypdf.PdfReader(handle, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _password_error(name)
        metadata = reader.metadata
        title = metadata.title if metadata is not None else None
        raw.title = (title.strip() or None) if isinstance(title, str) else None
        total = len(reader.pages)
        for index, page in enumerate(reader.pages):
            text = page.extract_text() or ""
            if not text.strip() and _pypdf_has_image(page):
                raw.scanned.append(index + 1)
            raw.texts.append(text)
            yield ExtractProgress("pages", index + 1, total)
    except (DocumentError, MemoryError, RecursionError):
        raise  # the sandbox reports the last two as "too big" and "nested too deeply"
    except DependencyError as exc:  # e.g. AES encryption without the optional cryptography
        raise DocumentError(f"{name} is encrypted in a way Hearth cannot read.") from exc
    except Exception as exc:
        # pypdf only reads files PDFium could not open, i.e. damaged ones, and on those it
        # raises whatever its parser trips over: PyPdfError (LimitReachedError on reference
        # loops), assertions inside its lexer, KeyError, TypeError... (found by fuzzing).
        raise DocumentError(f"{name} is damaged and cannot be read as a PDF.") from exc
    return raw


def _pypdf_has_image(page: Any) -> bool:
    try:
        return bool(page.images)
    except Exception:  # any failure here only means "cannot tell"
        return False


def extract_pdf(
    handle: BinaryIO, name: str, *, reader: Literal["auto", "pypdf"] = "auto"
) -> Generator[ExtractProgress, None, Extraction]:
    """Extract a PDF opened as ``handle`` (``name`` is only used in messages).

    ``reader="auto"`` uses PDFium and falls back to pypdf when PDFium cannot open the file;
    ``"pypdf"`` uses pypdf only.
    """
    warnings: list[str] = []
    if reader == "pypdf":
        raw = yield from _pypdf_pages(handle, name)
    else:
        try:
            raw = yield from _pdfium_pages(handle, name)
        except pdfium.PdfiumError:
            raw = yield from _pypdf_pages(handle, name)
            warnings.append("PDFium could not open this file; it was read with pypdf instead.")
    pages = [cleanup.clean_characters(text).split("\n") for text in raw.texts]
    pages, removed = cleanup.strip_repeated_margins(pages)
    if removed:
        warnings.append(f"Removed {removed} repeated header/footer lines.")
    drafts = []
    for number, lines in enumerate(pages, start=1):
        paragraphs = cleanup.tidy_paragraphs(cleanup.reflow(lines))
        if paragraphs:
            drafts.append(
                Draft(
                    anchor=page_anchor(number),
                    paragraphs=paragraphs,
                    page_start=number,
                    page_end=number,
                )
            )
    if raw.scanned:
        shown = ", ".join(str(page) for page in raw.scanned[:10])
        more = "…" if len(raw.scanned) > 10 else ""
        warnings.append(f"{len(raw.scanned)} page(s) have no text layer (scanned?): {shown}{more}.")
    return Extraction(
        format="pdf",
        drafts=drafts,
        title=raw.title,
        pages=len(raw.texts),
        scanned_pages=raw.scanned,
        warnings=warnings + raw.warnings,
    )


def render_pdf_page(handle: BinaryIO, name: str, page: int, *, scale: float = 2.0) -> Image.Image:
    """Render 1-based ``page`` to an RGB image (for the vision path); in-process, so only call
    this inside the extraction child or on trusted files."""
    document = _open_pdfium(handle, name)
    try:
        count = len(document)
        if not 1 <= page <= count:
            raise DocumentError(f"{name} has no page {page} (it has {count}).")
        pdf_page = document[page - 1]
        try:
            width, height = pdf_page.get_size()
            longest = max(width, height, 1.0)
            scale = max(0.05, min(scale, MAX_RENDER_SIDE / longest))
            bitmap = pdf_page.render(scale=scale)
            try:
                image: Image.Image = bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
        finally:
            pdf_page.close()
    finally:
        document.close()
    return image
