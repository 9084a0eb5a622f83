"""The composer's editor: Enter sends, Shift+Enter adds a line, input methods are safe."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.composer.editor import ComposerEdit


def test_enter_sends_and_shift_enter_adds_a_line(qtbot: QtBot) -> None:
    editor = ComposerEdit()
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor, "one")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor, "two")
    assert editor.toPlainText() == "one\ntwo"
    with qtbot.waitSignal(editor.submitted, timeout=1000):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    with qtbot.waitSignal(editor.submitted, timeout=1000):
        qtbot.keyClick(editor, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)


def test_enter_that_confirms_a_japanese_composition_never_sends(qtbot: QtBot) -> None:
    editor = ComposerEdit()
    qtbot.addWidget(editor)
    editor.show()
    sent: list[bool] = []
    editor.submitted.connect(lambda: sent.append(True))
    # Typing "nihon" with a Japanese IME: pre-edit text, not yet committed.
    QApplication.sendEvent(editor, QInputMethodEvent("にほん", []))
    assert editor.composing
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Enter reaching us while composing
    assert sent == []
    # The input method commits the conversion (its own Enter is consumed by it).
    commit = QInputMethodEvent("", [])
    commit.setCommitString("日本")
    QApplication.sendEvent(editor, commit)
    assert not editor.composing
    assert editor.toPlainText() == "日本"
    assert sent == []
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # a real Enter afterwards sends
    assert sent == [True]


def test_chinese_pinyin_composition_is_safe_too(qtbot: QtBot) -> None:
    editor = ComposerEdit()
    qtbot.addWidget(editor)
    editor.show()
    sent: list[bool] = []
    editor.submitted.connect(lambda: sent.append(True))
    QApplication.sendEvent(editor, QInputMethodEvent("zhong'wen", []))
    qtbot.keyClick(editor, Qt.Key.Key_Enter)
    assert sent == []
    commit = QInputMethodEvent("", [])
    commit.setCommitString("中文")
    QApplication.sendEvent(editor, commit)
    assert editor.toPlainText() == "中文"
