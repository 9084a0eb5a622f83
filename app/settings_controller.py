"""The user's settings as a Qt object: the current ``Settings`` value, saved on change.

``engine.settings`` declares every setting once (typed, with defaults and bounds) and reads and
writes the TOML file; this wrapper only adds a ``changed`` signal so the window can react.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from engine.errors import HearthError
from engine.settings import Settings, load_settings, save_settings


class SettingsController(QObject):
    """Signals:
    changed(object, object): the new and the previous ``Settings``.
    """

    changed = Signal(object, object)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        loaded = load_settings(path)
        self._settings = loaded.settings
        self._writable = loaded.writable
        self.warnings: tuple[str, ...] = loaded.warnings

    @property
    def value(self) -> Settings:
        return self._settings

    @property
    def path(self) -> Path:
        return self._path

    def update(self, **changes: Any) -> Settings:
        """Apply ``changes`` (field=value), save, and emit ``changed``.

        Raises:
            ValueError: a value outside its declared range.
            HearthError: the file could not be written (the new value is kept for this run).
        """
        return self.set(replace(self._settings, **changes))

    def set(self, settings: Settings) -> Settings:
        previous = self._settings
        if settings == previous:
            return settings
        self._settings = settings
        self.changed.emit(settings, previous)
        if self._writable:
            try:
                save_settings(self._path, settings)
            except HearthError:
                raise
        return settings
