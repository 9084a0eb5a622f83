"""The committed PNG icons are what packaging/render_icons.py draws from the SVG today."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from engine import resources

SCRIPT = Path(__file__).resolve().parents[2] / "packaging" / "render_icons.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_icons", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_icons_are_up_to_date(qapp: QApplication) -> None:
    script = load_script()
    assert tuple(script.SIZES) == resources.ICON_SIZES
    assert script.main(["--check"]) == 0


def test_the_icon_is_not_blank_at_16px(qapp: QApplication) -> None:
    image = QImage(str(resources.icon_png(16)))
    assert image.width() == 16
    colours = {image.pixel(x, y) for x in range(16) for y in range(16)}
    assert len(colours) > 20  # a drawing, not a flat square
    # Corners are transparent (the tile is rounded), the centre is opaque.
    assert image.pixelColor(0, 0).alpha() == 0
    assert image.pixelColor(8, 8).alpha() == 255


def test_check_detects_a_stale_icon(qapp: QApplication, tmp_path: Path) -> None:
    script = load_script()
    image = script.render(32)
    other = tmp_path / "x.png"
    other.write_bytes(script.png_bytes(script.render(48)))
    assert not script.same_pixels(other, image)
    other.write_bytes(script.png_bytes(image))
    assert script.same_pixels(other, image)
