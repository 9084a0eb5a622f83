"""Runs catalogue downloads off the GUI thread, one model at a time, and reports them as
signals. Owned by the main window, so a download goes on while the model manager is closed.

Pause stops the transfer and keeps the partial file (``<name>.part``); Download again resumes
it with an HTTP Range request, also after a restart. Cancel stops it and deletes the part.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.engine_bridge import EngineJob
from engine.errors import Cancelled
from engine.model.download_catalog import DownloadableModel
from engine.model.downloader import (
    Downloader,
    DownloadFinished,
    DownloadProgress,
    DownloadStarted,
    DownloadVerifying,
)
from engine.worker import protocol as p


@dataclass(frozen=True)
class _Stopped:
    """The transfer stopped because the user paused or cancelled it."""


class DownloadController(QObject):
    """Signals (all on the GUI thread):

    * ``progress(model_id, done, total)`` — bytes of all the model's files;
    * ``verifying(model_id)`` — the SHA-256 check of a finished file;
    * ``finished(model_id, paths)`` — every file verified and in the models folder;
    * ``stopped(model_id, discarded)`` — paused (part kept) or cancelled (part deleted);
    * ``failed(model_id, message)`` — one human sentence (no space, 404, hash mismatch…).
    """

    progress = Signal(str, object, object)
    verifying = Signal(str)
    finished = Signal(str, object)
    stopped = Signal(str, bool)
    failed = Signal(str, str)

    def __init__(
        self, make_downloader: Callable[[], Downloader], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._make_downloader = make_downloader
        self._job: EngineJob | None = None
        self._stop = threading.Event()
        self._discard = False
        self.active: DownloadableModel | None = None
        self.done = 0
        self.total = 0
        self._paths: list[Path] = []
        self._current_total: dict[str, int] = {}
        self._failure: str | None = None
        self._was_stopped = False

    def downloader(self) -> Downloader:
        return self._make_downloader()

    @property
    def running(self) -> bool:
        return self._job is not None

    def start(self, model: DownloadableModel) -> bool:
        """Begin (or resume) downloading every file of ``model``. False if one is running."""
        if self._job is not None:
            return False
        downloader = self._make_downloader()
        self.active = model
        self._stop.clear()
        self._discard = False
        self.total = model.total_size
        self.done = sum(downloader.partial_bytes(f) for f in model.files)
        stop = self._stop

        def work() -> Iterator[object]:
            try:
                for file in model.files:
                    yield from downloader.download(file, cancelled=stop.is_set)
            except Cancelled:
                yield _Stopped()

        job = EngineJob(work, self)
        job.produced.connect(self._on_event)
        job.failed.connect(self._on_failed)
        job.finished.connect(self._on_finished)
        self._job = job
        self._paths = []
        self._current_total = {f.target_name: f.size for f in model.files}
        self._failure = None
        self._was_stopped = False
        job.start()
        return True

    def pause(self) -> None:
        self._stop.set()

    def cancel(self, model: DownloadableModel | None = None) -> None:
        """Stop the running download and delete its part; or, with ``model`` not running,
        delete that model's paused parts."""
        if self._job is not None and (model is None or model == self.active):
            self._discard = True
            self._stop.set()
            return
        if model is not None:
            downloader = self._make_downloader()
            for file in model.files:
                downloader.discard(file)
            self.stopped.emit(model.id, True)

    def wait(self, msecs: int = 30000) -> bool:
        return self._job.wait(msecs) if self._job is not None else True

    def shutdown(self) -> None:
        """Pause a running download (its part is kept for next time) and wait for it."""
        self._stop.set()
        self.wait()

    # ------------------------------------------------------------------ events

    def _on_event(self, event: object) -> None:
        model = self.active
        if model is None:
            return
        if isinstance(event, DownloadStarted):
            self._current_total[event.file] = event.total
        elif isinstance(event, DownloadProgress):
            finished = sum(
                self._current_total[f.target_name] for f in model.files[: self._file_index()]
            )
            self.total = sum(self._current_total.values())
            self.done = finished + event.done
            self.progress.emit(model.id, self.done, self.total)
        elif isinstance(event, DownloadVerifying):
            self.verifying.emit(model.id)
        elif isinstance(event, DownloadFinished):
            self._paths.append(event.path)
            self._current_total[event.file] = event.size
        elif isinstance(event, _Stopped):
            self._was_stopped = True

    def _file_index(self) -> int:
        return len(self._paths)

    def _on_failed(self, failure: object) -> None:
        assert isinstance(failure, p.Failed)
        if failure.kind == "bug":
            raise RuntimeError(failure.details or failure.message)
        self._failure = failure.message  # reported once the job is over

    def _on_finished(self) -> None:
        model = self.active
        job = self._job
        self._job = None
        self.active = None
        if job is not None:
            job.deleteLater()
        if model is None:
            return
        if self._failure is not None:
            self.failed.emit(model.id, self._failure)
            return
        if self._was_stopped:
            if self._discard:
                downloader = self._make_downloader()
                for file in model.files:
                    downloader.discard(file)
            self.stopped.emit(model.id, self._discard)
            return
        self.finished.emit(model.id, list(self._paths))
