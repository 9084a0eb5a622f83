"""The "Local API server" settings page: off by default, the URL follows the port, the token
is the install's own (shown on request, copyable)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from app.settings_dialog import SettingsDialog
from engine.api_server.token import load_or_create_token
from engine.settings import Settings


def test_off_by_default_and_edits_the_settings(qtbot: QtBot, tmp_path: Path) -> None:
    token_path = tmp_path / "api-token"
    dialog = SettingsDialog(Settings(), api_token_path=token_path)
    qtbot.addWidget(dialog)
    page = dialog.api_server
    assert not page.enabled.isChecked() and not page.token.isEnabled()
    assert "no network socket" in page.note.text() and "refuses" in page.note.text()
    page.enabled.setChecked(True)
    page.port.setValue(9123)
    assert page.url.text() == "http://127.0.0.1:9123/v1"
    assert page.token.isEnabled() and "hearth-cli serve" in page.command.text()
    value = dialog.value()
    assert value.api_server_enabled and value.api_server_port == 9123


def test_the_token_is_the_installs_own_shown_on_request_and_copyable(
    qtbot: QtBot, tmp_path: Path
) -> None:
    token_path = tmp_path / "api-token"
    dialog = SettingsDialog(Settings(api_server_enabled=True), api_token_path=token_path)
    qtbot.addWidget(dialog)
    page = dialog.api_server
    token = load_or_create_token(token_path)
    if os.name == "posix":
        assert token_path.stat().st_mode & 0o777 == 0o600
    assert page.token.text() == token
    assert page.token.echoMode() == QLineEdit.EchoMode.Password
    page.show_token.click()
    assert page.token.echoMode() == QLineEdit.EchoMode.Normal
    page.copy_token.click()
    clipboard = QGuiApplication.clipboard()
    assert clipboard is not None and clipboard.text() == token
    page.new_token.click()
    assert page.token.text() != token and load_or_create_token(token_path) == page.token.text()
