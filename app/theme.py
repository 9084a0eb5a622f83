"""Light, dark or the system's look, and the font size, applied to the whole application."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

_ROLES = QPalette.ColorRole


def dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        _ROLES.Window: "#1e1f22",
        _ROLES.WindowText: "#e6e6e6",
        _ROLES.Base: "#17181a",
        _ROLES.AlternateBase: "#232427",
        _ROLES.ToolTipBase: "#2b2d31",
        _ROLES.ToolTipText: "#e6e6e6",
        _ROLES.PlaceholderText: "#8b8f96",
        _ROLES.Text: "#e6e6e6",
        _ROLES.Button: "#2b2d31",
        _ROLES.ButtonText: "#e6e6e6",
        _ROLES.BrightText: "#ff6b6b",
        _ROLES.Link: "#6ea8fe",
        _ROLES.Highlight: "#3d6fd6",
        _ROLES.HighlightedText: "#ffffff",
        _ROLES.Mid: "#3a3c41",
        _ROLES.Dark: "#111214",
        _ROLES.Light: "#3a3c41",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (_ROLES.Text, _ROLES.ButtonText, _ROLES.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b6f76"))
    return palette


def light_palette() -> QPalette:
    palette = QPalette()
    colours = {
        _ROLES.Window: "#f3f4f6",
        _ROLES.WindowText: "#1f2328",
        _ROLES.Base: "#ffffff",
        _ROLES.AlternateBase: "#f6f8fa",
        _ROLES.ToolTipBase: "#ffffff",
        _ROLES.ToolTipText: "#1f2328",
        _ROLES.PlaceholderText: "#6e7781",
        _ROLES.Text: "#1f2328",
        _ROLES.Button: "#f6f8fa",
        _ROLES.ButtonText: "#1f2328",
        _ROLES.Link: "#0969da",
        _ROLES.Highlight: "#2f6fde",
        _ROLES.HighlightedText: "#ffffff",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (_ROLES.Text, _ROLES.ButtonText, _ROLES.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#9aa0a6"))
    return palette


class ThemeManager:
    """Remembers the platform's own palette and font so "system" can go back to them."""

    def __init__(self, app: QApplication) -> None:
        self._app = app
        self._system_palette = QPalette(app.palette())
        self._system_font = QFont(app.font())
        self._system_style = app.style().name()
        self.current = "system"

    def apply(self, theme: str, font_size: int = 0) -> None:
        app = self._app
        if theme == "dark" or (theme == "system" and self._system_prefers_dark()):
            app.setStyle("Fusion")
            app.setPalette(dark_palette())
        elif theme == "light":
            app.setStyle("Fusion")
            app.setPalette(light_palette())
        else:
            app.setStyle(self._system_style)
            app.setPalette(self._system_palette)
        font = QFont(self._system_font)
        if font_size > 0:
            font.setPointSize(font_size)
        app.setFont(font)
        self.current = theme

    @staticmethod
    def _system_prefers_dark() -> bool:
        hints = QGuiApplication.styleHints()
        return hints.colorScheme() == Qt.ColorScheme.Dark
