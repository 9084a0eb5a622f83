"""The window icon has every committed size, without Qt's SVG plugin."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from app.app_icon import app_icon
from engine.resources import ICON_SIZES


def test_every_size_is_available(qapp: QApplication) -> None:
    icon = app_icon()
    assert not icon.isNull()
    assert sorted(size.width() for size in icon.availableSizes()) == sorted(ICON_SIZES)
    image = icon.pixmap(QSize(48, 48)).toImage()
    assert image.width() == 48 and image.pixelColor(24, 24).alpha() == 255
