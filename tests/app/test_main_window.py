"""The real window with the real model: type, send, watch the answer stream, stop it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.main_window import MainWindow
from engine.chat.sampling import GREEDY, SamplingParams
from engine.worker.client import EngineClient
from engine.worker.protocol import ModelConfig

pytestmark = pytest.mark.model


@pytest.fixture()
def window(qtbot: QtBot, model_path: Path, tmp_path: Path) -> Iterator[MainWindow]:
    client = EngineClient(log_path=tmp_path / "worker.log")
    win = MainWindow(
        client, ModelConfig(model_path=str(model_path), n_ctx=2048), GREEDY, max_tokens=24
    )
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win._loaded and win.send_button.isEnabled(), timeout=60000)
    yield win
    win.close()
    client.close()


def test_an_answer_streams_into_the_window(qtbot: QtBot, window: MainWindow) -> None:
    assert window.findChild(type(window.composer), "composer") is window.composer
    qtbot.keyClicks(window.composer, "Say hello")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    assert window.composer.toPlainText() == ""
    qtbot.waitUntil(window.stop_button.isEnabled, timeout=5000)
    qtbot.waitUntil(window.send_button.isEnabled, timeout=60000)
    assert "Say hello" in window.chat_view.toPlainText()
    assert window._messages[-1].role == "assistant"
    assert window._messages[-1].content.strip() in window.chat_view.toPlainText()
    assert "tokens/s" in window.speed_label.text()
    assert window.context_meter.value() > 0


def test_shift_enter_adds_a_line_instead_of_sending(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.composer, "first line")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(window.composer, "second line")
    assert window.composer.toPlainText() == "first line\nsecond line"
    assert window._messages == []


def test_stop_ends_a_long_answer(qtbot: QtBot, window: MainWindow) -> None:
    window._max_tokens = 400
    window._sampling = SamplingParams(seed=11)
    window.composer.setPlainText("Write a very long story about the sea.")
    window.send_button.click()
    qtbot.waitUntil(lambda: len(window._answer) >= 3, timeout=30000)
    window.stop_button.click()
    qtbot.waitUntil(window.send_button.isEnabled, timeout=10000)
    assert len(window._answer) < 400
