"""One queue in front of the one inference worker.

HTTP handlers run on the server's event loop; the worker client is blocking and serves one
request at a time. ``WorkerGate`` owns the client and one thread that takes jobs in the order
they arrived. Each job's events are handed back to the event loop through the ticket.

* Bounded: past ``max_waiting`` jobs waiting, ``submit`` raises ``QueueFull`` with a
  Retry-After estimate (recent job durations times the queue ahead).
* Cancel: ``Ticket.cancel()`` (a client that went away) drops a waiting job, or stops the
  running one within a token through the client's cancel flag. Only the gate's thread uses
  the client, so the cancel always reaches the job it was meant for; a cancel that lands before
  the client's request began is repeated at the job's first event.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import math
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from engine.errors import HearthError
from engine.worker import protocol as p
from engine.worker.client import EngineClient

Work = Callable[[EngineClient], Iterator[p.Event]]
TicketState = Literal["waiting", "running", "done"]

_RECENT_JOBS = 8
_DEFAULT_JOB_S = 5.0


class QueueFull(Exception):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"the queue is full; retry after {retry_after_s} s")
        self.retry_after_s = retry_after_s


@dataclass
class JobRecord:
    """What happened to one job (kept for diagnostics: tests, ``/hearth/queue``)."""

    label: str
    outcome: str  # "done", "cancelled-waiting", "failed"
    worker_finish: str | None = None  # the worker's finish_reason, when it answered
    stats: p.GenerationStats | None = None
    cancel_requested: bool = False
    waited_s: float = 0.0
    ran_s: float = 0.0


class Ticket:
    """One submitted job, as seen from the event loop."""

    def __init__(self, work: Work, label: str, loop: asyncio.AbstractEventLoop) -> None:
        self.work = work
        self.label = label
        self.state: TicketState = "waiting"
        self.cancel_requested = False
        self.submitted = time.monotonic()
        self._loop = loop
        self._events: asyncio.Queue[p.Event | None] = asyncio.Queue()
        self._gate: WorkerGate | None = None

    def _push(self, event: p.Event | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is listening
            self._loop.call_soon_threadsafe(self._events.put_nowait, event)

    async def events(self) -> collections.abc.AsyncIterator[p.Event]:
        """The job's events; ends after the terminal one (or at once for a dropped job)."""
        while True:
            event = await self._events.get()
            if event is None:
                return
            yield event

    def cancel(self) -> None:
        """The client is gone: drop the job if waiting, stop it if running. Idempotent."""
        if self._gate is not None:
            self._gate._cancel(self)


@dataclass
class GateStatus:
    waiting: int
    running: str | None
    served: int
    records: list[JobRecord] = field(default_factory=list)


class WorkerGate:
    """Serialises access to ``client``; start with ``start()``, stop with ``close()``."""

    def __init__(self, client: EngineClient, *, max_waiting: int = 8) -> None:
        self.client = client
        self.max_waiting = max_waiting
        self._lock = threading.Condition()
        self._waiting: collections.deque[Ticket] = collections.deque()
        self._running: Ticket | None = None
        self._durations: collections.deque[float] = collections.deque(maxlen=_RECENT_JOBS)
        self._records: collections.deque[JobRecord] = collections.deque(maxlen=64)
        self._served = 0
        self._closed = False
        self._thread = threading.Thread(target=self._serve, name="hearth-api-gate", daemon=True)

    def start(self) -> WorkerGate:
        self._thread.start()
        return self

    def close(self, timeout: float = 10.0) -> None:
        with self._lock:
            self._closed = True
            dropped = list(self._waiting)
            self._waiting.clear()
            if self._running is not None:
                self._running.cancel_requested = True
                self.client.cancel()
            self._lock.notify_all()
        for ticket in dropped:
            ticket._push(None)
        if self._thread.is_alive():
            self._thread.join(timeout)

    # ------------------------------------------------------------------ event-loop side

    def submit(self, work: Work, label: str = "job") -> Ticket:
        """Queue ``work(client)``; raises ``QueueFull`` past the bound."""
        ticket = Ticket(work, label, asyncio.get_running_loop())
        with self._lock:
            if self._closed:
                raise QueueFull(1)
            if len(self._waiting) >= self.max_waiting:
                raise QueueFull(self._retry_after())
            ticket._gate = self
            self._waiting.append(ticket)
            self._lock.notify_all()
        return ticket

    def _retry_after(self) -> int:
        per_job = sum(self._durations) / len(self._durations) if self._durations else 0.0
        ahead = len(self._waiting) + (1 if self._running is not None else 0)
        return max(1, math.ceil((per_job or _DEFAULT_JOB_S) * ahead))

    def _cancel(self, ticket: Ticket) -> None:
        dropped = False
        with self._lock:
            if ticket.state == "done" or ticket.cancel_requested:
                return
            ticket.cancel_requested = True
            if ticket.state == "waiting":
                with contextlib.suppress(ValueError):
                    self._waiting.remove(ticket)
                    dropped = True
                ticket.state = "done"
            elif ticket is self._running:
                self.client.cancel()
        if dropped:
            self._records.append(
                JobRecord(ticket.label, "cancelled-waiting", cancel_requested=True)
            )
            ticket._push(None)

    def status(self) -> GateStatus:
        with self._lock:
            return GateStatus(
                waiting=len(self._waiting),
                running=self._running.label if self._running is not None else None,
                served=self._served,
                records=list(self._records),
            )

    # ------------------------------------------------------------------ the gate's thread

    def _serve(self) -> None:
        while True:
            with self._lock:
                while not self._waiting and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                ticket = self._waiting.popleft()
                ticket.state = "running"
                self._running = ticket
            self._run(ticket)

    def _run(self, ticket: Ticket) -> None:
        started = time.monotonic()
        record = JobRecord(ticket.label, "failed", waited_s=started - ticket.submitted)
        try:
            for event in ticket.work(self.client):
                if ticket.cancel_requested:
                    self.client.cancel()  # a cancel that came before the request began
                if isinstance(event, p.Done):
                    record.outcome = "done"
                    record.stats = event.stats
                    record.worker_finish = event.stats.finish_reason if event.stats else "cancelled"
                ticket._push(event)
        except HearthError as exc:
            ticket._push(p.Failed(0, "environment", str(exc)))
        except Exception as exc:  # our bug: the HTTP side reports it as a 500
            ticket._push(p.Failed(0, "bug", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
        finally:
            ran = time.monotonic() - started
            with self._lock:
                ticket.state = "done"
                self._running = None
                self._served += 1
                self._durations.append(ran)
                record.ran_s = ran
                record.cancel_requested = ticket.cancel_requested
                self._records.append(record)
            ticket._push(None)
