"""Documents: local text extraction with citable anchors, token budgets and chunking.

* :func:`extract_document` reads PDF, DOCX, HTML, Markdown, plain text and EPUB in a sandboxed
  child process and returns an :class:`ExtractedDocument` (sections with page or heading anchors).
* :func:`plan_document` counts the document's tokens exactly and decides between one pass and
  map/reduce, cutting :class:`Chunk` objects that each know which pages/sections they cover.

Parser modules (pypdfium2, python-docx, lxml, BeautifulSoup) are only imported where they are
used, normally inside the extraction child.
"""

from engine.documents.chunking import Chunk, DocumentPlan, chunk_document, plan_document
from engine.documents.document import (
    SECTION_SEPARATOR,
    DocumentFormat,
    ExtractedDocument,
    ExtractProgress,
    Section,
)
from engine.documents.errors import DocumentError
from engine.documents.extract import extract_unsafe, iter_extract_unsafe
from engine.documents.sandbox import extract_document, iter_extract_document, render_page_image

__all__ = [
    "SECTION_SEPARATOR",
    "Chunk",
    "DocumentError",
    "DocumentFormat",
    "DocumentPlan",
    "ExtractProgress",
    "ExtractedDocument",
    "Section",
    "chunk_document",
    "extract_document",
    "extract_unsafe",
    "iter_extract_document",
    "iter_extract_unsafe",
    "plan_document",
    "render_page_image",
]
