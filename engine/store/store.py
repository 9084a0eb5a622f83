"""``HistoryStore``: the conversation store as one object, opened once per process.

Opening does, in order: check the SQLite runtime; make the data folder private; look at the
file read-only (quick_check) and, if it is damaged, move it to ``quarantine/`` and restore the
newest backup (or start empty); open it read-only if a newer Hearth wrote it; otherwise set up
the writer (WAL, synchronous=FULL, foreign keys, secure_delete), create or migrate the schema
(backup first), mark answers left 'streaming' by dead processes as 'interrupted', and remove
orphaned attachment files. What the user should hear about is in ``notices``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Literal

import apsw

from engine.paths import AppPaths, resolve_paths
from engine.store import search as search_module
from engine.store.backups import (
    BackupInfo,
    BackupMethod,
    backup_name,
    delete_conversation_rows,
    delete_orphan_blob_rows,
    list_backups,
    prune_backups,
    purge_branch,
    purge_conversation,
    remove_stale_partials,
    write_backup,
)
from engine.store.blobs import BlobStore
from engine.store.conversations import Conversations, fetch_conversation
from engine.store.database import READ_ONLY_MESSAGE, Database, connect
from engine.store.errors import StoreCorruptError, StoreError, friendly_errors
from engine.store.files import create_private_file, ensure_private_dir, make_private
from engine.store.integrity import (
    STAMP_NAME,
    FileCheck,
    check_file,
    full_check,
    quarantine,
    quick_check_due,
    record_quick_check,
    restore_newest_backup,
)
from engine.store.leases import (
    WriterLease,
    live_leases_exist,
    owner_is_alive,
    remove_stale_leases,
    stale_leases_exist,
)
from engine.store.messages import MessageTree
from engine.store.migrations import create_schema, pending_steps, run_step, user_version
from engine.store.records import DeleteReport, StoredBlob
from engine.store.rows import scalar
from engine.store.runtime import check_sqlite_runtime
from engine.store.schema import CURRENT_VERSION
from engine.store.search import SearchResults
from engine.store.summaries import Summaries

STORE_FILENAME = "hearth.sqlite3"
IntegrityPolicy = Literal["auto", "always", "never"]
KEEP_AUTOMATIC_BACKUPS = 5


@dataclass(frozen=True)
class StoreLayout:
    """Where each part of the store lives inside the data directory."""

    data_dir: Path

    @classmethod
    def from_paths(cls, paths: AppPaths) -> StoreLayout:
        return cls(paths.data_dir)

    @property
    def database(self) -> Path:
        return self.data_dir / STORE_FILENAME

    @property
    def attachments(self) -> Path:
        return self.data_dir / "attachments"

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"

    @property
    def quarantine(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def leases(self) -> Path:
        return self.data_dir / ".leases"

    @property
    def check_stamp(self) -> Path:
        return self.data_dir / STAMP_NAME


@dataclass
class OpenReport:
    """What happened while opening, for the UI and for tests."""

    notices: list[str] = field(default_factory=list)
    quarantined: Path | None = None
    restored_from: Path | None = None
    created: bool = False
    migrated_from: int | None = None
    migration_backup: Path | None = None
    recovered_messages: int = 0
    removed_orphans: int = 0
    quick_checked: bool = False
    """Whether the full quick_check ran during this open."""
    unclean_exit: bool = False
    """A previous Hearth process ended without closing the store."""


def _file_date(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")


class HistoryStore:
    """Conversations, messages, attachments, summaries, search, backups: all of the store."""

    def __init__(self, layout: StoreLayout, db: Database, report: OpenReport) -> None:
        self.layout = layout
        self.db = db
        self.report = report
        self.blobs = BlobStore(layout.attachments)
        self.conversations = Conversations(db)
        self.messages = MessageTree(db, self.blobs, self._writer_token)
        self.summaries = Summaries(db)
        self._lease: WriterLease | None = None

    # ---- Opening and closing

    @classmethod
    def open(
        cls,
        data_dir: AppPaths | str | os.PathLike[str] | None = None,
        *,
        read_only: bool = False,
        integrity: IntegrityPolicy = "auto",
    ) -> HistoryStore:
        """Open (creating, repairing or migrating as needed) the store in the data directory.

        ``data_dir``: an ``AppPaths``, a folder (``--data-dir``), or None for the default.
        ``integrity``: when to run the full ``quick_check`` before use: "auto" (small file,
        a day since the last one, or after a crash; see ``engine.store.integrity``),
        "always" or "never". Raises ``StoreError`` subclasses with a sentence for the user.
        """
        check_sqlite_runtime()
        paths = data_dir if isinstance(data_dir, AppPaths) else resolve_paths(data_dir)
        layout = StoreLayout.from_paths(paths)
        report = OpenReport()
        with friendly_errors(layout.data_dir, "open your history"):
            ensure_private_dir(layout.data_dir)
            unclean = stale_leases_exist(layout.leases)
            if unclean:
                report.unclean_exit = True
            due = integrity == "always" or (
                integrity == "auto"
                and quick_check_due(layout.database, layout.check_stamp, unclean_exit=unclean)
            )
            check = check_file(layout.database, quick_check=due)
            if (
                check.state == "missing"
                and layout.database.exists()
                and list_backups(layout.backups)
            ):
                check = FileCheck("damaged", detail="the history file is empty")
            if check.state == "damaged" and not read_only:
                if live_leases_exist(layout.leases):
                    raise StoreCorruptError(
                        "The history file is damaged; close every other Hearth window and "
                        "start Hearth again to repair it."
                    )
                check = cls._repair(layout, check.detail, report)
            if check.state == "missing":
                if read_only:
                    raise StoreError(f"There is no Hearth history in {layout.data_dir} yet.")
                report.created = create_private_file(layout.database)
            for suffix in ("", "-wal", "-shm"):
                make_private(layout.database.with_name(layout.database.name + suffix))
            if check.state == "damaged":
                raise StoreCorruptError(
                    "The history file is damaged; open Hearth normally (not read-only) "
                    "to repair it."
                )
            if check.version > CURRENT_VERSION:
                read_only = True
                report.notices.append(READ_ONLY_MESSAGE)
        db = Database(layout.database, read_only=read_only)
        store: HistoryStore | None = None
        try:
            store = cls(layout, db, report)
            if check.quick_checked and not read_only:
                record_quick_check(layout.check_stamp)
                report.quick_checked = True
            if not read_only:
                store._claim_lease()
                cls._prepare_schema(db, layout, report)
                report.recovered_messages = recover_interrupted(db, layout.leases)
                report.removed_orphans = _sweep_orphans(db, layout)
                remove_stale_partials(layout.backups)
        except BaseException:
            if store is not None:
                store.close()
            db.close()
            raise
        return store

    @staticmethod
    def _repair(layout: StoreLayout, detail: str, report: OpenReport) -> FileCheck:
        detail = detail if len(detail) <= 80 else detail[:77] + "..."
        moved = quarantine(layout.database, layout.quarantine)
        report.quarantined = moved
        restored = restore_newest_backup(layout.backups, layout.database)
        report.restored_from = restored
        if restored is not None:
            report.notices.append(
                f"Your history file was damaged ({detail}), so Hearth set it aside as {moved} "
                f"and restored the backup from {_file_date(restored)}; newer conversations may be "
                "in the damaged copy."
            )
        else:
            report.notices.append(
                f"Your history file was damaged ({detail}), so Hearth set it aside as {moved} "
                "and started a new, empty history (there was no backup to restore)."
            )
        return check_file(layout.database)

    @staticmethod
    def _prepare_schema(db: Database, layout: StoreLayout, report: OpenReport) -> None:
        with db.maintenance("prepare your history") as writer:
            version = user_version(writer)
            if version == 0:
                create_schema(writer)
                return
            steps = pending_steps(version)
            if not steps:
                return
        # A snapshot with the backup API before the first step, from a separate connection.
        source = connect(db.path, writable=False)
        try:
            with friendly_errors(layout.backups, "back up your history before updating it"):
                info = write_backup(
                    source, backup_name(layout.backups, f"v{version}-before-update"), "api"
                )
        finally:
            source.close()
        report.migration_backup = info.path
        report.migrated_from = version
        with db.maintenance("update your history to the new format") as writer:
            for step in steps:
                run_step(writer, step)

    def close(self) -> None:
        self.db.close()
        if self._lease is not None:
            self._lease.release()
            self._lease = None

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def read_only(self) -> bool:
        return self.db.read_only

    @property
    def notices(self) -> list[str]:
        """Sentences for the user about what opening did (repair, read-only, ...)."""
        return list(self.report.notices)

    def _claim_lease(self) -> None:
        if self._lease is None:
            with friendly_errors(self.layout.leases, "open your history"):
                self._lease = WriterLease(self.layout.leases)

    def _writer_token(self) -> str:
        self._claim_lease()
        assert self._lease is not None
        return self._lease.token

    # ---- Attachments

    def put_file(self, source: Path, mime: str = "application/octet-stream") -> StoredBlob:
        """Save a file's bytes in the attachment folder (once per content)."""
        return self.blobs.put_file(source, mime)

    def put_bytes(self, data: bytes, mime: str = "application/octet-stream") -> StoredBlob:
        return self.blobs.put_bytes(data, mime)

    def attachment_path(self, sha256: str) -> Path:
        return self.blobs.path_for(sha256)

    # ---- Search

    def search(
        self,
        text: str,
        *,
        conversation_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
        offset: int = 0,
        prefix_last: bool = False,
    ) -> SearchResults:
        """See ``engine.store.search.search``. A damaged search index is rebuilt once."""

        def run() -> SearchResults:
            return search_module.search(
                self.db,
                text,
                conversation_id=conversation_id,
                since=since,
                until=until,
                limit=limit,
                offset=offset,
                prefix_last=prefix_last,
            )

        try:
            return run()
        except StoreCorruptError:
            if self.read_only:
                raise
            search_module.rebuild_index(self.db)
            return run()

    # ---- Deleting

    def delete_conversation(self, conversation_id: int) -> DeleteReport:
        """Delete a conversation for good: its rows, search entries, attachment files no other
        conversation uses, their summaries, the copies in automatic backups, and (after a
        checkpoint that truncates the WAL) every trace in the database files."""
        with self.db.write("delete the conversation") as connection:
            conversation = fetch_conversation(connection, conversation_id)
            count = int(
                scalar(
                    connection,
                    "SELECT count(*) FROM messages WHERE conversation_id = ?",
                    (conversation_id,),
                )
            )
            orphans = delete_conversation_rows(connection, conversation_id)
        for sha in orphans:
            with friendly_errors(self.layout.attachments, "delete the attachment"):
                self.blobs.remove(sha)
        truncated = self.db.checkpoint_truncate()
        remove_stale_partials(self.layout.backups)
        purged, failed = _purge_backups(
            self.layout.backups, lambda path: purge_conversation(path, conversation.uid)
        )
        return DeleteReport(
            conversation_id=conversation_id,
            messages=count,
            blobs_removed=len(orphans),
            wal_truncated=truncated,
            backups_purged=purged,
            backups_not_purged=tuple(failed),
        )

    def delete_branch(self, message_id: int) -> int:
        """Delete a message and its replies (see ``MessageTree.delete_branch``), plus attachment
        files nothing else uses and the copies in automatic backups; returns how many
        messages went."""
        with self.db.write("delete the messages") as connection:
            uid = scalar(
                connection,
                "SELECT c.uid FROM conversations c JOIN messages m ON m.conversation_id = c.id "
                "WHERE m.id = ?",
                (message_id,),
            )
            shas = [
                str(row[0])
                for row in connection.execute(
                    "SELECT DISTINCT sha256 FROM attachments WHERE message_id IN ("
                    "WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT m.id FROM messages m "
                    "JOIN sub ON m.parent_id = sub.id) SELECT id FROM sub)",
                    (message_id,),
                )
            ]
            removed = self.messages.delete_branch(message_id)
            orphans = delete_orphan_blob_rows(connection, shas)
        for sha in orphans:
            with friendly_errors(self.layout.attachments, "delete the attachment"):
                self.blobs.remove(sha)
        self.db.checkpoint_truncate()
        _purge_backups(self.layout.backups, lambda path: purge_branch(path, str(uid), message_id))
        return removed

    # ---- Backups and checks

    def backup(
        self, destination: Path | None = None, *, method: BackupMethod = "vacuum"
    ) -> BackupInfo:
        """Write a consistent backup (``VACUUM INTO`` or the backup API, never a file copy).

        Without a destination it goes to the automatic backup folder, which keeps the newest
        few. Attachment files are not inside the database; export to JSON to carry them along.
        """
        target = destination or backup_name(self.layout.backups)
        source = connect(self.db.path, writable=False)
        try:
            with friendly_errors(target.parent, "write the backup"):
                info = write_backup(source, target, method)
        finally:
            source.close()
        if destination is None:
            prune_backups(self.layout.backups, KEEP_AUTOMATIC_BACKUPS)
        return info

    def backups(self) -> list[BackupInfo]:
        return list_backups(self.layout.backups)

    def quick_check(self) -> list[str]:
        """``PRAGMA quick_check`` now, on a fresh connection (for a background check in the
        GUI when opening skipped it): an empty list means sound."""
        with friendly_errors(self.layout.data_dir, "check your history"):
            connection = connect(self.db.path, writable=False)
            try:
                rows = [str(row[0]) for row in connection.execute("PRAGMA quick_check")]
            finally:
                connection.close()
        if rows == ["ok"]:
            if not self.read_only:
                record_quick_check(self.layout.check_stamp)
            return []
        return rows

    def check(self) -> list[str]:
        """A full integrity check (slow on big histories): an empty list means all is well.

        Runs on a fresh connection: FTS5's check can report a false "corruption" through a
        long-lived connection that read the index before another connection changed it.
        """
        with friendly_errors(self.layout.data_dir, "check your history"):
            connection = connect(self.db.path, writable=False)
            try:
                problems = full_check(connection)
            finally:
                connection.close()
        if not self.read_only and not search_module.index_is_sound(self.db):
            problems.append("the search index does not match the messages")
        return problems


def recover_interrupted(db: Database, leases_dir: Path) -> int:
    """Mark answers left 'streaming' by processes that no longer run as 'interrupted'."""
    with db.read("recover interrupted answers") as connection:
        streaming = scalar(connection, "SELECT 1 FROM messages WHERE status = 'streaming' LIMIT 1")
    if streaming is None:
        with contextlib.suppress(OSError):
            remove_stale_leases(leases_dir)
        return 0
    with db.write("recover interrupted answers") as connection:
        tokens = [
            row[0]
            for row in connection.execute(
                "SELECT DISTINCT writer FROM messages WHERE status = 'streaming'"
            )
        ]
        recovered = 0
        for token in tokens:
            if owner_is_alive(leases_dir, token):
                continue
            connection.execute(
                "UPDATE messages SET status = 'interrupted', writer = NULL "
                "WHERE status = 'streaming' AND writer IS ?",
                (token,),
            )
            recovered += connection.changes()
    with contextlib.suppress(OSError):
        remove_stale_leases(leases_dir)
    return recovered


def _purge_backups(directory: Path, purge: Callable[[Path], bool]) -> tuple[int, list[Path]]:
    """Apply ``purge`` to every automatic backup; (how many held the data, which failed)."""
    purged = 0
    failed: list[Path] = []
    for info in list_backups(directory):
        try:
            purged += purge(info.path)
        except (apsw.Error, OSError):
            failed.append(info.path)  # damaged, newer or unwritable: reported, not fatal
    return purged, failed


def _sweep_orphans(db: Database, layout: StoreLayout) -> int:
    if not layout.attachments.is_dir():
        return 0
    with db.read() as connection:
        referenced = {str(row[0]) for row in connection.execute("SELECT sha256 FROM blobs")}
    try:
        return BlobStore(layout.attachments).sweep(referenced)
    except OSError:
        return 0
