"""Runs engine work off the GUI thread and turns its events into Qt signals.

The engine's calls are plain blocking generators (``EngineClient.chat`` yields events).
``EngineJob`` runs one such call on a ``QThread`` and re-emits every event on the GUI thread
through queued signals, so the window never blocks and never touches the worker directly.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from engine.errors import HearthError
from engine.worker import protocol as p


class _Runner(QObject):
    produced = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, work: Callable[[], Iterable[Any] | Any]) -> None:
        super().__init__()
        self._work = work

    def run(self) -> None:
        try:
            result = self._work()
            if isinstance(result, Iterable) and not isinstance(result, (str, bytes)):
                for item in result:
                    self.produced.emit(item)
            else:
                self.produced.emit(result)
        except HearthError as exc:
            self.failed.emit(p.Failed(0, "environment", str(exc)))
        except Exception as exc:
            self.failed.emit(
                p.Failed(0, "bug", f"{type(exc).__name__}: {exc}", traceback.format_exc())
            )
        finally:
            self.finished.emit()


class EngineJob(QObject):
    """One background engine call. Signals arrive on the thread that created the job."""

    produced = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, work: Callable[[], Iterable[Any] | Any], parent: QObject | None = None):
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("engine-job")
        self._runner = _Runner(work)
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.run)
        self._runner.produced.connect(self.produced)
        self._runner.failed.connect(self.failed)
        self._runner.finished.connect(self._thread.quit)
        self._thread.finished.connect(self._on_thread_finished)

    def start(self) -> None:
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, msecs: int = 30000) -> bool:
        return self._thread.wait(msecs)

    def _on_thread_finished(self) -> None:
        self.finished.emit()
