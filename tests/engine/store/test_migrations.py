"""T10/T11: migrations from the frozen v1 fixture; newer databases are never modified."""

from __future__ import annotations

import hashlib
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import apsw
import pytest

from engine.paths import AppPaths
from engine.store import HistoryStore, StoreReadOnlyError
from engine.store.database import connect
from engine.store.migrations import MIGRATIONS, run_step, user_version
from engine.store.schema import CURRENT_VERSION
from engine.store.store import STORE_FILENAME

sys.path.insert(0, str(Path(__file__).resolve().parent))
from store_testing import child_env

V1_FIXTURE = Path(__file__).resolve().parent / "data" / "hearth-v1.sql"
BULK = 100_000
COUNTED = ("conversations", "messages", "attachments", "blobs", "summaries")


def build_v1(data_dir: Path, extra_conversations: int = 0) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / STORE_FILENAME
    connection = apsw.Connection(str(path))
    connection.pragma("journal_mode", "wal")
    connection.execute(V1_FIXTURE.read_text(encoding="utf-8"))
    if extra_conversations:
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO conversations (uid, title, created_at, updated_at) VALUES (?, ?, 1, 1)",
            ((f"bulk-{i}", f"bulk title {i} kindling") for i in range(extra_conversations)),
        )
        connection.execute("COMMIT")
    connection.close()
    return path


def counts(connection: apsw.Connection) -> dict[str, int]:
    return {
        table: int(connection.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
        for table in COUNTED
    }


def schema_of(path: Path) -> set[tuple[str, str, str]]:
    connection = connect(path, writable=False)
    try:
        rows = connection.execute(
            "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
    finally:
        connection.close()
    return {(str(t), str(n), " ".join(str(s).split())) for t, n, s in rows}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_v1_fixture_migrates_to_current(app_paths: AppPaths, tmp_path: Path) -> None:
    path = build_v1(app_paths.data_dir)
    before_connection = connect(path, writable=False)
    before = counts(before_connection)
    before_connection.close()

    with HistoryStore.open(app_paths) as store:
        assert store.report.migrated_from == 1
        backup = store.report.migration_backup
        assert backup is not None and backup.parent == store.layout.backups
        with store.db.read() as connection:
            assert user_version(connection) == CURRENT_VERSION
            assert counts(connection) == before
        assert store.check() == []
        # The new step's work: folders and title search (backfilled from v1 rows).
        assert [t.conversation_id for t in store.search("stove").titles] == [1]
        store.conversations.set_folder(1, "home")
        # Everything v1 held reads back through the current code.
        path_messages = store.messages.active_path(1)
        assert [m.id for m in path_messages] == [1, 3, 4, 5]
        assert path_messages[-1].status == "interrupted"
        assert store.messages.siblings(3).ids == (2, 3)
        assert path_messages[1].stats.first_token_ms == 170
        (image,) = store.messages.get(6).attachments
        assert image.recipe is not None and image.recipe.crops[1] == (960, 0, 1920, 1080)
        assert store.conversations.get(1).settings == {"temperature": 0.7, "top_k": 64}

    # The backup is the untouched v1 database, taken with the backup API before step 1.
    backup_connection = connect(backup, writable=False)
    try:
        assert user_version(backup_connection) == 1
        assert counts(backup_connection) == before
    finally:
        backup_connection.close()

    # A fresh database and a migrated one have exactly the same schema.
    fresh_paths = AppPaths(tmp_path / "fresh", tmp_path / "fresh" / "cache")
    HistoryStore.open(fresh_paths).close()
    assert schema_of(path) == schema_of(fresh_paths.data_dir / STORE_FILENAME)


def test_second_open_is_a_no_op(app_paths: AppPaths) -> None:
    path = build_v1(app_paths.data_dir)
    HistoryStore.open(app_paths).close()
    schema = schema_of(path)
    backups = sorted(p.name for p in (app_paths.data_dir / "backups").iterdir())
    with HistoryStore.open(app_paths) as store:
        assert store.report.migrated_from is None
        assert store.report.migration_backup is None
    assert schema_of(path) == schema
    assert sorted(p.name for p in (app_paths.data_dir / "backups").iterdir()) == backups


def test_steps_are_idempotent(app_paths: AppPaths) -> None:
    """A step finds its work already done (another process, or a retry) and adds nothing."""
    path = build_v1(app_paths.data_dir)
    connection = apsw.Connection(str(path))
    try:
        MIGRATIONS[0].apply(connection)  # done once, outside the runner, user_version still 1
        assert user_version(connection) == 1
        assert run_step(connection, MIGRATIONS[0])
        assert user_version(connection) == 2
        assert not run_step(connection, MIGRATIONS[0])
    finally:
        connection.close()


def test_newer_database_is_opened_read_only_and_never_modified(app_paths: AppPaths) -> None:
    with HistoryStore.open(app_paths) as store:
        conversation = store.conversations.create("from the future")
        store.messages.add_user(conversation.id, "hello")
        path = store.db.path
        with store.db.write() as connection:
            connection.execute(f"PRAGMA user_version = {CURRENT_VERSION + 1}")
    digest = sha256(path)
    with HistoryStore.open(app_paths) as store:
        assert store.read_only
        assert any("newer version of Hearth" in notice for notice in store.notices)
        assert [c.title for c in store.conversations.recent()] == ["from the future"]
        assert store.search("hello").messages
        with pytest.raises(StoreReadOnlyError):
            store.messages.add_user(conversation.id, "must not be written")
        with pytest.raises(StoreReadOnlyError):
            store.delete_conversation(conversation.id)
    assert sha256(path) == digest
    assert not (app_paths.data_dir / "backups").exists()


_MIGRATE_CHILD = """
import sys
from engine.store import HistoryStore
print("START", flush=True)
HistoryStore.open(sys.argv[1]).close()
print("DONE", flush=True)
"""


def test_killed_migration_leaves_old_or_new_never_a_mix(app_paths: AppPaths) -> None:
    rng = random.Random(3)
    outcomes: set[int] = set()
    for attempt in range(8):
        data_dir = app_paths.data_dir / f"run-{attempt}"
        build_v1(data_dir, extra_conversations=BULK)
        child = subprocess.Popen(
            [sys.executable, "-c", _MIGRATE_CHILD, str(data_dir)],
            env=child_env(),
            stdout=subprocess.PIPE,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"START"
        time.sleep(rng.uniform(0.0, 1.0))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        connection = connect(data_dir / STORE_FILENAME, writable=False)
        try:
            version = user_version(connection)
            assert version in (1, CURRENT_VERSION)
            columns = {str(r[1]) for r in connection.execute("PRAGMA table_info(conversations)")}
            assert ("folder" in columns) == (version == CURRENT_VERSION)
            assert counts(connection)["conversations"] == BULK + 2
        finally:
            connection.close()
        outcomes.add(version)
        with HistoryStore.open(data_dir) as store:  # finishes whatever was left
            assert store.check() == []
            assert len(store.search("kindling").titles) == 20
    # The random kill points landed both before and after the migration committed.
    assert outcomes == {1, CURRENT_VERSION}
