"""What the user attached to the next message, before it is sent (no Qt here).

Dropped or pasted files are sorted by their first bytes, not by their names: an allow-listed
image format becomes a ``PendingImage``, a document format a ``PendingDocument``, a GGUF file is
a model for the model manager. Anything else is refused with one sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from engine.documents import DocumentPlan, ExtractedDocument
from engine.vision.image_loading import ImageInfo, probe_image, read_image_bytes, sniff_format
from engine.vision.pan_scan import Box, PanScanMode, TilePlan, plan_tiles

DOCUMENT_SUFFIXES = frozenset(
    {".pdf", ".docx", ".html", ".htm", ".xhtml", ".md", ".markdown", ".txt", ".text", ".epub"}
)
MODEL_SUFFIX = ".gguf"


class FileKind(StrEnum):
    IMAGE = "image"
    DOCUMENT = "document"
    MODEL = "model"
    UNKNOWN = "unknown"


def classify(path: Path) -> FileKind:
    """What a dropped file is, by content for images and models, by suffix for documents."""
    try:
        with path.open("rb") as handle:
            head = handle.read(32)
    except OSError:
        return FileKind.UNKNOWN
    if head.startswith(b"GGUF"):
        return FileKind.MODEL
    if sniff_format(head) is not None:
        return FileKind.IMAGE
    if path.suffix.lower() in DOCUMENT_SUFFIXES:
        return FileKind.DOCUMENT
    return FileKind.UNKNOWN


@dataclass
class PendingImage:
    """An image waiting to be sent, with its Pan & Scan choice and optional zoom box."""

    name: str
    data: bytes = field(repr=False)
    info: ImageInfo
    mode: PanScanMode = PanScanMode.AUTO
    zoom_box: Box | None = None
    path: Path | None = None

    @classmethod
    def from_path(cls, path: Path, mode: PanScanMode | str = PanScanMode.AUTO) -> PendingImage:
        """Read and probe an image file. Raises ImageError with a sentence for the user."""
        data = read_image_bytes(path)
        info = probe_image(data, name=path.name)
        return cls(name=path.name, data=data, info=info, mode=PanScanMode(mode), path=path)

    @classmethod
    def from_bytes(
        cls, data: bytes, name: str, mode: PanScanMode | str = PanScanMode.AUTO
    ) -> PendingImage:
        info = probe_image(data, name=name)
        return cls(name=name, data=data, info=info, mode=PanScanMode(mode))

    @property
    def plan(self) -> TilePlan:
        return plan_tiles(self.info.width, self.info.height, self.mode, self.zoom_box)

    @property
    def tokens(self) -> int:
        return self.plan.image_tokens

    @property
    def mime(self) -> str:
        return f"image/{self.info.format.lower()}"


DocumentUse = str  # "summary" | "ask" | "full"


@dataclass
class PendingDocument:
    """A document being read, then planned against the context."""

    path: Path
    document: ExtractedDocument | None = None
    plan: DocumentPlan | None = None
    error: str | None = None
    use: DocumentUse | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def ready(self) -> bool:
        return self.document is not None and self.plan is not None

    @property
    def fits(self) -> bool:
        return self.plan is not None and self.plan.fits_in_context


_DOCUMENT_BLOCK = re.compile(r'\n*<document name="([^"]*)"( [^>]*)?>\n.*?\n</document>', re.DOTALL)


def document_block(name: str, text: str, note: str = "") -> str:
    """Document text as it goes into a message (and the prompt), fenced so the chat view can
    show it collapsed."""
    safe = name.replace('"', "'")
    extra = f' note="{note}"' if note else ""
    return f'\n\n<document name="{safe}"{extra}>\n{text}\n</document>'


def collapse_documents(content: str) -> tuple[str, list[str]]:
    """The message text without its document blocks, and the names of those documents."""
    names = [match.group(1) for match in _DOCUMENT_BLOCK.finditer(content)]
    return _DOCUMENT_BLOCK.sub("", content).strip(), names
