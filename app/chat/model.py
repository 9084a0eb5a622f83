"""The visible branch of one conversation as a Qt list model, one row per message.

Rows hold the store's ``Message`` plus the live text of an answer that is still streaming.
Streamed text is buffered and published at most every ``STREAM_FLUSH_MS`` so a fast model
does not relayout the view once per token.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)

from engine.store import Message, SiblingInfo

STREAM_FLUSH_MS = 33

Index = QModelIndex | QPersistentModelIndex


class ChatRoles(IntEnum):
    ROW = Qt.ItemDataRole.UserRole + 1
    MESSAGE_ID = Qt.ItemDataRole.UserRole + 2


@dataclass
class ChatRow:
    """One displayed message."""

    message: Message
    text: str
    siblings: SiblingInfo
    streaming: bool = False
    revision: int = 0
    finish_reason: str | None = None
    last: bool = False
    """The end of the shown branch: only there can an answer be continued."""

    @property
    def resumable(self) -> bool:
        """The last answer, stopped early (stopped, interrupted, cut at the length limit):
        the model can go on with it. An answer that filled the context cannot."""
        if not self.last or self.streaming or self.message.role != "assistant":
            return False
        return self.message.status in ("cancelled", "interrupted") or self.finish_reason == "length"


def _finish_reason(message: Message) -> str | None:
    reason = message.stats.extra.get("finish_reason") if message.stats.extra else None
    return reason if isinstance(reason, str) else None


class ChatModel(QAbstractListModel):
    """Messages of the active branch, root first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ChatRow] = []
        self._pending = ""
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(STREAM_FLUSH_MS)
        self._flush.timeout.connect(self.flush_stream)

    # ---- Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            who = (
                QCoreApplication.translate("ChatModel", "You")
                if row.message.role == "user"
                else QCoreApplication.translate("ChatModel", "Hearth")
            )
            return f"{who}: {row.text}"
        if role == ChatRoles.ROW:
            return row
        if role == ChatRoles.MESSAGE_ID:
            return row.message.id
        return None

    # ---- Filling

    def set_messages(self, messages: list[Message], siblings: dict[int, SiblingInfo]) -> None:
        self._flush.stop()
        self._pending = ""
        self.beginResetModel()
        self._rows = [self._row(m, siblings) for m in messages]
        if self._rows:
            self._rows[-1].last = True
        self.endResetModel()

    def prepend_messages(self, messages: list[Message], siblings: dict[int, SiblingInfo]) -> None:
        """Older messages loaded on demand (scrolling up in a very long conversation)."""
        if not messages:
            return
        self.beginInsertRows(QModelIndex(), 0, len(messages) - 1)
        self._rows[:0] = [self._row(m, siblings) for m in messages]
        self.endInsertRows()

    def append_messages(self, messages: list[Message]) -> None:
        """New messages at the end of the branch (a question and its answer starting)."""
        if not messages:
            return
        self.flush_stream()
        if self._rows:  # the old end is no longer the last row (no "Continue" there)
            before = self._rows[-1]
            before.last = False
            before.revision += 1
            index = self.index(len(self._rows) - 1)
            self.dataChanged.emit(index, index)
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(messages) - 1)
        self._rows += [self._row(m, {}) for m in messages]
        self._rows[-1].last = True
        self.endInsertRows()

    @staticmethod
    def _row(message: Message, siblings: dict[int, SiblingInfo]) -> ChatRow:
        info = siblings.get(message.id, SiblingInfo(ids=(message.id,), index=0))
        return ChatRow(
            message=message,
            text=message.content,
            siblings=info,
            streaming=message.status == "streaming",
            finish_reason=_finish_reason(message),
        )

    def clear(self) -> None:
        self.set_messages([], {})

    # ---- Streaming

    def append_stream(self, text: str) -> None:
        """Buffer streamed text for the last row; it is shown at the next flush."""
        if not text:
            return
        self._pending += text
        if not self._flush.isActive():
            self._flush.start()

    def flush_stream(self) -> None:
        if not self._pending or not self._rows:
            self._pending = ""
            return
        row = self._rows[-1]
        row.text += self._pending
        row.revision += 1
        self._pending = ""
        index = self.index(len(self._rows) - 1)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    def replace_message(self, message: Message, *, streaming: bool = False) -> None:
        """Swap in the saved version of a row's message (e.g. a finished answer)."""
        self.flush_stream()
        for position, row in enumerate(self._rows):
            if row.message.id == message.id:
                row.message = message
                row.text = message.content if not streaming else row.text
                row.streaming = streaming
                row.finish_reason = _finish_reason(message)
                row.revision += 1
                index = self.index(position)
                self.dataChanged.emit(index, index)
                return

    def mark_finished(self, message_id: int, status: str, finish_reason: str | None) -> None:
        """The answer stopped streaming (used when the store could not hand back the row)."""
        self.flush_stream()
        for position, row in enumerate(self._rows):
            if row.message.id == message_id:
                row.streaming = False
                row.message = replace(row.message, status=status)  # type: ignore[arg-type]
                row.finish_reason = finish_reason
                row.revision += 1
                index = self.index(position)
                self.dataChanged.emit(index, index)
                return

    # ---- Reading

    def rows(self) -> list[ChatRow]:
        return list(self._rows)

    def row_at(self, position: int) -> ChatRow:
        return self._rows[position]

    def position_of(self, message_id: int) -> int | None:
        for position, row in enumerate(self._rows):
            if row.message.id == message_id:
                return position
        return None

    def transcript(self, you: str, assistant: str) -> str:
        """The whole visible conversation as Markdown-ish plain text (Copy conversation)."""
        parts = []
        for row in self._rows:
            who = you if row.message.role == "user" else assistant
            parts.append(f"**{who}:**\n\n{row.text.strip()}")
        return "\n\n---\n\n".join(parts) + ("\n" if parts else "")
