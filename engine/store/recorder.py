"""Saving an answer while it streams: throttled, incremental, crash-safe.

The assistant row is committed with ``status = 'streaming'`` before the first token; the text
is then written at most every ``flush_interval`` seconds (one small transaction each), and
``finish`` commits the final text, status and stats together. If the process dies, the last
flushed text survives and the next open marks the row 'interrupted'.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from types import TracebackType

from engine.errors import Cancelled, HearthError
from engine.store.conversations import touch
from engine.store.database import Database
from engine.store.errors import StoreError
from engine.store.records import (
    FINAL_STATUSES,
    GenerationStats,
    Message,
    MessageStatus,
    clean_text,
    now_ms,
)
from engine.store.rows import fetch_message, stats_columns

FLUSH_INTERVAL = 0.25
"""Seconds between incremental saves of a streaming answer."""


class AnswerRecorder:
    """Collects streamed text for one assistant message and saves it as it grows.

    ``append`` never raises for a storage problem (a full disk must not stop the answer on
    screen): it keeps the text in memory, records the error in ``save_error`` and retries at
    the next interval. ``finish`` does raise ``StoreError`` if the final save fails, and may be
    called again once the problem is fixed. Safe to call from several threads.
    """

    def __init__(
        self,
        db: Database,
        message: Message,
        *,
        flush_interval: float = FLUSH_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self.message_id = message.id
        self.conversation_id = message.conversation_id
        self.parent_id = message.parent_id
        self.flush_interval = flush_interval
        self._clock = clock
        self._parts: list[str] = [message.content] if message.content else []
        self._dirty = False
        self._last_flush = clock()
        self._lock = threading.Lock()
        self.flushes = 0
        """How many incremental saves succeeded (for tests and benchmarks)."""
        self.save_error: StoreError | None = None
        """The last storage error of an incremental save, cleared by the next success."""
        self.discarded = False
        """True when the message was deleted while streaming; nothing more is written."""
        self.finished = False

    @property
    def text(self) -> str:
        with self._lock:
            return "".join(self._parts)

    def append(self, text: str) -> None:
        """Add streamed text; saved once ``flush_interval`` has passed since the last save."""
        if not text:
            return
        with self._lock:
            if self.finished:
                raise RuntimeError("append after finish")
            self._parts.append(text)
            self._dirty = True
            if self._clock() - self._last_flush >= self.flush_interval:
                self._flush_locked()

    def flush(self) -> bool:
        """Save the text now; False if the save failed (see ``save_error``)."""
        with self._lock:
            return self._flush_locked()

    def _flush_locked(self) -> bool:
        if not self._dirty or self.discarded or self.finished:
            return True
        content = clean_text("".join(self._parts))
        self._parts = [content]
        self._last_flush = self._clock()
        try:
            with self._db.write("save the answer") as connection:
                connection.execute(
                    "UPDATE messages SET content = ?, updated_at = ? "
                    "WHERE id = ? AND status = 'streaming'",
                    (content, now_ms(), self.message_id),
                )
                if connection.changes() == 0:
                    self.discarded = True
        except StoreError as exc:
            self.save_error = exc
            return False
        self._dirty = False
        self.save_error = None
        self.flushes += 1
        return True

    def finish(
        self,
        status: MessageStatus = "complete",
        stats: GenerationStats | None = None,
        error: str | None = None,
    ) -> Message | None:
        """Commit the final text with its status and stats; returns the saved message, or None
        if it was deleted meanwhile. Raises ``StoreError`` if it cannot be saved (retry later).
        """
        if status not in FINAL_STATUSES:
            raise ValueError(f"a finished answer cannot be {status!r}")
        with self._lock:
            if self.finished:
                raise RuntimeError("finish called twice")
            content = clean_text("".join(self._parts))
            self._parts = [content]
            when = now_ms()
            with self._db.write("save the answer") as connection:
                connection.execute(
                    """
                    UPDATE messages SET content = ?, status = ?, error = ?, writer = NULL,
                        prompt_tokens = ?, completion_tokens = ?, first_token_ms = ?,
                        generation_ms = ?, stats_json = ?, updated_at = ?
                    WHERE id = ?
                    """,
                    (content, status, error, *stats_columns(stats), when, self.message_id),
                )
                if connection.changes() == 0:
                    message = None
                else:
                    touch(connection, self.conversation_id, when)
                    message = fetch_message(connection, self.message_id)
            self.finished = True
            self.discarded = message is None
            self._dirty = False
            self.save_error = None
            return message

    def __enter__(self) -> AnswerRecorder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.finished:
            return
        if exc is None:
            self.finish("complete")
            return
        if isinstance(exc, Cancelled):
            status: MessageStatus = "cancelled"
            detail = None
        elif isinstance(exc, KeyboardInterrupt):
            status, detail = "interrupted", None
        else:
            status = "error"
            detail = str(exc) if isinstance(exc, HearthError) else type(exc).__name__
        # If even this fails the row stays 'streaming' and the next open marks it 'interrupted'.
        with contextlib.suppress(StoreError):
            self.finish(status, error=detail)
