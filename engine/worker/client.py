"""The caller's side of the inference worker: start it, talk to it, survive its death.

``EngineClient`` owns one spawned worker process. Requests are served one at a time; each
call returns (or yields) the worker's events. If the worker dies — a segfault in llama.cpp,
an abort, the OOM killer, a SIGKILL — the current call ends with a ``Failed(kind="crash")``
event as soon as the process is gone (the client waits on the process sentinel, so this takes
milliseconds, not a timeout), nothing on the caller's side is lost, and the next request starts
a fresh worker and reloads the last model.

The GUI runs these generators on a background thread and turns the events into signals; the
CLI and the tests iterate them directly.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from engine.chat.messages import ChatMessage
from engine.chat.sampling import SamplingParams
from engine.chat.template import PromptFormatRequired
from engine.errors import HearthError, WorkerCrashedError, WorkerProtocolError
from engine.worker import protocol as p
from engine.worker.server import worker_main

_POLL_S = 0.25
_LOG_TAIL_BYTES = 4000


def describe_exit(exitcode: int | None) -> str:
    if exitcode is None:
        return "stopped responding"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if name == "SIGKILL":
            return "was killed (SIGKILL — often the system running out of memory)"
        if name in {"SIGSEGV", "SIGBUS", "SIGILL", "SIGABRT", "SIGFPE"}:
            return f"crashed inside llama.cpp ({name})"
        return f"was stopped by {name}"
    return f"exited with status {exitcode}"


class EngineClient:
    """A handle on the inference worker process. Not thread-safe except ``cancel()``."""

    def __init__(self, log_path: Path | None = None) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self._log_path = log_path
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._cancel: Any = self._ctx.Event()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._config: p.ModelConfig | None = None
        self.model_info: p.ModelInfo | None = None
        self.restarts = 0
        self._started_once = False

    # ------------------------------------------------------------------ lifecycle

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def _start(self) -> None:
        parent, child = self._ctx.Pipe(duplex=True)
        log = str(self._log_path) if self._log_path else None
        process = self._ctx.Process(
            target=worker_main, args=(child, self._cancel, log), name="hearth-worker", daemon=True
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent

    def _ensure_started(self) -> Iterator[p.Event]:
        """Start a worker if none is running and reload the last model into it."""
        if self.alive:
            return
        if self._started_once:
            self.restarts += 1
        self._started_once = True
        self._discard()
        self._start()
        if self._config is not None:
            yield from self._exchange(p.LoadModel(next(self._ids), self._config))

    def _discard(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._process is not None:
            self._process.join(timeout=0)
        self._process, self._conn = None, None
        self.model_info = None

    def close(self, timeout: float = 5.0) -> None:
        """Ask the worker to exit; kill it if it does not."""
        with self._lock:
            process, conn = self._process, self._conn
            if process is None or conn is None:
                return
            self._cancel.set()
            with contextlib.suppress(OSError):
                conn.send(p.Shutdown())
            process.join(timeout)
            if process.is_alive():
                process.kill()
                process.join(timeout)
            self._discard()

    def kill(self) -> None:
        """SIGKILL the worker (used by tests and by "force stop")."""
        if self._process is not None and self._process.pid is not None:
            os.kill(self._process.pid, signal.SIGKILL)

    def __enter__(self) -> EngineClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ plumbing

    def _crash_event(self, request_id: int) -> p.Failed:
        assert self._process is not None
        self._process.join(timeout=1.0)
        how = describe_exit(self._process.exitcode)
        details = self._log_tail()
        self._discard()
        return p.Failed(
            request_id,
            "crash",
            f"The inference worker {how}. Your conversation is safe; "
            "the next request starts a fresh worker.",
            details,
        )

    def _log_tail(self) -> str:
        if self._log_path is None or not self._log_path.exists():
            return ""
        with self._log_path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - _LOG_TAIL_BYTES))
            return handle.read().decode("utf-8", "replace")

    def _exchange(self, request: p.Request) -> Iterator[p.Event]:
        """Send one request and yield its events up to and including the terminal one."""
        assert self._conn is not None and self._process is not None
        rid = getattr(request, "request_id", 0)
        try:
            self._conn.send(request)
        except OSError:
            yield self._crash_event(rid)
            return
        yield from self._receive(rid)

    def _receive(self, rid: int) -> Iterator[p.Event]:
        """The events of request ``rid`` up to its terminal one; a worker that dies meanwhile
        ends them with a crash event (and is discarded)."""
        assert self._conn is not None and self._process is not None
        while True:
            ready = wait([self._conn, self._process.sentinel], timeout=_POLL_S)
            if self._conn in ready:
                try:
                    event = self._conn.recv()
                except (EOFError, OSError):
                    yield self._crash_event(rid)
                    return
                if getattr(event, "request_id", rid) != rid:
                    raise WorkerProtocolError(f"event for request {event.request_id}, not {rid}")
                if isinstance(event, p.Loaded):
                    self.model_info = event.info
                yield event
                if isinstance(event, p.TERMINAL_EVENTS):
                    return
            elif self._process.sentinel in ready:
                yield self._crash_event(rid)
                return

    def _request(self, make: Any) -> Iterator[p.Event]:
        """Run one request (``make(request_id)``) with crash recovery and early-exit safety.

        The terminal event is yielded after the request is over, so a caller that stops
        iterating at ``Done`` leaves the client free for the next request.
        """
        final: p.Event | None = None
        with self._lock:
            self._cancel.clear()
            for event in self._ensure_started():
                if isinstance(event, p.Failed):
                    final = event
                    break
            if final is None:
                request = make(next(self._ids))
                try:
                    for event in self._exchange(request):
                        if isinstance(event, p.TERMINAL_EVENTS):
                            final = event
                            break
                        yield event
                finally:
                    if final is None and self.alive:
                        # The caller stopped listening: cancel and drain to stay in step.
                        self._cancel.set()
                        for _ in self._receive(request.request_id):
                            pass
        if final is not None:
            yield final

    # ------------------------------------------------------------------ requests

    def load(self, config: p.ModelConfig) -> p.ModelInfo:
        """Load a model (replacing the current one). Raises HearthError on a bad model."""
        self._config = config
        events = list(self._request(lambda rid: p.LoadModel(rid, config)))
        for event in events:
            if isinstance(event, p.Loaded):
                return event.info
        failure = events[-1]
        assert isinstance(failure, p.Failed)
        self._config = None  # never auto-reload a model that failed to load
        if failure.kind == "crash":
            raise WorkerCrashedError(failure.message + self._detail_hint(failure))
        if failure.code == PromptFormatRequired.code:
            raise PromptFormatRequired(failure.message)
        raise HearthError(failure.message)

    @staticmethod
    def _detail_hint(failure: p.Failed) -> str:
        return "" if not failure.details else "\n" + failure.details.strip().splitlines()[-1]

    def chat(
        self,
        messages: Sequence[ChatMessage],
        sampling: SamplingParams,
        *,
        max_tokens: int = 1024,
        reuse_cache: bool = True,
        continue_answer: bool = False,
        probe: bool = False,
    ) -> Iterator[p.Event]:
        """Stream one answer: Progress*, Token*, then Done or Failed.

        With ``continue_answer`` the messages end with an unfinished answer, which the model
        continues (the new text is what comes after it).
        """
        return self._request(
            lambda rid: p.Chat(
                rid,
                tuple(messages),
                sampling,
                max_tokens,
                reuse_cache,
                continue_answer,
                probe,
            )
        )

    def complete(
        self, text: str, sampling: SamplingParams, *, max_tokens: int = 256
    ) -> Iterator[p.Event]:
        """Stream the continuation of raw text (no chat template): Token*, then Done/Failed."""
        return self._request(lambda rid: p.Complete(rid, text, sampling, max_tokens))

    def cancel(self) -> None:
        """Stop the current generation (or prefill) within one token. Thread-safe."""
        self._cancel.set()

    def tokenize(self, text: str, *, add_bos: bool = False, special: bool = True) -> list[int]:
        for event in self._request(lambda rid: p.Tokenize(rid, text, add_bos, special)):
            if isinstance(event, p.Done):
                return list(event.payload)
            if isinstance(event, p.Failed):
                raise HearthError(event.message)
        raise WorkerProtocolError("tokenize ended without a result")

    def stats(self) -> p.StatsReport:
        for event in self._request(p.GetStats):
            if isinstance(event, p.StatsReport):
                return event
            if isinstance(event, p.Failed):
                raise HearthError(event.message)
        raise WorkerProtocolError("stats ended without a result")

    def unload(self) -> None:
        self._config = None
        if self.alive:
            for event in self._request(p.Unload):
                if isinstance(event, p.Failed):
                    raise HearthError(event.message)
