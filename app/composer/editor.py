"""The message editor: Enter sends, Shift+Enter adds a line, and input methods are safe.

An Enter that confirms a Japanese or Chinese composition is consumed by the input method (it
arrives as an ``QInputMethodEvent`` with a commit string); any Enter that still reaches us
while pre-edit text is pending is passed to the editor, never treated as "send".
Pasted or dropped images and files are handed to the composer instead of being inserted.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QImage, QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget

MIN_LINES = 2
MAX_LINES = 10


class ComposerEdit(QPlainTextEdit):
    """Signals:
    submitted(): the user pressed Enter to send.
    files_received(list): local file paths dropped or pasted.
    image_pasted(QImage): an image pasted from the clipboard (no file behind it).
    """

    submitted = Signal()
    files_received = Signal(list)
    image_pasted = Signal(QImage)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setTabChangesFocus(True)
        self._preedit = ""
        self.document().contentsChanged.connect(self.updateGeometry)

    # ---- Input methods

    @property
    def composing(self) -> bool:
        """True while an input method has uncommitted (pre-edit) text."""
        if self._preedit:
            return True
        layout = self.textCursor().block().layout()
        return bool(layout is not None and layout.preeditAreaText())

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        self._preedit = event.preeditString()
        super().inputMethodEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        is_enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if is_enter and self.composing:
            # The input method owns this Enter (it confirms the conversion): not a send,
            # not a new line.
            event.accept()
            return
        if is_enter and modifiers == Qt.KeyboardModifier.NoModifier:
            event.accept()
            self.submitted.emit()
            return
        if is_enter and modifiers & Qt.KeyboardModifier.ShiftModifier:
            self.textCursor().insertText("\n")
            event.accept()
            return
        super().keyPressEvent(event)

    # ---- Size: grow with the text, from MIN_LINES to MAX_LINES

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().lineSpacing()
        lines = max(MIN_LINES, min(MAX_LINES, self.document().lineCount()))
        margins = self.contentsMargins()
        extra = int(self.document().documentMargin() * 2) + margins.top() + margins.bottom()
        return QSize(super().sizeHint().width(), lines * line + extra)

    def minimumSizeHint(self) -> QSize:
        line = self.fontMetrics().lineSpacing()
        return QSize(100, MIN_LINES * line + int(self.document().documentMargin() * 2) + 4)

    # ---- Paste and drop

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasImage() or source.hasUrls() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        paths = [Path(url.toLocalFile()) for url in source.urls() if url.isLocalFile()]
        if paths:
            self.files_received.emit(paths)
            return
        if source.hasImage():
            image = source.imageData()
            if isinstance(image, QImage) and not image.isNull():
                self.image_pasted.emit(image)
                return
        super().insertFromMimeData(source)
