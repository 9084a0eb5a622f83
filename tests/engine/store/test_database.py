"""T13 settings, private files, one writer with per-thread readers."""

from __future__ import annotations

import re
import stat
import threading
from pathlib import Path

import apsw
import pytest

from engine.paths import AppPaths
from engine.store import HistoryStore, StoreReadOnlyError
from engine.store.database import Database

ENGINE = Path(__file__).resolve().parents[3] / "engine"


def test_safety_pragmas(store: HistoryStore) -> None:
    settings = store.db.pragma_settings()
    assert settings["journal_mode"] == "wal"
    assert settings["synchronous"] == 2  # FULL
    assert settings["foreign_keys"] == 1
    assert settings["busy_timeout"] > 0
    assert settings["trusted_schema"] == 0
    assert settings["secure_delete"] == 1


def test_files_are_private(store: HistoryStore, app_paths: AppPaths) -> None:
    conversation = store.conversations.create()
    blob = store.put_bytes(b"private bytes")
    from engine.store import AttachmentRef

    store.messages.add_user(conversation.id, "hi", attachments=[AttachmentRef(blob, "file")])
    store.backup()
    for path in [app_paths.data_dir, *app_paths.data_dir.rglob("*")]:
        if path.is_relative_to(app_paths.models_dir) or path.is_relative_to(app_paths.cache_dir):
            continue  # not the store's
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"


def test_readers_are_read_only(store: HistoryStore) -> None:
    with store.db.read() as connection, pytest.raises(apsw.ReadOnlyError):
        connection.execute("INSERT INTO conversations (uid, created_at, updated_at) VALUES (1,1,1)")


def test_failed_transaction_rolls_back(store: HistoryStore) -> None:
    with pytest.raises(RuntimeError), store.db.write() as connection:
        connection.execute(
            "INSERT INTO conversations (uid, created_at, updated_at) VALUES ('x', 1, 1)"
        )
        raise RuntimeError("boom")
    assert store.conversations.count() == 0


def test_nested_writes_join_one_transaction(store: HistoryStore) -> None:
    with pytest.raises(RuntimeError), store.db.write() as outer:
        outer.execute("INSERT INTO conversations (uid, created_at, updated_at) VALUES ('a',1,1)")
        with store.db.write() as inner:
            inner.execute(
                "INSERT INTO conversations (uid, created_at, updated_at) VALUES ('b',1,1)"
            )
        raise RuntimeError("roll both back")
    assert store.conversations.count() == 0


def test_threads_read_while_one_writes(store: HistoryStore) -> None:
    conversation = store.conversations.create()
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                store.messages.active_path(conversation.id)
                store.search("message")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    for index in range(200):
        store.messages.add_user(conversation.id, f"message {index}")
    stop.set()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(store.messages.active_path(conversation.id)) == 200


def test_read_only_database_refuses_writes(store: HistoryStore) -> None:
    path = store.db.path
    store.close()
    db = Database(path, read_only=True)
    try:
        with pytest.raises(StoreReadOnlyError), db.write():
            pass
    finally:
        db.close()


def test_code_never_copies_or_opens_the_database_file() -> None:
    """T12/T13: a live WAL database is only ever copied with SQLite's own tools."""
    offenders = []
    for source in ENGINE.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        if re.search(r"shutil\.copy", text) or re.search(r"open\([^)]*store_path", text):
            offenders.append(source)
    assert offenders == []
