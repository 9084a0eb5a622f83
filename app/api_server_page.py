"""The "Local API server" settings page: the opt-in switch, the port, the URL and the token.

The server itself runs in ``hearth-cli serve`` (its own inference worker). It is not run inside
the app: ``EngineClient`` serves one caller and its cancel flag is not per request, so the
window's Stop and model switches would reach API clients' answers (and theirs the window's).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from engine.api_server.token import load_or_create_token, regenerate_token
from engine.errors import HearthError


class ApiServerPage(QWidget):
    """Edits ``api_server_enabled`` and ``api_server_port``; shows the URL and the token."""

    def __init__(self, token_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._token_path = token_path
        self.enabled = QCheckBox(self)
        self.enabled.setObjectName("apiServerEnabled")
        self.port = QSpinBox(self)
        self.port.setObjectName("apiServerPort")
        self.port.setRange(1024, 65535)
        self.url = QLineEdit(self)
        self.url.setObjectName("apiServerUrl")
        self.url.setReadOnly(True)
        self.copy_url = QPushButton(self)
        self.copy_url.setObjectName("apiServerCopyUrl")
        self.token = QLineEdit(self)
        self.token.setObjectName("apiServerToken")
        self.token.setReadOnly(True)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_token = QPushButton(self)
        self.show_token.setObjectName("apiServerShowToken")
        self.show_token.setCheckable(True)
        self.copy_token = QPushButton(self)
        self.copy_token.setObjectName("apiServerCopyToken")
        self.new_token = QPushButton(self)
        self.new_token.setObjectName("apiServerNewToken")
        self.note = QLabel(self)
        self.note.setObjectName("apiServerNote")
        self.note.setWordWrap(True)
        self.command = QLineEdit(self)
        self.command.setObjectName("apiServerCommand")
        self.command.setReadOnly(True)

        url_row = QHBoxLayout()
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.copy_url)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token, 1)
        token_row.addWidget(self.show_token)
        token_row.addWidget(self.copy_token)
        token_row.addWidget(self.new_token)
        self.labels = [QLabel(self) for _ in range(4)]
        for label, buddy in zip(self.labels, (self.port, self.url, self.token, self.command),
                                strict=True):  # fmt: skip
            label.setBuddy(buddy)
        self.form = QFormLayout(self)
        self.form.addRow(self.enabled)
        self.form.addRow(self.labels[0], self.port)
        self.form.addRow(self.labels[1], url_row)
        self.form.addRow(self.labels[2], token_row)
        self.form.addRow(self.labels[3], self.command)
        self.form.addRow(self.note)

        self.enabled.toggled.connect(self._update)
        self.port.valueChanged.connect(self._update)
        self.show_token.toggled.connect(self._on_show_token)
        self.copy_url.clicked.connect(lambda: self._copy(self.url.text()))
        self.copy_token.clicked.connect(self._copy_token)
        self.new_token.clicked.connect(self._regenerate)
        self._token_text = ""
        self._token_error = ""
        self._load_token()
        self.retranslate()

    # ---- Values

    def load(self, enabled: bool, port: int) -> None:
        self.enabled.setChecked(enabled)
        self.port.setValue(port)
        self._update()

    def _load_token(self) -> None:
        if self._token_path is None:
            return
        try:
            self._token_text = load_or_create_token(self._token_path)
            self._token_error = ""
        except HearthError as exc:
            self._token_text, self._token_error = "", str(exc)
        self.token.setText(self._token_text)

    def _regenerate(self) -> None:
        if self._token_path is None:
            return
        try:
            self._token_text = regenerate_token(self._token_path)
            self._token_error = ""
        except HearthError as exc:
            self._token_error = str(exc)
        self.token.setText(self._token_text)
        self._update()

    def _copy(self, text: str) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None and text:
            clipboard.setText(text)

    def _copy_token(self) -> None:
        self._copy(self._token_text)

    def _on_show_token(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.token.setEchoMode(mode)
        self.show_token.setText(self.tr("Hide") if shown else self.tr("Show"))

    def _update(self) -> None:
        on = self.enabled.isChecked()
        for widget in (
            self.port,
            self.url,
            self.copy_url,
            self.token,
            self.show_token,
            self.copy_token,
            self.new_token,
            self.command,
        ):
            widget.setEnabled(on)
        self.url.setText(f"http://127.0.0.1:{self.port.value()}/v1")
        self.command.setText("hearth-cli serve")
        if self._token_error:
            self.note.setText(self._token_error)
        elif on:
            self.note.setText(
                self.tr(
                    "Start the server with the command above; it serves the chosen model to "
                    "programs on this computer only (127.0.0.1), with its own copy of the model. "
                    "Programs must send the token as 'Authorization: Bearer <token>'."
                )
            )
        else:
            self.note.setText(
                self.tr(
                    "Off: Hearth opens no network socket, and 'hearth-cli serve' refuses to start."
                )
            )

    # ---- Texts

    def retranslate(self) -> None:
        self.enabled.setText(self.tr("Allow the local API server (OpenAI-compatible)"))
        for label, text in zip(
            self.labels,
            (self.tr("Port:"), self.tr("Address:"), self.tr("Token:"), self.tr("Command:")),
            strict=True,
        ):
            label.setText(text)
        self.copy_url.setText(self.tr("Copy"))
        self.copy_token.setText(self.tr("Copy"))
        self.new_token.setText(self.tr("New token"))
        self._on_show_token(self.show_token.isChecked())
        self.enabled.setToolTip(
            self.tr("Let editors and scripts on this computer use Hearth's model")
        )
        self.new_token.setToolTip(
            self.tr("Make a new token; programs using the old one stop working")
        )
        self.token.setAccessibleName(self.tr("API token"))
        self.url.setAccessibleName(self.tr("API address"))
        self.port.setAccessibleName(self.tr("API server port"))
        self._update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
