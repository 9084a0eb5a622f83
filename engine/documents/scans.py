"""Scanned pages (no text layer) read by the vision model, so they join the summary.

A page is rendered in the extraction sandbox, sent through Hearth's image path (with Pan & Scan
for a tall page) and the model's transcription becomes that page's text. Without a vision model
the pages stay reported as scanned, never silently dropped.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable, Generator

from PIL import Image

from engine.chat.engine import ChatEngine
from engine.chat.messages import ChatMessage
from engine.chat.sampling import GREEDY
from engine.documents.document import ExtractedDocument, Section, page_anchor
from engine.documents.sandbox import render_page_image
from engine.errors import Cancelled, HearthError
from engine.vision.attachment import ImageAttachment
from engine.worker import protocol as p

TRANSCRIBE = (
    "This is a scanned page of a document. Write out all the text on it, in reading order. "
    "Describe any figure in one sentence."
)

Render = Callable[[str, int], Image.Image]


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def transcribe_page(client: ChatEngine, image: Image.Image, *, page: int, max_tokens: int) -> str:
    attachment = ImageAttachment(_png(image), "auto", None, f"page-{page}.png")
    message = ChatMessage("user", TRANSCRIBE, images=(attachment,))
    for event in client.chat([message], GREEDY, max_tokens=max_tokens):
        if isinstance(event, p.Done):
            if event.stats is None or event.stats.finish_reason == "cancelled":
                raise Cancelled()
            return event.text.strip()
        if isinstance(event, p.Failed):
            raise HearthError(event.message)
    raise HearthError("The model gave no transcription.")


def with_page_texts(document: ExtractedDocument, texts: dict[int, str]) -> ExtractedDocument:
    """The document with each page's text filled in (new sections where a page had none)."""
    sections = [s for s in document.sections if s.page_start not in texts or s.text.strip()]
    for page, text in texts.items():
        for position, section in enumerate(sections):
            if section.page_start == page == section.page_end and not section.text.strip():
                sections[position] = dataclasses.replace(section, text=text)
                break
        else:
            sections.append(
                Section(
                    index=0, anchor=page_anchor(page), text=text, page_start=page, page_end=page
                )
            )
    sections.sort(key=lambda s: (s.page_start or 0, s.index))
    renumbered = tuple(dataclasses.replace(s, index=i) for i, s in enumerate(sections))
    remaining = tuple(page for page in document.scanned_pages if page not in texts)
    return dataclasses.replace(document, sections=renumbered, scanned_pages=remaining)


def read_scanned_pages(
    document: ExtractedDocument,
    client: ChatEngine,
    *,
    cancelled: Callable[[], bool] = lambda: False,
    render: Render = render_page_image,
    max_tokens: int = 512,
) -> Generator[tuple[int, int], None, ExtractedDocument]:
    """Transcribe every scanned page; yields (pages done, pages) and returns the new document."""
    pages = document.scanned_pages
    texts: dict[int, str] = {}
    for done, page in enumerate(pages, start=1):
        if cancelled():
            raise Cancelled()
        image = render(document.path, page)
        texts[page] = transcribe_page(client, image, page=page, max_tokens=max_tokens)
        yield done, len(pages)
    return with_page_texts(document, texts)
