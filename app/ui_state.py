"""Window state that is not a setting: geometry, splitter sizes, the last conversation.

Kept in ``ui-state.ini`` next to the settings (``QSettings`` in INI format, so it is readable and
private to the data directory, never the system registry).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings


class UiState:
    """A thin typed wrapper over an INI ``QSettings``."""

    def __init__(self, path: Path) -> None:
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    def geometry(self) -> QByteArray | None:
        value = self._settings.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, value: QByteArray) -> None:
        self._settings.setValue("window/geometry", value)

    def window_state(self) -> QByteArray | None:
        value = self._settings.value("window/state")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_window_state(self, value: QByteArray) -> None:
        self._settings.setValue("window/state", value)

    def splitter(self) -> list[int] | None:
        value = self._settings.value("window/splitter")
        if isinstance(value, list) and value:
            try:
                return [int(v) for v in value]
            except (TypeError, ValueError):
                return None
        return None

    def set_splitter(self, sizes: list[int]) -> None:
        self._settings.setValue("window/splitter", [str(s) for s in sizes])

    def last_conversation(self) -> int | None:
        value = self._settings.value("chat/last_conversation")
        try:
            number = int(str(value))
        except (TypeError, ValueError):
            return None
        return number if number > 0 else None

    def set_last_conversation(self, conversation_id: int | None) -> None:
        self._settings.setValue("chat/last_conversation", conversation_id or 0)

    def sync(self) -> None:
        self._settings.sync()
