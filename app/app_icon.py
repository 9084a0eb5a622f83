"""Hearth's icon for windows and dialogs, from the committed PNG sizes: PNG is built into
QtGui, while the SVG would need Qt's svg icon-engine plugin, which a frozen build may lack."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from engine.resources import ICON_SIZES, icon_png


def app_icon() -> QIcon:
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icon_png(size)), QSize(size, size))
    return icon
