"""Pan & Scan geometry: worked examples from the reference and properties over all sizes."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine.vision.errors import ImageError
from engine.vision.pan_scan import (
    TOKENS_PER_TILE,
    PanScanMode,
    TileKind,
    crop_boxes,
    plan_tiles,
)

# (width, height) -> expected crop boxes, computed by hand from Hugging Face's
# Gemma3ImageProcessor.pan_and_scan with its default settings (256, 4, 1.2).
WORKED_EXAMPLES = {
    (1920, 1080): [(0, 0, 960, 1080), (960, 0, 1920, 1080)],
    (1080, 1920): [(0, 0, 1080, 960), (0, 960, 1080, 1920)],
    (1280, 720): [(0, 0, 640, 720), (640, 0, 1280, 720)],
    (4000, 1000): [(1000 * i, 0, 1000 * (i + 1), 1000) for i in range(4)],
    (3000, 600): [(750 * i, 0, 750 * (i + 1), 600) for i in range(4)],
    (800, 2400): [(0, 0, 800, 800), (0, 800, 800, 1600), (0, 1600, 800, 2400)],
    (2480, 3508): [(0, 0, 2480, 1754), (0, 1754, 2480, 3508)],
    (1001, 500): [(0, 0, 501, 500), (501, 0, 1001, 500)],
    (500, 300): [],
    (1000, 900): [],
    (896, 896): [],
    (1, 1): [],
}


@pytest.mark.parametrize(("size", "expected"), WORKED_EXAMPLES.items(), ids=str)
def test_worked_examples(size: tuple[int, int], expected: list[tuple[int, int, int, int]]) -> None:
    assert crop_boxes(*size) == expected


def test_named_examples_from_the_issue() -> None:
    assert [(x1 - x0, y1 - y0) for x0, y0, x1, y1 in crop_boxes(1920, 1080)] == [(960, 1080)] * 2
    assert len(crop_boxes(4000, 1000)) == 4
    vertical = crop_boxes(800, 2400)
    assert len(vertical) == 3 and all(box[0] == 0 and box[2] == 800 for box in vertical)
    a4 = crop_boxes(2480, 3508)
    assert len(a4) == 2 and all(box[2] - box[0] == 2480 for box in a4)


def test_ratio_threshold_is_inclusive() -> None:
    assert crop_boxes(1200, 1000) != []  # ratio exactly 1.2 activates
    assert crop_boxes(1199, 1000) == []


def test_max_crops_clamps_and_below_two_disables() -> None:
    assert len(crop_boxes(10000, 1000, max_crops=3)) == 3
    assert crop_boxes(10000, 1000, max_crops=1) == []


def test_invalid_sizes_raise() -> None:
    with pytest.raises(ValueError, match="positive"):
        crop_boxes(0, 100)
    with pytest.raises(ValueError, match="positive"):
        crop_boxes(100, -1)


sizes = st.integers(min_value=1, max_value=20_000)


@settings(max_examples=600, deadline=None)
@given(width=sizes, height=sizes)
@example(width=20_000, height=1)
@example(width=1, height=20_000)
@example(width=20_000, height=20_000)
@example(width=1, height=1)
@example(width=511, height=256)
@example(width=512, height=256)
@example(width=1025, height=256)
@example(width=10007, height=7919)  # primes
def test_crop_properties(width: int, height: int) -> None:
    boxes = crop_boxes(width, height)
    assert len(boxes) <= 4
    if not boxes:
        return
    assert len(boxes) >= 2
    landscape = width >= height
    for x0, y0, x1, y1 in boxes:
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height  # inside, non-empty
        assert min(x1 - x0, y1 - y0) >= 1
    # Only the long axis is split; the other axis is covered whole by every crop.
    if landscape:
        assert all(box[1] == 0 and box[3] == height for box in boxes)
        spans = [(box[0], box[2]) for box in boxes]
        limit = width
    else:
        assert all(box[0] == 0 and box[2] == width for box in boxes)
        spans = [(box[1], box[3]) for box in boxes]
        limit = height
    # Sorted, touching, non-overlapping, covering [0, limit).
    assert spans[0][0] == 0 and spans[-1][1] == limit
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end == start
    # Equal sizes except the last one, which is truncated at the border.
    size = math.ceil(limit / len(boxes))
    assert all(end - start == size for start, end in spans[:-1])
    assert 0 < spans[-1][1] - spans[-1][0] <= size
    # Every crop but the truncated last is at least the minimum crop size.
    assert all(end - start >= 256 for start, end in spans[:-1])
    assert (height if landscape else width) >= 256


@settings(max_examples=300, deadline=None)
@given(width=sizes, height=sizes)
@example(width=511, height=256)  # two crops of 256 and 255
@example(width=510, height=256)  # crops would be 255 wide: none
@example(width=256, height=1000)
def test_activation_rule(width: int, height: int) -> None:
    """Crops appear exactly when the image is elongated enough and crops stay >= 256 px."""
    long_side, short_side = max(width, height), min(width, height)
    boxes = crop_boxes(width, height)
    if long_side / short_side < 1.2:
        assert boxes == []
        return
    count = min(4, max(2, min(long_side // 256, math.floor(long_side / short_side + 0.5))))
    fits = math.ceil(long_side / count) >= 256 and short_side >= 256
    assert len(boxes) == (count if fits else 0)


def test_plan_auto_off_and_zoom() -> None:
    auto = plan_tiles(1920, 1080)
    assert auto.mode is PanScanMode.AUTO
    assert auto.tile_count == 3 and auto.image_tokens == 3 * TOKENS_PER_TILE
    assert [region.kind for region in auto.regions] == [TileKind.FULL, TileKind.CROP, TileKind.CROP]
    assert auto.regions[0].box == (0, 0, 1920, 1080)

    off = plan_tiles(1920, 1080, "off")
    assert off.crop_boxes == () and off.tile_count == 1 and not off.has_crops

    zoomed = plan_tiles(1920, 1080, "off", zoom_box=(100, 50, 400, 300))
    assert zoomed.tile_count == 2 and zoomed.has_crops
    assert zoomed.regions[-1].kind is TileKind.ZOOM

    both = plan_tiles(1920, 1080, PanScanMode.AUTO, zoom_box=(1900, 1000, 2500, -20))
    assert both.zoom_box == (1900, 0, 1920, 1000)  # normalised and clipped to the image
    assert both.tile_count == 4
    assert both.to_json() == {
        "width": 1920,
        "height": 1080,
        "mode": "auto",
        "crops": [[0, 0, 960, 1080], [960, 0, 1920, 1080]],
        "tiles": 4,
        "image_tokens": 1024,
        "zoom": [1900, 0, 1920, 1000],
    }


def test_plan_rejects_bad_zoom_and_mode() -> None:
    with pytest.raises(ImageError, match="zoom box"):
        plan_tiles(100, 100, zoom_box=(200, 200, 300, 300))
    with pytest.raises(ImageError, match="zoom box"):
        plan_tiles(100, 100, zoom_box=(10, 10, 10, 50))
    with pytest.raises(ImageError, match="Pan & Scan mode"):
        plan_tiles(100, 100, "sideways")
