"""English, 简体中文 and 日本語, switched at runtime through Qt's translation system."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.translations import I18N_DIR, LANGUAGES, update_sources
from tests.app.conftest import WindowFactory, ask

pytestmark = pytest.mark.model


def test_every_string_is_translated(tmp_path: Path) -> None:
    for code in LANGUAGES:
        text = (I18N_DIR / f"hearth_{code}.ts").read_text(encoding="utf-8")
        assert 'type="unfinished"' not in text, code
        assert (I18N_DIR / f"hearth_{code}.qm").exists(), code
    # The sources hold every string the code has: extracting them again adds none.
    for source in I18N_DIR.glob("*.ts"):
        shutil.copy(source, tmp_path / source.name)
    for refreshed in update_sources(tmp_path):
        text = refreshed.read_text(encoding="utf-8")
        new = re.findall(r"<source>(.*?)</source>\s*<translation type=\"unfinished\"", text)
        assert not new, f"{refreshed.name}: run python -m app.translations --update: {new}"


def test_switch_language_at_runtime(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(max_tokens=4)
    ask(qtbot, window, "Hello")
    assert window.composer.send_button.text() == "Send"
    assert window.menu_file.title() == "&File"
    window.context.settings.update(language="ja")
    QApplication.processEvents()
    assert window.composer.send_button.text() == "送信"
    assert window.menu_file.title() == "ファイル(&F)"
    assert window.sidebar.search_box.placeholderText() == "すべての会話を検索 (Ctrl+K)"
    assert window.status.context_meter.format().startswith("コンテキスト")
    assert "トークン/秒" in window.status.speed_label.text()
    assert "コピー" in window.chat_view.rendered(1)[0]  # the messages' own links too
    window.context.settings.update(language="zh_CN")
    QApplication.processEvents()
    assert window.composer.send_button.text() == "发送"
    assert window.sidebar.new_button.text() == "\uff0b 新对话"
    assert "复制" in window.chat_view.rendered(1)[0]
    window.context.settings.update(language="en")
    QApplication.processEvents()
    assert window.composer.send_button.text() == "Send"
    assert window.composer.send_button.accessibleName() == "Send"


def test_plural_forms_in_english(qtbot: QtBot, make_window: WindowFactory) -> None:
    from app.sidebar.sidebar import Sidebar

    window = make_window()
    sidebar = window.findChild(Sidebar)
    assert sidebar is not None
    assert sidebar.tr("%n result(s)", "", 1) == "1 result"
    assert sidebar.tr("%n result(s)", "", 3) == "3 results"


def test_the_language_is_restored_after_a_restart(qtbot: QtBot, make_window: WindowFactory) -> None:
    from tests.app.conftest import close_window

    window = make_window()
    window.context.settings.update(language="ja")
    close_window(window)
    again = make_window()
    assert again.context.settings.value.language == "ja"
    assert again.composer.send_button.text() == "送信"
