"""The inference worker process: one model, one owner, driven by requests over a pipe.

Started with the ``spawn`` method by ``engine.worker.client.EngineClient``. A native crash
here (a hostile model file, an abort inside llama.cpp, the OOM killer) ends only this process;
the client notices at once and reports it. The worker's stderr (llama.cpp's log and
faulthandler's dump of a native crash) goes to a log file the client can quote.
"""

from __future__ import annotations

import faulthandler
import os
import resource
import sys
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from engine.errors import Cancelled, HearthError
from engine.worker import protocol as p


def _redirect_stderr(log_path: str | None) -> Any:
    if not log_path:
        return None
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "a", buffering=1, encoding="utf-8", errors="replace")  # noqa: SIM115
    os.dup2(log.fileno(), 2)
    sys.stderr = log
    faulthandler.enable(log, all_threads=True)
    return log


class _Worker:
    def __init__(self, conn: Connection, cancel: Any) -> None:
        self.conn = conn
        self.cancel = cancel
        self.model: Any = None  # engine.worker.runtime.LoadedModel, imported lazily

    def send(self, event: p.Event) -> None:
        self.conn.send(event)

    def handle(self, request: p.Request) -> bool:
        """Serve one request; False means shut down."""
        if isinstance(request, p.Shutdown):
            return False
        try:
            self._dispatch(request)
        except Cancelled:
            self.send(p.Done(request.request_id))
        except HearthError as exc:
            self.send(p.Failed(request.request_id, "environment", str(exc), code=exc.code))
        except Exception as exc:  # our bug: report with the traceback, keep serving
            self.send(
                p.Failed(
                    request.request_id,
                    "bug",
                    f"Internal error in the inference worker: {type(exc).__name__}: {exc}",
                    traceback.format_exc(),
                )
            )
        return True

    def _dispatch(self, request: p.Request) -> None:
        if isinstance(request, p.LoadModel):
            self._load(request)
        elif isinstance(request, p.Chat):
            self._chat(request)
        elif isinstance(request, p.Complete):
            self._complete(request)
        elif isinstance(request, p.Tokenize):
            ids = self._require_model().tokenize(
                request.text, add_bos=request.add_bos, special=request.special
            )
            self.send(p.Done(request.request_id, payload=tuple(ids)))
        elif isinstance(request, p.GetStats):
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            model = self.model
            if model is None:
                self.send(p.StatsReport(request.request_id, None, rss, 0))
                return
            self.send(
                p.StatsReport(
                    request.request_id,
                    model.info,
                    rss,
                    len(model.held_tokens),
                    len(model.checkpoints),
                    model.checkpoints.bytes_held,
                    model.conversations.bytes_held,
                )
            )
        elif isinstance(request, p.Unload):
            self._unload()
            self.send(p.Done(request.request_id))
        else:  # pragma: no cover - protocol mismatch is a bug
            raise TypeError(f"unknown request {request!r}")

    def _require_model(self) -> Any:
        if self.model is None:
            raise HearthError("No model is loaded.")
        return self.model

    def _unload(self) -> None:
        if self.model is not None:
            self.model.close()
            self.model = None

    def _load(self, request: p.LoadModel) -> None:
        from engine.worker.runtime import LoadedModel

        self._unload()
        self.model = LoadedModel(request.config)
        self.send(p.Loaded(request.request_id, self.model.info))

    def _chat(self, request: p.Chat) -> None:
        model = self._require_model()
        rid = request.request_id

        def on_token(text: str, token_id: int) -> None:
            self.send(p.Token(rid, text, token_id))

        def on_progress(phase: str, done: int, total: int) -> None:
            self.send(p.Progress(rid, phase, done, total))

        result = model.chat(
            request.messages,
            request.sampling,
            max_tokens=request.max_tokens,
            cancel=self.cancel,
            on_token=on_token,
            on_progress=on_progress,
            reuse_cache=request.reuse_cache,
            continue_answer=request.continue_answer,
            probe=request.probe,
        )
        self.send(p.Done(rid, result.text, result.stats, result.token_ids, result.probe))

    def _complete(self, request: p.Complete) -> None:
        model = self._require_model()
        rid = request.request_id

        def on_token(text: str, token_id: int) -> None:
            self.send(p.Token(rid, text, token_id))

        def on_progress(phase: str, done: int, total: int) -> None:
            self.send(p.Progress(rid, phase, done, total))

        result = model.complete(
            request.text,
            request.sampling,
            max_tokens=request.max_tokens,
            cancel=self.cancel,
            on_token=on_token,
            on_progress=on_progress,
        )
        self.send(p.Done(rid, result.text, result.stats, result.token_ids))


# The worker yields the CPU to the window: on a 2-core laptop llama.cpp's threads otherwise
# preempt the GUI thread (and the display server) mid-paint. Costs nothing while nothing else
# runs (hearth-cli bench: generation ratio 1.01 at nice 10). Measured with
# packaging/bench_ui.py: nice 5 gave stalls up to 20-27 ms, nice 10 stays under 15 ms.
WORKER_NICENESS = 10


def worker_main(conn: Connection, cancel: Any, log_path: str | None) -> None:
    """Entry point of the spawned worker process."""
    from engine.netguard import apply_env_fence, network_forbidden_by_env

    apply_env_fence()
    log = _redirect_stderr(log_path)
    if network_forbidden_by_env():
        print("hearth-worker: network sockets are blocked (HEARTH_NO_NETWORK)", file=sys.stderr)
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    worker = _Worker(conn, cancel)
    try:
        while True:
            try:
                request = conn.recv()
            except (EOFError, OSError):
                break  # the client is gone
            if not worker.handle(request):
                break
    except (BrokenPipeError, EOFError, OSError):
        pass  # the client went away mid-answer
    finally:
        worker._unload()
        if log is not None:
            log.flush()
