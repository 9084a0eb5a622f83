"""Tiles: the 896x896 RGB images of one picture that the Gemma 3 encoder sees.

``make_tiles`` runs the whole pipeline for one dropped or pasted image::

    bytes -> probe header (limits) -> plan (Pan & Scan, zoom) -> decode (in full) -> crop
    -> bilinear squash to 896x896 -> Tile (RGB bytes + SHA-256)

The tiles are pixel for pixel those of Hugging Face's ``Gemma3ImageProcessor`` with
``do_pan_and_scan=True`` (checked by ``tests/engine/vision/test_pan_and_scan_reference.py``).
``fast_jpeg_decode_approximate=True`` (the setting ``vision_fast_jpeg_decode_approximate``)
decodes a big JPEG at a DCT reduction that still gives every tile 896 source pixels a side:
faster, but the pixels differ slightly from the reference (see ``engine.vision.image_loading``).

Every tile is squashed to exactly 896x896 with PIL's bilinear filter, as Hugging Face's Gemma 3
processor does, so llama.cpp's own aspect-preserving letterbox never applies (libmtmd copies an
image that already has the encoder's size unchanged).
"""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Final

from PIL import Image

from engine.vision.image_loading import (
    DEFAULT_LIMITS,
    ImageLimits,
    LoadedImage,
    decode_image,
    probe_image,
    read_image_bytes,
)
from engine.vision.pan_scan import (
    TILE_SIZE,
    TOKENS_PER_TILE,
    Box,
    PanScanMode,
    TileKind,
    TilePlan,
    plan_tiles,
)

__all__ = [
    "TILE_BYTES",
    "Tile",
    "TileSet",
    "make_tiles",
    "needed_size",
    "render_tiles",
]

TILE_BYTES: Final = TILE_SIZE * TILE_SIZE * 3


@dataclass(frozen=True, slots=True)
class Tile:
    """One 896x896 RGB tile, identified by the SHA-256 of its pixels (the embedding cache key)."""

    index: int
    kind: TileKind
    box: Box
    """Source rectangle in the upright full-resolution image."""
    rgb: bytes = field(repr=False)
    sha256: str

    @property
    def size(self) -> tuple[int, int]:
        return TILE_SIZE, TILE_SIZE

    @property
    def tokens(self) -> int:
        return TOKENS_PER_TILE

    def image(self) -> Image.Image:
        return Image.frombytes("RGB", (TILE_SIZE, TILE_SIZE), self.rgb)

    @classmethod
    def from_image(cls, image: Image.Image, *, index: int, kind: TileKind, box: Box) -> Tile:
        """Wrap an image that is already a 896x896 RGB tile."""
        if image.mode != "RGB" or image.size != (TILE_SIZE, TILE_SIZE):
            raise ValueError(
                f"a tile is {TILE_SIZE}x{TILE_SIZE} RGB, got {image.size} {image.mode}"
            )
        rgb = image.tobytes()
        return cls(index=index, kind=kind, box=box, rgb=rgb, sha256=hashlib.sha256(rgb).hexdigest())


@dataclass(frozen=True, slots=True)
class TileSet:
    """All tiles of one image, in prompt order (full view, crops, zoom box)."""

    plan: TilePlan
    tiles: tuple[Tile, ...]
    format: str
    decoded_size: tuple[int, int]
    """Size actually decoded (smaller than the source for a reduced JPEG)."""

    @property
    def source_size(self) -> tuple[int, int]:
        return self.plan.width, self.plan.height

    @property
    def mode(self) -> PanScanMode:
        return self.plan.mode

    @property
    def crop_boxes(self) -> tuple[Box, ...]:
        return self.plan.crop_boxes

    @property
    def tile_count(self) -> int:
        return len(self.tiles)

    @property
    def image_tokens(self) -> int:
        return self.tile_count * TOKENS_PER_TILE

    @property
    def hashes(self) -> tuple[str, ...]:
        return tuple(tile.sha256 for tile in self.tiles)

    @property
    def has_crops(self) -> bool:
        return self.plan.has_crops


def needed_size(plan: TilePlan) -> tuple[int, int]:
    """The smallest upright decode size from which every tile still gets >= 896 source pixels
    per side (or all the pixels the region has, when it is smaller than that)."""
    scale = Fraction(0)
    for region in plan.regions:
        scale = max(scale, Fraction(TILE_SIZE, region.width), Fraction(TILE_SIZE, region.height))
    scale = min(Fraction(1), scale)
    return max(1, math.ceil(plan.width * scale)), max(1, math.ceil(plan.height * scale))


def render_tiles(loaded: LoadedImage, plan: TilePlan) -> TileSet:
    """Cut and squash the tiles of ``plan`` out of ``loaded`` (which may be a reduced decode)."""
    if loaded.source_size != (plan.width, plan.height):
        raise ValueError(f"plan is for {plan.width}x{plan.height}, image is {loaded.source_size}")
    image = loaded.image
    scale_x = image.width / plan.width
    scale_y = image.height / plan.height
    tiles = []
    for index, region in enumerate(plan.regions):
        box = _scaled_box(region.box, scale_x, scale_y, image.size)
        part = image if box == (0, 0, image.width, image.height) else image.crop(box)
        tile = part.resize((TILE_SIZE, TILE_SIZE), Image.Resampling.BILINEAR)
        tiles.append(Tile.from_image(tile, index=index, kind=region.kind, box=region.box))
    return TileSet(
        plan=plan, tiles=tuple(tiles), format=loaded.info.format, decoded_size=image.size
    )


def make_tiles(
    source: bytes | str | os.PathLike[str],
    mode: PanScanMode | str = PanScanMode.AUTO,
    zoom_box: Box | None = None,
    *,
    limits: ImageLimits = DEFAULT_LIMITS,
    fast_jpeg_decode_approximate: bool = False,
) -> TileSet:
    """Load an image file or raw bytes and turn it into its tiles.

    ``fast_jpeg_decode_approximate`` trades exact pixels for a faster decode of big JPEGs.
    Raises ImageError (a HearthError) with one human sentence for anything wrong with the image.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data, name = bytes(source), None
    else:
        data, name = read_image_bytes(source, limits=limits), os.path.basename(os.fspath(source))
    info = probe_image(data, name=name, limits=limits)
    plan = plan_tiles(info.width, info.height, mode, zoom_box)
    reduce_to = needed_size(plan) if fast_jpeg_decode_approximate else None
    loaded = decode_image(data, needed_size=reduce_to, name=name, limits=limits)
    return render_tiles(loaded, plan)


def _scaled_box(box: Box, scale_x: float, scale_y: float, size: tuple[int, int]) -> Box:
    if scale_x == 1.0 and scale_y == 1.0:
        return box
    x0 = min(size[0] - 1, round(box[0] * scale_x))
    y0 = min(size[1] - 1, round(box[1] * scale_y))
    x1 = max(x0 + 1, min(size[0], round(box[2] * scale_x)))
    y1 = max(y0 + 1, min(size[1], round(box[3] * scale_y)))
    return x0, y0, x1, y1
