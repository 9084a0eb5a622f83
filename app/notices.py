"""Calm inline messages above the chat: environment problems, warnings, information.

Bugs go to the crash dialog instead (``app.crash``); these are things the user can act on.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class Level(Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


_COLOURS = {
    Level.INFO: ("#e7f1ff", "#0b3d91", "#1d2d44", "#a9c7ff"),
    Level.WARNING: ("#fff4e0", "#7a4a00", "#3b2a10", "#f5c77e"),
    Level.ERROR: ("#fdecec", "#8a1c1c", "#3d1a1a", "#f2a7a7"),
}


class NoticeBar(QFrame):
    """One message at a time, with an optional action button and a close button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self.label = QLabel(self)
        self.label.setObjectName("noticeText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action = QPushButton(self)
        self.action.setObjectName("noticeAction")
        self.action.hide()
        self.close_button = QPushButton("✕", self)
        self.close_button.setObjectName("closeNoticeButton")
        self.close_button.setFlat(True)
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.close_button)
        self._callback: Callable[[], None] | None = None
        self.action.clicked.connect(self._run_action)
        self.level = Level.INFO
        self._retranslate()
        self.hide()

    def show_message(
        self,
        text: str,
        level: Level = Level.INFO,
        *,
        action: str | None = None,
        callback: Callable[[], None] | None = None,
    ) -> None:
        self.level = level
        self.label.setText(text)
        self.setAccessibleDescription(text)
        dark = self.palette().color(self.backgroundRole()).lightness() < 128
        light_bg, light_fg, dark_bg, dark_fg = _COLOURS[level]
        background, foreground = (dark_bg, dark_fg) if dark else (light_bg, light_fg)
        self.setStyleSheet(
            f"QFrame#noticeBar {{ background: {background}; border-radius: 6px; }}"
            f" QLabel#noticeText {{ color: {foreground}; }}"
        )
        self._callback = callback
        self.action.setVisible(action is not None and callback is not None)
        if action is not None:
            self.action.setText(action)
            self.action.setAccessibleName(action)
            self.action.setToolTip(action)
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""

    def _run_action(self) -> None:
        callback = self._callback
        self.hide()
        if callback is not None:
            callback()

    def _retranslate(self) -> None:
        self.close_button.setToolTip(self.tr("Dismiss this message"))
        self.close_button.setAccessibleName(self.tr("Dismiss this message"))
        self.setAccessibleName(self.tr("Notice"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
