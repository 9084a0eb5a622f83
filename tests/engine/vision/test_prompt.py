"""Prompt layout: the trained "\\n\\n<start_of_image>...<end_of_image>\\n\\n" and P&S wording."""

from __future__ import annotations

import io
import itertools

import pytest
from PIL import Image

from engine.vision.prompt import (
    SLOT_POSITIONS,
    ImageSlot,
    count_positions,
    describe,
    image_segments,
    layout_content,
    layout_message,
)
from engine.vision.tiles import TileSet, make_tiles


def picture(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def square() -> TileSet:
    return make_tiles(picture(500, 500, (200, 10, 10)))


@pytest.fixture(scope="module")
def wide() -> TileSet:
    return make_tiles(picture(1920, 1080, (10, 200, 10)))


def slot(tiles: TileSet, index: int) -> str:
    return f"<start_of_image>[256 x {tiles.tiles[index].sha256[:8]}]<end_of_image>"


def test_single_image_is_wrapped_in_blank_lines(square: TileSet) -> None:
    segments = image_segments(square)
    assert segments == ["\n\n", ImageSlot(square.tiles[0]), "\n\n"]
    message = layout_message("What colour is this?", [square])
    assert describe(message) == "\n\n" + slot(square, 0) + "\n\nWhat colour is this?"
    assert [type(s) for s in message] == [str, ImageSlot, str]


def test_pan_and_scan_layout_matches_the_reference(wide: TileSet) -> None:
    expected = (
        "Here is the original image \n\n"
        + slot(wide, 0)
        + "\n\n and here are some crops to help you see better \n\n"
        + slot(wide, 1)
        + "\n\n \n\n"
        + slot(wide, 2)
        + "\n\n"
    )
    assert describe(image_segments(wide)) == expected
    slots = [s for s in image_segments(wide) if isinstance(s, ImageSlot)]
    assert [s.tile.kind.value for s in slots] == ["full", "crop", "crop"]


def test_zoom_box_is_the_last_crop() -> None:
    tiles = make_tiles(picture(1000, 1000, (5, 5, 200)), mode="off", zoom_box=(0, 0, 300, 300))
    text = describe(image_segments(tiles))
    assert text.startswith("Here is the original image \n\n" + slot(tiles, 0))
    assert text.endswith("see better \n\n" + slot(tiles, 1) + "\n\n")


def test_several_images_each_get_their_own_layout(square: TileSet, wide: TileSet) -> None:
    message = layout_message("Compare them.", [wide, square])
    slots = [s.sha256 for s in message if isinstance(s, ImageSlot)]
    assert slots == [*wide.hashes, *square.hashes]
    text = describe(message)
    assert text.count("<start_of_image>") == 4 and text.count("Here is the original") == 1
    assert (slot(wide, 2) + "\n\n\n\n" + slot(square, 0) + "\n\nCompare them.") in text
    # Adjacent text is merged, so segments alternate between text and slots.
    kinds = [isinstance(s, str) for s in message]
    assert all(a != b for a, b in itertools.pairwise(kinds))


def test_content_order_and_empty_text(square: TileSet) -> None:
    segments = layout_content(["Look:", "", square, "and answer."])
    assert describe(segments) == "Look:\n\n" + slot(square, 0) + "\n\nand answer."
    assert layout_content(["", ""]) == []


def test_position_count(square: TileSet, wide: TileSet) -> None:
    message = layout_message("Hi", [wide, square])
    assert count_positions(message) == 4 * SLOT_POSITIONS == 4 * 258
    assert count_positions(message, count_text=len) == 4 * 258 + sum(
        len(s) for s in message if isinstance(s, str)
    )
