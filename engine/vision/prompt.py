"""The trained prompt layout for Gemma 3 images, as an ordered list of segments.

A user message (text and images) becomes a list of **segments**: text (``str``, to be tokenized
with special tokens parsed) and :class:`ImageSlot` (one tile). An image slot stands for
``<start_of_image>`` + 256 image embeddings + ``<end_of_image>``; the ``\\n\\n`` that the model was
trained with around every image is part of the neighbouring text segments. Layout per image
(Hugging Face ``Gemma3Processor``; the strings and spaces are theirs)::

    no crops:   "\\n\\n" [slot] "\\n\\n"
    with crops: "Here is the original image \\n\\n" [full] "\\n\\n and here are some crops to help
                you see better \\n\\n" [crop 1] "\\n\\n \\n\\n" [crop 2] "\\n\\n" ...

The zoom box (an extra crop the user drew) is the last crop. Several images in one message each
get their own layout, in order; adjacent text segments are merged.

Why Hearth places ``<start_of_image>``/``<end_of_image>`` itself instead of letting
``mtmd_tokenize`` do it: the whole conversation is one token list that the worker keeps and
compares with the next prompt (prefix reuse). Image positions hold placeholder ids derived from
each tile's hash (``engine.vision.mtmd_runtime.placeholder_ids``), so a follow-up question about the
same image matches the cached prefix and nothing is encoded or decoded again. libmtmd is used only
to preprocess and encode one tile and to decode its embeddings into the KV cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from engine.vision.pan_scan import TOKENS_PER_TILE
from engine.vision.tiles import Tile, TileSet

__all__ = [
    "END_OF_IMAGE",
    "IMAGE_WRAP",
    "ORIGINAL_IMAGE_PREFIX",
    "SLOT_POSITIONS",
    "START_OF_IMAGE",
    "ImageSlot",
    "Segment",
    "count_positions",
    "describe",
    "image_segments",
    "layout_content",
    "layout_message",
]

START_OF_IMAGE: Final = "<start_of_image>"
END_OF_IMAGE: Final = "<end_of_image>"
IMAGE_WRAP: Final = "\n\n"
ORIGINAL_IMAGE_PREFIX: Final = "Here is the original image "
CROPS_FILLER: Final = " and here are some crops to help you see better "
SLOT_POSITIONS: Final = TOKENS_PER_TILE + 2
"""KV positions of one slot: ``<start_of_image>``, 256 embeddings, ``<end_of_image>``."""


@dataclass(frozen=True, slots=True)
class ImageSlot:
    """One tile's place in the prompt: ``<start_of_image>``, 256 embeddings, ``<end_of_image>``."""

    tile: Tile

    @property
    def sha256(self) -> str:
        return self.tile.sha256

    @property
    def tokens(self) -> int:
        return self.tile.tokens


Segment = str | ImageSlot


def image_segments(tiles: TileSet) -> list[Segment]:
    """The segments of one image: its full view, then its crops (Pan & Scan and zoom box)."""
    slots = [ImageSlot(tile) for tile in tiles.tiles]
    if len(slots) == 1:
        return [IMAGE_WRAP, slots[0], IMAGE_WRAP]
    segments: list[Segment] = [ORIGINAL_IMAGE_PREFIX + IMAGE_WRAP, slots[0]]
    segments.append(IMAGE_WRAP + CROPS_FILLER + IMAGE_WRAP)
    for number, slot in enumerate(slots[1:]):
        if number:
            segments.append(IMAGE_WRAP + " " + IMAGE_WRAP)
        segments.append(slot)
    segments.append(IMAGE_WRAP)
    return segments


def layout_content(parts: Iterable[str | TileSet]) -> list[Segment]:
    """Lay out an ordered mix of text and images; adjacent text is merged, empty text dropped."""
    segments: list[Segment] = []
    for part in parts:
        pieces = [part] if isinstance(part, str) else image_segments(part)
        for piece in pieces:
            if isinstance(piece, str):
                if not piece:
                    continue
                if segments and isinstance(segments[-1], str):
                    segments[-1] += piece
                    continue
            segments.append(piece)
    return segments


def layout_message(text: str, images: Sequence[TileSet] = ()) -> list[Segment]:
    """A user turn's content: the images first (each with its own Pan & Scan), then the text.

    Gemma's chat template puts image items where they appear in the content; images before the
    question is what the Gemma 3 examples do.
    """
    return layout_content([*images, text])


def count_positions(
    segments: Iterable[Segment], count_text: Callable[[str], int] | None = None
) -> int:
    """KV positions of the image slots (258 each), plus the text if ``count_text`` is given."""
    total = 0
    for segment in segments:
        if isinstance(segment, ImageSlot):
            total += SLOT_POSITIONS
        elif count_text is not None:
            total += count_text(segment)
    return total


def describe(segments: Iterable[Segment]) -> str:
    """Readable text for logs and tests; a slot shows as ``<start_of_image>[256 x ab12cd34]``."""
    out = []
    for segment in segments:
        if isinstance(segment, ImageSlot):
            out.append(f"{START_OF_IMAGE}[{segment.tokens} x {segment.sha256[:8]}]{END_OF_IMAGE}")
        else:
            out.append(segment)
    return "".join(out)
