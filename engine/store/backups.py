"""Backups of a live WAL database, made only with SQLite's own tools (never a file copy).

``VACUUM INTO`` (compact, no free pages) or the online backup API write a private
``*.partial`` file that is checked, fsynced and renamed into place, so a backup is either
complete and sound or absent. Automatic backups live in ``<data>/backups`` and are pruned to
the newest few; deleting a conversation also purges it from them.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import apsw

from engine.store.database import connect
from engine.store.errors import StoreError, friendly_errors
from engine.store.files import (
    PRIVATE_FILE_MODE,
    ensure_private_dir,
    fsync_dir,
    make_private,
    temp_sibling,
    unique_path,
)

BACKUP_SUFFIX = ".sqlite3"
_NAME = re.compile(r"^hearth-(\d{8}-\d{6})(?:-[\w-]*)?\.sqlite3$")

BackupMethod = Literal["vacuum", "api"]


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime
    size: int


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_backup(source: apsw.Connection, destination: Path, method: BackupMethod) -> BackupInfo:
    """Back up the database behind ``source`` (any connection; a reader is best) to a new file.

    The result is a plain rollback-journal database (no -wal), checked with quick_check.
    """
    if destination.exists():
        raise StoreError(f"Will not overwrite the existing file {destination}.")
    ensure_private_dir(destination.parent)
    partial = temp_sibling(destination)
    where = destination.parent
    try:
        with friendly_errors(where, "write the backup"):
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
            os.close(fd)
            if method == "vacuum":
                os.unlink(partial)  # VACUUM INTO wants to create the file itself
                source.execute("VACUUM INTO ?", (str(partial),))
                make_private(partial)
            else:
                target = connect(partial, writable=True)
                try:
                    with target.backup("main", source, "main") as step:
                        step.step(-1)
                finally:
                    target.close()
            target = connect(partial, writable=True)
            try:
                target.pragma("journal_mode", "delete")
                rows = target.execute("PRAGMA quick_check").fetchall()
            finally:
                target.close()
            if [str(row[0]) for row in rows] != ["ok"]:
                raise StoreError("The backup did not pass SQLite's check; nothing was saved.")
            _fsync_file(partial)
            os.replace(partial, destination)
            fsync_dir(destination.parent)
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
        for suffix in ("-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                partial.with_name(partial.name + suffix).unlink()
    return BackupInfo(destination, datetime.now(tz=UTC), destination.stat().st_size)


def backup_name(directory: Path, reason: str = "") -> Path:
    stamp = datetime.now(tz=UTC).strftime("%Y%m%d-%H%M%S")
    stem = f"hearth-{stamp}" + (f"-{reason}" if reason else "")
    return unique_path(directory, stem, BACKUP_SUFFIX)


def list_backups(directory: Path) -> list[BackupInfo]:
    """Automatic and manual backups in ``directory``, newest first."""
    found: list[BackupInfo] = []
    if not directory.is_dir():
        return found
    for path in directory.iterdir():
        match = _NAME.match(path.name)
        if not match or not path.is_file():
            continue
        created = datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
        found.append(BackupInfo(path, created, path.stat().st_size))
    found.sort(key=lambda info: (info.created_at, info.path.stat().st_mtime), reverse=True)
    return found


def remove_stale_partials(directory: Path, grace_seconds: float = 600.0) -> int:
    """Delete unfinished backups (``.*.partial`` left by a crash) older than the grace time."""
    if not directory.is_dir():
        return 0
    cutoff = time.time() - grace_seconds
    removed = 0
    for path in directory.glob(".*.partial*"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
    return removed


def prune_backups(directory: Path, keep: int) -> list[Path]:
    removed: list[Path] = []
    for info in list_backups(directory)[keep:]:
        with contextlib.suppress(OSError):
            info.path.unlink()
            removed.append(info.path)
    return removed


@contextlib.contextmanager
def _open_backup(path: Path) -> Iterator[apsw.Connection]:
    connection = connect(path, writable=True)
    try:
        connection.pragma("foreign_keys", 1)
        connection.pragma("secure_delete", 1)
        yield connection
    finally:
        connection.close()


def purge_conversation(path: Path, conversation_uid: str) -> bool:
    """Remove one conversation (text, search index entries, orphaned blob rows and summaries)
    from a backup file; True if it was there. Free pages are zeroed (secure_delete)."""
    with _open_backup(path) as connection:
        row = connection.execute(
            "SELECT id FROM conversations WHERE uid = ?", (conversation_uid,)
        ).fetchone()
        if row is None:
            return False
        connection.execute("BEGIN IMMEDIATE")
        try:
            delete_conversation_rows(connection, int(row[0]))
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    return True


def purge_branch(path: Path, conversation_uid: str, message_id: int) -> bool:
    """Remove a message and its replies from a backup (ids are preserved in backups)."""
    with _open_backup(path) as connection:
        row = connection.execute(
            "SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id "
            "WHERE m.id = ? AND c.uid = ?",
            (message_id, conversation_uid),
        ).fetchone()
        if row is None:
            return False
        connection.execute("BEGIN IMMEDIATE")
        try:
            shas = [
                str(r[0])
                for r in connection.execute(
                    _SUBTREE + "SELECT DISTINCT sha256 FROM attachments "
                    "WHERE message_id IN (SELECT id FROM sub)",
                    (message_id,),
                )
            ]
            connection.execute(
                "UPDATE conversations SET active_leaf_id = NULL WHERE active_leaf_id IN "
                "(" + _SUBTREE + "SELECT id FROM sub)",
                (message_id,),
            )
            connection.execute(
                _SUBTREE + "DELETE FROM attachments WHERE message_id IN (SELECT id FROM sub)",
                (message_id,),
            )
            connection.execute(
                _SUBTREE + "DELETE FROM messages WHERE id IN (SELECT id FROM sub)", (message_id,)
            )
            delete_orphan_blob_rows(connection, shas)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    return True


_SUBTREE = (
    "WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL "
    "SELECT m.id FROM messages m JOIN sub ON m.parent_id = sub.id) "
)


def delete_conversation_rows(connection: apsw.Connection, conversation_id: int) -> list[str]:
    """Delete a conversation's rows inside the caller's transaction.

    Returns the SHA-256 of blobs no longer referenced by anything (their rows and document
    summaries are deleted here; their files are the caller's to remove after commit).
    """
    shas = [
        str(row[0])
        for row in connection.execute(
            "SELECT DISTINCT a.sha256 FROM attachments a JOIN messages m ON m.id = a.message_id "
            "WHERE m.conversation_id = ?",
            (conversation_id,),
        )
    ]
    connection.execute(
        "UPDATE conversations SET active_leaf_id = NULL WHERE id = ?", (conversation_id,)
    )
    connection.execute(
        "DELETE FROM attachments WHERE message_id IN "
        "(SELECT id FROM messages WHERE conversation_id = ?)",
        (conversation_id,),
    )
    connection.execute("DELETE FROM messages WHERE conversation_id = ?", (conversation_id,))
    connection.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
    return delete_orphan_blob_rows(connection, shas)


def delete_orphan_blob_rows(connection: apsw.Connection, candidates: list[str]) -> list[str]:
    orphans: list[str] = []
    for sha in candidates:
        used = connection.execute("SELECT 1 FROM attachments WHERE sha256 = ? LIMIT 1", (sha,))
        if used.fetchone() is None:
            connection.execute("DELETE FROM blobs WHERE sha256 = ?", (sha,))
            connection.execute("DELETE FROM summaries WHERE document_sha256 = ?", (sha,))
            orphans.append(sha)
    return orphans
