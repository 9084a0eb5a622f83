"""Our bugs, made visible: an exception hook with a copyable crash dialog, and a
faulthandler log that catches native crashes of the GUI process and is shown on next start."""

from __future__ import annotations

import faulthandler
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import IO

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

_fault_log: IO[str] | None = None


def install_faulthandler(log_path: Path) -> str | None:
    """Start logging native crashes to ``log_path``; return what the last run left there."""
    global _fault_log  # noqa: PLW0603 - faulthandler needs the file kept open for the run
    previous: str | None = None
    if log_path.exists():
        previous = log_path.read_text(encoding="utf-8", errors="replace").strip() or None
        log_path.replace(log_path.with_suffix(".previous.log"))
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


def crash_box(parent: QWidget | None, title: str, summary: str, details: str) -> QMessageBox:
    """A dialog with the summary, the details (expandable) and a "Copy details" button."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, summary, parent=parent)
    box.setObjectName("crashDialog")
    box.setDetailedText(details)
    copy = box.addButton(
        QCoreApplication.translate("crash", "Copy details"), QMessageBox.ButtonRole.ActionRole
    )
    copy.setObjectName("copyDetailsButton")
    copy.setToolTip(
        QCoreApplication.translate("crash", "Copy the details to the clipboard for a bug report")
    )
    # An ActionRole button would close the box; keep it open and just copy.
    copy.clicked.disconnect()
    copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
    box.addButton(QMessageBox.StandardButton.Close)
    return box


def show_crash_dialog(
    parent: QWidget | None, title: str, summary: str, details: str, *, modal: bool = True
) -> QMessageBox:
    box = crash_box(parent, title, summary, details)
    if modal:
        box.exec()
    else:
        box.open()
    return box


def show_previous_crash(parent: QWidget | None, log_text: str) -> QMessageBox:
    """Tell the user the last run crashed (native crash captured by faulthandler)."""
    return show_crash_dialog(
        parent,
        QCoreApplication.translate("crash", "Hearth crashed last time"),
        QCoreApplication.translate(
            "crash",
            "Hearth stopped unexpectedly the last time it ran. Your conversations are saved "
            "up to the last word written. The technical details are below.",
        ),
        log_text,
        modal=False,
    )


def install_exception_hook() -> None:
    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(kind, value, tb))
        if sys.__stderr__ is not None:
            sys.__stderr__.write(details)
        if QApplication.instance() is not None:
            show_crash_dialog(
                QApplication.activeWindow(),
                QCoreApplication.translate("crash", "Hearth hit a bug"),
                QCoreApplication.translate(
                    "crash",
                    "Something went wrong inside Hearth. Your conversations are saved. "
                    "Please copy the details below into a bug report.",
                ),
                details,
                modal=False,
            )

    sys.excepthook = hook
