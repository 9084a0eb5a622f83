"""Runs engine work off the GUI thread and turns its events into Qt signals.

The engine's calls are plain blocking generators (``EngineClient.chat`` yields events).
``EngineJob`` runs one such call on a ``QThread`` and re-emits every event on the GUI thread
through queued signals, so the window never blocks and never touches the worker directly.
``StoreTasks`` does the same for small store calls (rename, pin, delete, list, search).
"""

from __future__ import annotations

import contextlib
import functools
import traceback
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, QThread, Signal

from engine.errors import HearthError
from engine.worker import protocol as p

_T = TypeVar("_T")


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
            self.failed.emit(p.Failed(0, "environment", str(exc), code=exc.code))
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
        # quit() is thread-safe: called directly, a GUI thread blocked in wait() is not needed.
        self._runner.finished.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)
        self._thread.finished.connect(self._on_thread_finished)

    def start(self) -> None:
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, msecs: int = 30000) -> bool:
        return self._thread.wait(msecs)

    def _on_thread_finished(self) -> None:
        self.finished.emit()


class _TaskRunner(QObject):
    """Lives on the ``StoreTasks`` thread and runs each task it is handed, in order."""

    ran = Signal(int, object, object)
    """Task number, its result, and the exception it raised (None when it succeeded)."""

    def run(self, number: int, work: object) -> None:
        if work is None:  # the stop marker: every task queued before it has run
            thread = self.thread()
            thread.quit()
            return
        try:
            result = work()  # type: ignore[operator]
        except Exception as exc:
            exc.add_note(traceback.format_exc())
            self.ran.emit(number, None, exc)
        else:
            self.ran.emit(number, result, None)


class StoreTasks(QObject):
    """Small store calls (rename, pin, delete, the conversation list, search) on one background
    thread, so an fsync or a writer busy recording an answer never blocks the window.

    Tasks run one at a time in the order they were submitted. Each result, or the
    ``HearthError`` (``StoreError``) a task raised, is handed to its callback on the thread
    that created the ``StoreTasks`` (the GUI thread) through a queued signal. Any other
    exception is a bug: it is raised again on the GUI thread, where the crash handler shows it.
    ``close`` runs the tasks still queued, then stops the thread: call it before the store
    closes.
    """

    _submitted = Signal(int, object)

    def __init__(self, parent: QObject | None = None, *, name: str = "store-tasks") -> None:
        super().__init__(parent)
        self._callbacks: dict[int, tuple[Callable[[Any], None] | None, Callable[..., None]]] = {}
        self._number = 0
        self._closed = False
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._runner = _TaskRunner()
        self._runner.moveToThread(self._thread)
        self._thread.finished.connect(self._runner.deleteLater)
        self._submitted.connect(self._runner.run, Qt.ConnectionType.QueuedConnection)
        self._runner.ran.connect(self._on_ran, Qt.ConnectionType.QueuedConnection)
        # A safety net when the owner goes away without calling close(): queued tasks are
        # dropped, but the thread never outlives its QThread object.
        self.destroyed.connect(functools.partial(_stop_thread, self._thread))
        self._thread.start()

    @property
    def busy(self) -> bool:
        """Tasks were submitted whose callback has not run yet."""
        return bool(self._callbacks)

    @property
    def closed(self) -> bool:
        return self._closed

    def submit(
        self,
        work: Callable[[], _T],
        done: Callable[[_T], None] | None = None,
        failed: Callable[[HearthError], None] | None = None,
    ) -> int:
        """Queue ``work`` (a call that takes no arguments); returns the task's number.

        ``done(result)`` or ``failed(error)`` runs later on this object's thread; without a
        ``failed`` callback the error is dropped. After ``close`` nothing runs any more.
        """
        if self._closed:
            raise RuntimeError("StoreTasks is closed")
        self._number += 1
        self._callbacks[self._number] = (done, failed or _ignore)
        self._submitted.emit(self._number, work)
        return self._number

    def close(self, msecs: int = 30_000) -> bool:
        """Run what is queued, then stop the thread (callbacks of those tasks may still arrive
        through the event loop). False if the thread did not finish within ``msecs``."""
        if not self._closed:
            self._closed = True
            self._submitted.emit(0, None)
        return self._thread.wait(msecs)

    def _on_ran(self, number: int, result: object, error: object) -> None:
        done, failed = self._callbacks.pop(number, (None, _ignore))
        if error is None:
            if done is not None:
                done(result)
        elif isinstance(error, HearthError):
            failed(error)
        else:
            assert isinstance(error, BaseException)
            raise error


def _ignore(_error: HearthError) -> None:
    return None


def _stop_thread(thread: QThread, *_args: object) -> None:
    with contextlib.suppress(RuntimeError):  # the QThread itself is already gone
        thread.quit()
        thread.wait()
