"""The database file and its connections: one writer, per-thread readers.

All writes go through the single write connection, serialised by a lock and wrapped in
``BEGIN IMMEDIATE ... COMMIT`` (datasette's "one connection protects the writes" shape, with a
lock instead of a thread so errors reach the caller directly). Readers are per thread, read-only
(``query_only``) and never block the writer in WAL mode.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import apsw

from engine.store.errors import StoreReadOnlyError, StoreUnsuitableError, friendly_errors

BUSY_TIMEOUT_MS = 5_000
JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024

READ_ONLY_MESSAGE = (
    "This history was written by a newer version of Hearth, so it is open read-only; "
    "update Hearth to change it."
)


def _harden(connection: apsw.Connection) -> None:
    connection.config(apsw.SQLITE_DBCONFIG_DEFENSIVE, 1)
    connection.config(apsw.SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0)
    connection.config(apsw.SQLITE_DBCONFIG_DQS_DDL, 0)
    connection.config(apsw.SQLITE_DBCONFIG_DQS_DML, 0)
    connection.set_busy_timeout(BUSY_TIMEOUT_MS)
    connection.execute("PRAGMA trusted_schema = OFF")


def connect(path: Path, *, writable: bool) -> apsw.Connection:
    """A hardened connection (defensive mode, untrusted schema, busy timeout, no symlinks)."""
    if writable:
        flags = apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_CREATE
    else:
        flags = apsw.SQLITE_OPEN_READONLY
    flags |= apsw.SQLITE_OPEN_NOFOLLOW
    connection = apsw.Connection(str(path), flags=flags)
    try:
        _harden(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def configure_writer(connection: apsw.Connection) -> None:
    """WAL + synchronous=FULL + foreign keys + secure_delete, each one read back."""
    mode = str(connection.pragma("journal_mode", "wal")).lower()
    if mode != "wal":
        raise StoreUnsuitableError(
            "The folder holding your Hearth history does not support SQLite's write-ahead log "
            "(a network drive?); choose a local folder with --data-dir."
        )
    connection.pragma("synchronous", "FULL")
    connection.pragma("foreign_keys", 1)
    connection.pragma("secure_delete", 1)
    connection.pragma("journal_size_limit", JOURNAL_SIZE_LIMIT)
    connection.pragma("cell_size_check", 1)
    settings = pragma_settings(connection)
    expected = {"synchronous": 2, "foreign_keys": 1, "trusted_schema": 0, "secure_delete": 1}
    wrong = {k: v for k, v in expected.items() if settings[k] != v}
    if wrong or settings["busy_timeout"] <= 0:
        raise StoreUnsuitableError(
            f"SQLite refused Hearth's safety settings ({wrong or 'busy_timeout'}); "
            "reinstall the apsw package."
        )


def pragma_settings(connection: apsw.Connection) -> dict[str, Any]:
    """The PRAGMAs the store depends on, as SQLite reports them (for checks and diagnostics)."""
    names = (
        "journal_mode",
        "synchronous",
        "foreign_keys",
        "busy_timeout",
        "trusted_schema",
        "secure_delete",
        "user_version",
        "page_size",
        "page_count",
        "freelist_count",
    )
    return {name: connection.pragma(name) for name in names}


class Database:
    """The open history file: a lock-protected write connection plus per-thread readers."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._lock = threading.RLock()
        self._depth = 0
        self._local = threading.local()
        self._readers: list[apsw.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        self._writer: apsw.Connection | None = None
        if not read_only:
            with friendly_errors(path.parent, "open the history"):
                writer = connect(path, writable=True)
                try:
                    configure_writer(writer)
                except BaseException:
                    writer.close()
                    raise
            self._writer = writer

    # ---- Writes

    @contextlib.contextmanager
    def write(self, action: str = "save your history") -> Iterator[apsw.Connection]:
        """One transaction on the write connection; nested calls join the outer transaction.

        ``action`` completes "Could not ..." in the friendly error shown if it fails.
        """
        writer = self._require_writer()
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield writer
                finally:
                    self._depth -= 1
                return
            with friendly_errors(self.path.parent, action):
                writer.execute("BEGIN IMMEDIATE")
                self._depth = 1
                try:
                    yield writer
                    writer.execute("COMMIT")
                except BaseException:
                    if writer.in_transaction:
                        with contextlib.suppress(apsw.Error):
                            writer.execute("ROLLBACK")
                    raise
                finally:
                    self._depth = 0

    def _require_writer(self) -> apsw.Connection:
        if self._closed:
            raise RuntimeError("the store is closed")
        if self._writer is None:
            raise StoreReadOnlyError(READ_ONLY_MESSAGE)
        return self._writer

    @property
    def writer(self) -> apsw.Connection:
        """The write connection itself, for maintenance (migrations, checkpoints)."""
        return self._require_writer()

    @contextlib.contextmanager
    def maintenance(self, action: str) -> Iterator[apsw.Connection]:
        """The write connection under the lock, outside any transaction (VACUUM, checkpoint)."""
        writer = self._require_writer()
        with self._lock, friendly_errors(self.path.parent, action):
            if self._depth:
                raise RuntimeError("maintenance inside a transaction")
            yield writer

    def checkpoint_truncate(self, attempts: int = 5) -> bool:
        """Copy the WAL into the main file and truncate it to zero bytes; False if readers
        kept it from completing (their snapshot still needs the log)."""
        with self.maintenance("tidy the history file") as writer:
            for attempt in range(attempts):
                try:
                    writer.wal_checkpoint(mode=apsw.SQLITE_CHECKPOINT_TRUNCATE)
                except apsw.BusyError:
                    time.sleep(0.05 * (attempt + 1))
                    continue
                return True
        return False

    def set_max_pages(self, pages: int) -> None:
        """Cap the database size in pages (quotas and disk-full drills); 0 lifts the cap."""
        with self.maintenance("set the history size limit") as writer:
            writer.pragma("max_page_count", pages if pages > 0 else 0xFFFFFFFE)

    def pragma_settings(self) -> dict[str, Any]:
        """The write connection's safety PRAGMAs (a reader's when the store is read-only)."""
        if self._writer is not None:
            with self._lock, friendly_errors(self.path.parent, "read the history settings"):
                return pragma_settings(self._writer)
        with self.read("read the history settings") as connection:
            return pragma_settings(connection)

    # ---- Reads

    def _reader(self) -> apsw.Connection:
        if self._closed:
            raise RuntimeError("the store is closed")
        connection: apsw.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            with friendly_errors(self.path.parent, "open the history"):
                connection = connect(self.path, writable=False)
                connection.pragma("query_only", 1)
            with self._readers_lock:
                self._readers.append(connection)
            self._local.connection = connection
        return connection

    @contextlib.contextmanager
    def read(self, action: str = "read your history") -> Iterator[apsw.Connection]:
        """This thread's read connection inside one read transaction (a consistent snapshot)."""
        connection = self._reader()
        depth: int = getattr(self._local, "depth", 0)
        with friendly_errors(self.path.parent, action):
            if depth:
                self._local.depth = depth + 1
                try:
                    yield connection
                finally:
                    self._local.depth = depth
                return
            connection.execute("BEGIN")
            self._local.depth = 1
            try:
                yield connection
            finally:
                self._local.depth = 0
                if connection.in_transaction:
                    with contextlib.suppress(apsw.Error):
                        connection.execute("COMMIT")

    # ---- Lifetime

    def close(self) -> None:
        if self._closed:
            return
        with self._lock:
            self._closed = True
            with self._readers_lock:
                readers, self._readers = self._readers, []
            for connection in readers:
                with contextlib.suppress(apsw.Error):
                    connection.close()
            if self._writer is not None:
                with contextlib.suppress(apsw.Error):
                    self._writer.close()
                self._writer = None

    @property
    def closed(self) -> bool:
        return self._closed
