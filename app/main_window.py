"""Hearth's main window: a conversation with the local model, streamed as it is written."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.engine_bridge import EngineJob
from engine.chat.messages import ChatMessage
from engine.chat.sampling import SamplingParams
from engine.worker import protocol as p
from engine.worker.client import EngineClient


class Composer(QPlainTextEdit):
    """Multi-line input: Enter sends, Shift+Enter starts a new line; IME-safe."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        is_enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        # An Enter that confirms an input-method composition arrives as an input-method
        # event, not a key press; a key press while preedit text is pending is ignored here.
        if is_enter and not shift and not self._composing():
            event.accept()
            self.submitted.emit()
            return
        super().keyPressEvent(event)

    def _composing(self) -> bool:
        layout = self.textCursor().block().layout()
        return bool(layout is not None and layout.preeditAreaText())


class MainWindow(QMainWindow):
    """The window: chat view, composer, send/stop, and live generation figures."""

    def __init__(
        self,
        client: EngineClient,
        config: p.ModelConfig,
        sampling: SamplingParams,
        *,
        max_tokens: int = 1024,
    ) -> None:
        super().__init__()
        self._client = client
        self._config = config
        self._sampling = sampling
        self._max_tokens = max_tokens
        self._messages: list[ChatMessage] = []
        self._answer: list[str] = []
        self._job: EngineJob | None = None
        self._loaded = False

        self.setWindowTitle("Hearth")
        self.resize(900, 700)
        self._build()
        self._load_model()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)

        self.chat_view = QTextBrowser(central)
        self.chat_view.setObjectName("chatView")
        self.chat_view.setAccessibleName(self.tr("Conversation"))
        self.chat_view.setOpenExternalLinks(False)
        self.chat_view.setPlaceholderText(self.tr("Ask anything. Nothing leaves this computer."))
        layout.addWidget(self.chat_view, 1)

        row = QHBoxLayout()
        self.composer = Composer(central)
        self.composer.setObjectName("composer")
        self.composer.setAccessibleName(self.tr("Message"))
        self.composer.setPlaceholderText(
            self.tr("Message Hearth (Enter sends, Shift+Enter: new line)")
        )
        self.composer.setMaximumHeight(120)
        self.composer.submitted.connect(self.send)
        row.addWidget(self.composer, 1)

        buttons = QVBoxLayout()
        self.send_button = QPushButton(self.tr("Send"), central)
        self.send_button.setObjectName("sendButton")
        self.send_button.setToolTip(self.tr("Send the message (Enter)"))
        self.send_button.clicked.connect(self.send)
        self.stop_button = QPushButton(self.tr("Stop"), central)
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setToolTip(self.tr("Stop the answer (Esc)"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        row.addLayout(buttons)
        layout.addLayout(row)
        self.setCentralWidget(central)

        self.model_label = QLabel(self.tr("Loading model…"))
        self.model_label.setObjectName("modelLabel")
        self.speed_label = QLabel("")
        self.speed_label.setObjectName("speedLabel")
        self.context_meter = QProgressBar()
        self.context_meter.setObjectName("contextMeter")
        self.context_meter.setAccessibleName(self.tr("Context used"))
        self.context_meter.setMaximumWidth(180)
        self.context_meter.setFormat(self.tr("context %p%"))
        self.context_meter.setValue(0)
        status = self.statusBar()
        status.addWidget(self.model_label, 1)
        status.addPermanentWidget(self.speed_label)
        status.addPermanentWidget(self.context_meter)

        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.stop)
        self._set_busy(True)

    # ------------------------------------------------------------------ model

    def _load_model(self) -> None:
        job = EngineJob(lambda: self._client.load(self._config), self)
        job.produced.connect(self._on_loaded)
        job.failed.connect(self._on_failed)
        job.finished.connect(lambda: self._set_busy(False))
        self._job = job
        job.start()

    def _on_loaded(self, info: object) -> None:
        assert isinstance(info, p.ModelInfo)
        self._loaded = True
        label = info.size_label or info.architecture
        self.model_label.setText(
            self.tr("Gemma 3 {label} · {quant} · {ctx} tokens context").format(
                label=label, quant=info.quantization or "?", ctx=f"{info.n_ctx:,}"
            )
        )
        self.context_meter.setMaximum(info.n_ctx)

    # ------------------------------------------------------------------ chat

    def send(self) -> None:
        text = self.composer.toPlainText().strip()
        if not text or self._busy or not self._loaded:
            return
        self.composer.clear()
        self._messages.append(ChatMessage("user", text))
        self._append_turn("You", text)
        self._append_turn("Hearth", "")
        self._answer = []
        messages = list(self._messages)
        job = EngineJob(
            lambda: self._client.chat(messages, self._sampling, max_tokens=self._max_tokens), self
        )
        job.produced.connect(self._on_chat_event)
        job.failed.connect(self._on_failed)
        job.finished.connect(self._on_chat_finished)
        self._job = job
        self._set_busy(True)
        job.start()

    def stop(self) -> None:
        if self._busy:
            self._client.cancel()

    def _on_chat_event(self, event: object) -> None:
        if isinstance(event, p.Token):
            self._answer.append(event.text)
            cursor = self.chat_view.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(event.text)
            self.chat_view.ensureCursorVisible()
        elif isinstance(event, p.Done):
            text = event.text or "".join(self._answer)
            if text.strip():
                self._messages.append(ChatMessage("assistant", text))
            else:
                self._messages.pop()  # nothing answered: let the user ask again
            if event.stats is not None:
                self._show_stats(event.stats)
        elif isinstance(event, p.Failed):
            self._on_failed(event)
            if self._messages and self._messages[-1].role == "user":
                self._messages.pop()

    def _show_stats(self, stats: p.GenerationStats) -> None:
        self.speed_label.setText(
            self.tr("{tps:.1f} tokens/s · first token {ttft:.2f} s").format(
                tps=stats.tokens_per_s, ttft=stats.ttft_s
            )
        )
        self.context_meter.setMaximum(stats.context_size)
        self.context_meter.setValue(min(stats.context_used, stats.context_size))

    def _on_chat_finished(self) -> None:
        self._set_busy(False)
        self.composer.setFocus()

    def _on_failed(self, failure: object) -> None:
        assert isinstance(failure, p.Failed)
        if failure.kind == "bug":
            box = QMessageBox(
                QMessageBox.Icon.Critical, self.tr("Hearth hit a bug"), failure.message, parent=self
            )
            box.setDetailedText(failure.details)
            box.open()
            return
        self._append_notice(failure.message)

    # ------------------------------------------------------------------ helpers

    @property
    def _busy(self) -> bool:
        return self._job is not None and self._job.is_running()

    def _set_busy(self, busy: bool) -> None:
        self.send_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy and self._loaded)

    def _append_turn(self, who: str, text: str) -> None:
        self.chat_view.append(f"<p><b>{html.escape(who)}</b></p>")
        cursor = self.chat_view.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        self.chat_view.append("")
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)

    def _append_notice(self, text: str) -> None:
        self.chat_view.append(f'<p style="color:#a15c00">{html.escape(text)}</p>')

    def closeEvent(self, event: QCloseEvent) -> None:
        self._client.cancel()
        if self._job is not None:
            self._job.wait(5000)
        event.accept()
