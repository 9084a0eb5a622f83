"""Tiles: Pan & Scan regions squashed to 896x896 RGB, hashed, from real decoded images."""

from __future__ import annotations

import hashlib
import io
import pickle
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.vision.errors import ImageError
from engine.vision.pan_scan import TILE_SIZE, TileKind, plan_tiles
from engine.vision.tiles import TILE_BYTES, Tile, make_tiles, needed_size


def picture(width: int, height: int, fmt: str = "PNG", seed: int = 0, **options: object) -> bytes:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    pixels = np.stack([x * 255 // width, y * 255 // height, (x // 7 + y // 5) % 256], axis=-1)
    pixels = np.clip(pixels + rng.integers(-12, 12, pixels.shape), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, fmt, **options)
    return buffer.getvalue()


def test_wide_image_gives_full_view_and_two_crops() -> None:
    data = picture(1920, 1080)
    tiles = make_tiles(data)
    assert tiles.source_size == (1920, 1080) and tiles.format == "PNG"
    assert tiles.tile_count == 3 and tiles.image_tokens == 768
    assert [tile.kind for tile in tiles.tiles] == [TileKind.FULL, TileKind.CROP, TileKind.CROP]
    assert [tile.box for tile in tiles.tiles] == [
        (0, 0, 1920, 1080),
        (0, 0, 960, 1080),
        (960, 0, 1920, 1080),
    ]
    source = Image.open(io.BytesIO(data)).convert("RGB")
    for tile in tiles.tiles:
        assert len(tile.rgb) == TILE_BYTES and tile.size == (TILE_SIZE, TILE_SIZE)
        assert tile.sha256 == hashlib.sha256(tile.rgb).hexdigest()
        # Exactly the reference preprocessing: crop, then PIL bilinear squash to 896x896.
        expected = source.crop(tile.box).resize((TILE_SIZE, TILE_SIZE), Image.Resampling.BILINEAR)
        assert tile.rgb == expected.tobytes()
    assert len(set(tiles.hashes)) == 3


def test_tiles_are_deterministic_and_picklable() -> None:
    data = picture(800, 2400)
    first, second = make_tiles(data), make_tiles(data)
    assert first.hashes == second.hashes and first.tile_count == 4
    copy = pickle.loads(pickle.dumps(first))
    assert copy.hashes == first.hashes and copy.tiles[2].rgb == first.tiles[2].rgb


def test_mode_off_and_zoom_box() -> None:
    data = picture(1920, 1080)
    off = make_tiles(data, mode="off")
    assert off.tile_count == 1 and off.crop_boxes == ()
    zoomed = make_tiles(data, mode="off", zoom_box=(100, 200, 500, 600))
    assert [tile.kind for tile in zoomed.tiles] == [TileKind.FULL, TileKind.ZOOM]
    source = Image.open(io.BytesIO(data)).convert("RGB")
    expected = source.crop((100, 200, 500, 600)).resize((TILE_SIZE, TILE_SIZE), 2)
    assert zoomed.tiles[1].rgb == expected.tobytes()
    assert zoomed.tiles[0].sha256 == off.tiles[0].sha256


def test_small_and_square_images_are_upscaled_to_one_tile() -> None:
    for size in ((1, 1), (300, 200), (896, 896), (1000, 900)):
        tiles = make_tiles(picture(*size))
        assert tiles.tile_count == 1
        assert tiles.tiles[0].image().size == (TILE_SIZE, TILE_SIZE)


def test_needed_size_keeps_896_pixels_per_tile_side() -> None:
    assert needed_size(plan_tiles(6000, 4000)) == (1792, 1195)  # crops are 3000x4000
    assert needed_size(plan_tiles(6000, 4000, "off")) == (1344, 896)
    assert needed_size(plan_tiles(640, 480)) == (640, 480)  # never asks for more than exists
    zoom = plan_tiles(6000, 4000, "off", zoom_box=(0, 0, 600, 400))
    assert needed_size(zoom) == (6000, 4000)  # a small zoom box needs every source pixel


def test_big_jpeg_is_decoded_in_full_by_default() -> None:
    data = picture(6000, 4000, "JPEG", quality=90)
    tiles = make_tiles(data)
    assert tiles.source_size == (6000, 4000) and tiles.decoded_size == (6000, 4000)
    full = Image.open(io.BytesIO(data)).convert("RGB")
    for tile in tiles.tiles:
        reference = full.crop(tile.box).resize((TILE_SIZE, TILE_SIZE), 2)
        assert tile.rgb == reference.tobytes()


def test_fast_jpeg_decode_is_reduced_and_only_approximately_equal() -> None:
    data = picture(6000, 4000, "JPEG", quality=90)
    tiles = make_tiles(data, fast_jpeg_decode_approximate=True)
    assert tiles.source_size == (6000, 4000)
    assert tiles.decoded_size == (3000, 2000)  # 1/2 still gives the 3000-wide crops 1500 px
    assert tiles.tile_count == 3
    full = Image.open(io.BytesIO(data)).convert("RGB")
    differences = []
    for tile in tiles.tiles:
        reference = full.crop(tile.box).resize((TILE_SIZE, TILE_SIZE), 2)
        differences.append(
            np.abs(np.asarray(tile.image(), dtype=np.int16) - np.asarray(reference, dtype=np.int16))
        )
    mean = float(np.mean(differences))
    assert 0 < mean < 3.0  # close, but not the reference's pixels: hence "approximate"


def test_fast_jpeg_decode_changes_nothing_for_png() -> None:
    jpeg = make_tiles(picture(2000, 2000, "JPEG"), fast_jpeg_decode_approximate=True)
    assert jpeg.decoded_size == (1000, 1000)  # a JPEG of this size would be reduced...
    png = picture(2000, 2000)
    fast = make_tiles(png, fast_jpeg_decode_approximate=True)
    assert fast.decoded_size == (2000, 2000)  # ...a PNG never is
    assert fast.hashes == make_tiles(png).hashes


def test_real_photo(real_photo: Path) -> None:
    tiles = make_tiles(real_photo)
    assert tiles.format == "JPEG" and tiles.source_size == (720, 477)
    assert tiles.crop_boxes == ((0, 0, 360, 477), (360, 0, 720, 477))
    assert tiles.tile_count == 3 and all(len(t.rgb) == TILE_BYTES for t in tiles.tiles)


def test_tile_from_image_checks_its_input() -> None:
    with pytest.raises(ValueError, match="896x896"):
        Tile.from_image(Image.new("RGB", (10, 10)), index=0, kind=TileKind.FULL, box=(0, 0, 1, 1))
    with pytest.raises(ValueError, match="896x896"):
        Tile.from_image(Image.new("L", (896, 896)), index=0, kind=TileKind.FULL, box=(0, 0, 1, 1))


def test_broken_images_give_no_tiles(tmp_path: Path) -> None:
    path = tmp_path / "cut.jpg"
    path.write_bytes(picture(600, 400, "JPEG")[:900])
    with pytest.raises(ImageError, match="damaged or truncated"):
        make_tiles(path)
    with pytest.raises(ImageError, match="zoom box"):
        make_tiles(picture(100, 100), zoom_box=(500, 500, 600, 600))
