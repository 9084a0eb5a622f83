"""Hearth's chat messages as OpenAI-compatible ``messages`` (text and ``image_url`` parts).

For a Gemma 3 model every image becomes Hearth's own Pan & Scan tiles, each a 896x896 PNG data
URI, full view first, then the crops, joined by the connective text Gemma 3 was trained with
(``engine.vision.prompt``). llama-server joins a message's parts without adding anything
around an image, so the model sees exactly the layout the local worker builds::

    "Here is the original image \\n\\n" [full] "\\n\\n and here are some crops to help you see
    better \\n\\n" [crop 1] "\\n\\n \\n\\n" [crop 2] "\\n\\n" question

For any other model the image goes as it is (JPEG, PNG, WebP and GIF bytes unchanged, other
formats re-encoded as PNG), after the image checks Hearth applies everywhere.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.chat.messages import ChatMessage
from engine.vision.attachment import ImageAttachment
from engine.vision.image_loading import load_image, probe_image
from engine.vision.prompt import ImageSlot, layout_message
from engine.vision.tiles import Tile, TileSet, make_tiles

__all__ = ["ImageCounts", "build_messages", "data_uri", "tile_data_uri"]

_PASS_THROUGH = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


@dataclass
class ImageCounts:
    """How many images and tiles a request carried (for the answer's figures)."""

    images: int = 0
    tiles: int = 0


def data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def tile_data_uri(tile: Tile) -> str:
    out = io.BytesIO()
    tile.image().save(out, format="PNG", compress_level=1)
    return data_uri("image/png", out.getvalue())


def _plain_image_uri(image: ImageAttachment) -> str:
    info = probe_image(image.data, name=image.name or None)
    mime = _PASS_THROUGH.get(info.format)
    if mime is not None and info.orientation == 1:
        return data_uri(mime, image.data)
    loaded = load_image(image.data)  # upright RGB
    out = io.BytesIO()
    loaded.image.save(out, format="PNG")
    return data_uri("image/png", out.getvalue())


def _attachment(image: object) -> ImageAttachment:
    if not isinstance(image, ImageAttachment):
        raise TypeError(f"a chat image must be an ImageAttachment, not {type(image).__name__}")
    return image


def _gemma_parts(
    text: str, images: Sequence[object], tiles_of: Any, counts: ImageCounts
) -> list[dict[str, Any]]:
    tile_sets: list[TileSet] = [tiles_of(_attachment(image)) for image in images]
    parts: list[dict[str, Any]] = []
    for segment in layout_message(text, tile_sets):
        if isinstance(segment, ImageSlot):
            parts.append({"type": "image_url", "image_url": {"url": tile_data_uri(segment.tile)}})
            counts.tiles += 1
        else:
            parts.append({"type": "text", "text": segment})
    counts.images += len(tile_sets)
    return parts


def _plain_parts(text: str, images: Sequence[object], counts: ImageCounts) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for image in images:
        url = _plain_image_uri(_attachment(image))
        parts.append({"type": "image_url", "image_url": {"url": url}})
        counts.images += 1
        counts.tiles += 1
    if text:
        parts.append({"type": "text", "text": text})
    return parts


def build_messages(
    messages: Sequence[ChatMessage],
    *,
    gemma: bool,
    counts: ImageCounts | None = None,
    tiles_of: Any = None,
) -> list[dict[str, Any]]:
    """The request's ``messages``. Raises ``ImageError`` (a HearthError) for a bad image.

    ``tiles_of``: ``ImageAttachment -> TileSet`` (a cache); default: make the tiles afresh.
    """
    counts = counts if counts is not None else ImageCounts()
    make = tiles_of or (lambda image: make_tiles(image.data, image.mode, image.zoom_box))
    out: list[dict[str, Any]] = []
    for message in messages:
        if not message.images:
            out.append({"role": message.role, "content": message.content})
            continue
        if gemma:
            parts = _gemma_parts(message.content, message.images, make, counts)
        else:
            parts = _plain_parts(message.content, message.images, counts)
        out.append({"role": message.role, "content": parts})
    return out
