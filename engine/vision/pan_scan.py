"""Gemma 3 Pan & Scan: which parts of an image become 896x896 tiles for the vision encoder.

Pure geometry, no pixels, so the GUI can draw the crop grid before anything is decoded.

The rule is the one of Hugging Face's ``Gemma3ImageProcessor.pan_and_scan`` (default settings of
``Gemma3ProcessorKwargs``: minimum crop 256 px, at most 4 crops, activation ratio 1.2). Only the
longer axis is ever split, into equal crops of ``ceil(side / n)`` pixels; the last crop is cut at
the border, as a numpy slice would be. The full image always comes first, then the crops, then the
user's own zoom box (a rectangle drawn in the GUI), if any. Every tile costs 256 image tokens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from engine.vision.errors import ImageError

__all__ = [
    "DEFAULT_MAX_CROPS",
    "DEFAULT_MIN_CROP_SIZE",
    "DEFAULT_MIN_RATIO",
    "TILE_SIZE",
    "TOKENS_PER_TILE",
    "Box",
    "PanScanMode",
    "TileKind",
    "TilePlan",
    "TileRegion",
    "crop_boxes",
    "plan_tiles",
]

TILE_SIZE: Final = 896
"""Side of the square image the Gemma 3 SigLIP encoder sees."""
TOKENS_PER_TILE: Final = 256
"""(896 / 14 / 4) ** 2: soft tokens per tile after the projector's 4x4 average pooling."""

DEFAULT_MIN_CROP_SIZE: Final = 256
DEFAULT_MAX_CROPS: Final = 4
DEFAULT_MIN_RATIO: Final = 1.2

Box = tuple[int, int, int, int]
"""A pixel rectangle ``(x0, y0, x1, y1)``, right and bottom edges exclusive (PIL's convention)."""


class PanScanMode(StrEnum):
    """``auto`` applies the reference rule; ``off`` sends the full image only."""

    AUTO = "auto"
    OFF = "off"


class TileKind(StrEnum):
    FULL = "full"
    CROP = "crop"
    ZOOM = "zoom"


def crop_boxes(
    width: int,
    height: int,
    *,
    min_crop_size: int = DEFAULT_MIN_CROP_SIZE,
    max_crops: int = DEFAULT_MAX_CROPS,
    min_ratio: float = DEFAULT_MIN_RATIO,
) -> list[Box]:
    """The Pan & Scan crops of a ``width`` x ``height`` image, in row-major order.

    Returns an empty list when Pan & Scan does not apply: the image is not elongated enough
    (long side / short side < ``min_ratio``) or the crops would be narrower than
    ``min_crop_size``. The full view is never part of the result. ``max_crops`` below 2 turns
    Pan & Scan off (the reference would return the whole image as its only "crop").
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"image size must be positive, got {width}x{height}")
    if min_crop_size <= 0:
        raise ValueError(f"min_crop_size must be positive, got {min_crop_size}")
    if max_crops < 2:
        return []
    if width >= height:
        if width / height < min_ratio:
            return []
        n_w = math.floor(width / height + 0.5)
        n_w = min(width // min_crop_size, n_w)
        n_w = min(max_crops, max(2, n_w))
        n_h = 1
    else:
        if height / width < min_ratio:
            return []
        n_h = math.floor(height / width + 0.5)
        n_h = min(height // min_crop_size, n_h)
        n_h = min(max_crops, max(2, n_h))
        n_w = 1
    crop_w = -(-width // n_w)
    crop_h = -(-height // n_h)
    if min(crop_w, crop_h) < min_crop_size:
        return []
    boxes: list[Box] = []
    for row in range(n_h):
        y0 = row * crop_h
        for col in range(n_w):
            x0 = col * crop_w
            if x0 >= width or y0 >= height:
                continue  # only possible with a tiny min_crop_size; the reference would crash
            boxes.append((x0, y0, min(x0 + crop_w, width), min(y0 + crop_h, height)))
    return boxes


@dataclass(frozen=True, slots=True)
class TileRegion:
    """One tile's source rectangle, in the coordinates of the (EXIF-rotated) source image."""

    kind: TileKind
    box: Box

    @property
    def width(self) -> int:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


@dataclass(frozen=True, slots=True)
class TilePlan:
    """Which tiles an image of ``width`` x ``height`` becomes, before any pixel is touched."""

    width: int
    height: int
    mode: PanScanMode
    crop_boxes: tuple[Box, ...]
    zoom_box: Box | None = None

    @property
    def regions(self) -> tuple[TileRegion, ...]:
        """Full view first, then the Pan & Scan crops, then the zoom box."""
        regions = [TileRegion(TileKind.FULL, (0, 0, self.width, self.height))]
        regions += [TileRegion(TileKind.CROP, box) for box in self.crop_boxes]
        if self.zoom_box is not None:
            regions.append(TileRegion(TileKind.ZOOM, self.zoom_box))
        return tuple(regions)

    @property
    def tile_count(self) -> int:
        return 1 + len(self.crop_boxes) + (self.zoom_box is not None)

    @property
    def image_tokens(self) -> int:
        """Soft image tokens (embeddings) of all tiles; each tile also costs 2 marker tokens."""
        return self.tile_count * TOKENS_PER_TILE

    @property
    def has_crops(self) -> bool:
        """True when the prompt uses the "original image ... and here are some crops" layout."""
        return self.tile_count > 1

    def to_json(self) -> dict[str, object]:
        """The ``hearth-cli tiles --json`` shape."""
        data: dict[str, object] = {
            "width": self.width,
            "height": self.height,
            "mode": str(self.mode),
            "crops": [list(box) for box in self.crop_boxes],
            "tiles": self.tile_count,
            "image_tokens": self.image_tokens,
        }
        if self.zoom_box is not None:
            data["zoom"] = list(self.zoom_box)
        return data


def plan_tiles(
    width: int,
    height: int,
    mode: PanScanMode | str = PanScanMode.AUTO,
    zoom_box: Box | None = None,
    *,
    min_crop_size: int = DEFAULT_MIN_CROP_SIZE,
    max_crops: int = DEFAULT_MAX_CROPS,
    min_ratio: float = DEFAULT_MIN_RATIO,
) -> TilePlan:
    """Plan the tiles of one image: Pan & Scan crops per ``mode`` plus an optional zoom box.

    The zoom box is clipped to the image; one that is empty after clipping raises ImageError.
    """
    try:
        chosen = PanScanMode(mode)
    except ValueError:
        raise ImageError(f"Unknown Pan & Scan mode {mode!r}; use 'auto' or 'off'.") from None
    crops: tuple[Box, ...] = ()
    if chosen is PanScanMode.AUTO:
        crops = tuple(
            crop_boxes(
                width,
                height,
                min_crop_size=min_crop_size,
                max_crops=max_crops,
                min_ratio=min_ratio,
            )
        )
    elif width <= 0 or height <= 0:
        raise ValueError(f"image size must be positive, got {width}x{height}")
    zoom = None if zoom_box is None else _clip_zoom(zoom_box, width, height)
    return TilePlan(width=width, height=height, mode=chosen, crop_boxes=crops, zoom_box=zoom)


def _clip_zoom(box: Box, width: int, height: int) -> Box:
    x0, y0, x1, y1 = (int(v) for v in box)
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    clipped = (max(0, x0), max(0, y0), min(width, x1), min(height, y1))
    if clipped[2] <= clipped[0] or clipped[3] <= clipped[1]:
        raise ImageError(
            f"The zoom box {box} does not cover any part of the {width}x{height} image."
        )
    return clipped
