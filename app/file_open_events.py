"""Files the platform asks the running application to open with an event instead of argv:
macOS Finder's "Open with" (``QFileOpenEvent``, also for the first launch). Linux and Windows
pass files as arguments, and later launches hand theirs over through ``single_instance``."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QFileOpenEvent


class FileOpenEvents(QObject):
    """Installed on the QApplication; turns each FileOpen event into ``files_opened``."""

    files_opened = Signal(list)
    """list[Path] (one file per event)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            name = event.file() or event.url().toLocalFile()
            if name:
                self.files_opened.emit([Path(name)])
                return True
        return super().eventFilter(watched, event)
