"""Our bugs, made visible: an exception hook with a copyable crash dialog, and a
faulthandler log that catches native crashes of the GUI process and is shown on next start."""

from __future__ import annotations

import faulthandler
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import IO

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

_fault_log: IO[str] | None = None


def install_faulthandler(log_path: Path) -> str | None:
    """Start logging native crashes to ``log_path``; return what the last run left there."""
    global _fault_log  # noqa: PLW0603 - faulthandler needs the file kept open for the run
    previous: str | None = None
    if log_path.exists():
        previous = log_path.read_text(encoding="utf-8", errors="replace").strip() or None
        log_path.rename(log_path.with_suffix(".previous.log"))
    log_path.parent.mkdir(parents=True, exist_ok=True)
    _fault_log = log_path.open("w", encoding="utf-8")
    faulthandler.enable(_fault_log, all_threads=True)
    return previous


def close_faulthandler(log_path: Path) -> None:
    """A clean exit: stop logging and remove the (empty) log."""
    global _fault_log  # noqa: PLW0603
    faulthandler.disable()
    if _fault_log is not None:
        _fault_log.close()
        _fault_log = None
    if log_path.exists() and log_path.stat().st_size == 0:
        log_path.unlink()


def show_crash_dialog(parent: QWidget | None, title: str, summary: str, details: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, title, summary, parent=parent)
    box.setDetailedText(details)
    box.setTextInteractionFlags(box.textInteractionFlags())
    copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if box.clickedButton() is copy:
        QApplication.clipboard().setText(details)


def install_exception_hook() -> None:
    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(kind, value, tb))
        sys.__stderr__.write(details) if sys.__stderr__ else None
        if QApplication.instance() is not None:
            show_crash_dialog(
                QApplication.activeWindow(),
                "Hearth hit a bug",
                "Something went wrong inside Hearth. Your conversations are saved. "
                "Please copy the details below into a bug report.",
                details,
            )

    sys.excepthook = hook
