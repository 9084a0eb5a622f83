"""The store as a whole: delete means delete (T16), crash recovery, backups (T12)."""

from __future__ import annotations

import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

from engine.paths import AppPaths
from engine.store import AttachmentRef, HistoryStore, SummaryKey
from engine.store.database import connect
from engine.store.store import STORE_FILENAME

sys.path.insert(0, str(Path(__file__).resolve().parent))
from store_testing import child_env


def _files_containing(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_delete_means_delete(app_paths: AppPaths) -> None:
    """A random canary in a title, messages, a streamed answer, a branch, an attachment and a
    document summary; after the delete it is in no file of the data directory."""
    canary = "zq" + secrets.token_hex(12)  # lower case: the search index stores it verbatim
    needle = canary.encode()
    with HistoryStore.open(app_paths) as store:
        keep = store.conversations.create("kept conversation")
        store.messages.add_user(keep.id, "ordinary words that must stay searchable")
        doomed = store.conversations.create(f"secret {canary}")
        document = store.put_bytes(f"%PDF-1.7 {canary} report".encode(), "application/pdf")
        user = store.messages.add_user(
            doomed.id,
            f"please summarise {canary}",
            attachments=[AttachmentRef(document, "document", f"{canary}.pdf")],
        )
        recorder = store.messages.start_assistant(doomed.id, parent=user.id, flush_interval=0)
        for word in ("The", " report", " mentions", f" {canary}", " twice:", f" {canary}."):
            recorder.append(word)
        recorder.finish()
        store.messages.add_user(doomed.id, f"edited {canary}", parent=None)
        store.summaries.put(SummaryKey(document.sha256, "m" * 64, "v1"), 0, f"about {canary}")
        store.backup()  # an automatic backup that also holds the canary
        assert _files_containing(app_paths.data_dir, needle)  # the test can see it

        report = store.delete_conversation(doomed.id)
        assert report.wal_truncated
        assert report.backups_purged == 1
        assert report.blobs_removed == 1
        # Already gone while the store is still open (WAL truncated, pages zeroed).
        assert _files_containing(app_paths.data_dir, needle) == []
        assert store.search(canary).messages == []
        assert store.search("ordinary").messages
        assert store.check() == []
    assert _files_containing(app_paths.data_dir, needle) == []
    with HistoryStore.open(app_paths) as store:
        assert [c.title for c in store.conversations.recent()] == ["kept conversation"]


def test_deleting_a_branch_scrubs_it_too(app_paths: AppPaths) -> None:
    canary = "zq" + secrets.token_hex(12)
    with HistoryStore.open(app_paths) as store:
        conversation = store.conversations.create("branches")
        user = store.messages.add_user(conversation.id, "question")
        recorder = store.messages.start_assistant(conversation.id, parent=user.id)
        recorder.append(f"regrettable answer {canary}")
        recorder.finish()
        store.backup()
        assert _files_containing(app_paths.data_dir, canary.encode())
        assert store.delete_branch(recorder.message_id) == 1
        assert _files_containing(app_paths.data_dir, canary.encode()) == []


_HOLD_STREAM = """
import sys, time
from engine.store import HistoryStore
store = HistoryStore.open(sys.argv[1])
conversation = store.conversations.create("live")
store.messages.add_user(conversation.id, "q")
recorder = store.messages.start_assistant(conversation.id, flush_interval=0)
recorder.append("still typing")
print(recorder.message_id, flush=True)
time.sleep(60)
"""


def test_recovery_marks_only_dead_streams(app_paths: AppPaths) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLD_STREAM, str(app_paths.data_dir)],
        stdout=subprocess.PIPE,
        env=child_env(),
    )
    try:
        assert child.stdout is not None
        live_id = int(child.stdout.readline())
        # Another Hearth (this process) opens the store while the child is still streaming.
        with HistoryStore.open(app_paths) as store:
            assert store.report.recovered_messages == 0
            assert store.messages.get(live_id).status == "streaming"
    finally:
        child.kill()
        child.wait()
    with HistoryStore.open(app_paths) as store:
        assert store.report.recovered_messages == 1
        message = store.messages.get(live_id)
        assert (message.status, message.content) == ("interrupted", "still typing")
    assert list((app_paths.data_dir / ".leases").glob("*.lock")) == []


def test_backup_under_load_has_everything_committed_before_it(
    app_paths: AppPaths, tmp_path: Path
) -> None:
    """T12: a writer keeps inserting while backups are taken; each backup is sound and holds
    every row committed before it started."""
    with HistoryStore.open(app_paths) as store:
        conversation = store.conversations.create("busy")
        stop = threading.Event()
        committed: list[int] = []

        def writer() -> None:
            while not stop.is_set():
                committed.append(store.messages.add_user(conversation.id, "row").id)

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            time.sleep(0.2)
            results = []
            for index, method in enumerate(("vacuum", "api", "vacuum", "api")):
                before = list(committed)
                info = store.backup(tmp_path / f"backup-{index}.sqlite3", method=method)
                results.append((info.path, before))
                time.sleep(0.05)
        finally:
            stop.set()
            thread.join()
    for path, before in results:
        assert not Path(str(path) + "-wal").exists()
        connection = connect(path, writable=False)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            ids = {int(r[0]) for r in connection.execute("SELECT id FROM messages")}
        finally:
            connection.close()
        assert set(before) <= ids


def test_a_backup_restores_into_an_empty_data_dir(app_paths: AppPaths, tmp_path: Path) -> None:
    with HistoryStore.open(app_paths) as store:
        conversation = store.conversations.create("to restore")
        store.messages.add_user(conversation.id, "remember me")
        info = store.backup(tmp_path / "manual.sqlite3")
    restored = tmp_path / "restored"
    restored.mkdir()
    source = connect(info.path, writable=False)
    target = connect(restored / STORE_FILENAME, writable=True)
    with target.backup("main", source, "main") as step:
        step.step(-1)
    target.close()
    source.close()
    with HistoryStore.open(restored) as store:
        assert store.search("remember").messages
        assert store.check() == []


def test_automatic_backups_are_pruned(store: HistoryStore) -> None:
    for _ in range(7):
        store.backup()
    assert len(store.backups()) == 5


def test_a_backup_that_cannot_be_purged_is_reported_not_fatal(store: HistoryStore) -> None:
    conversation = store.conversations.create("to delete")
    store.messages.add_user(conversation.id, "bye")
    info = store.backup()
    info.path.write_bytes(b"damaged backup " * 100)
    report = store.delete_conversation(conversation.id)
    assert report.backups_not_purged == (info.path,)
    assert not store.conversations.exists(conversation.id)


def test_quick_check_on_demand(store: HistoryStore) -> None:
    store.messages.add_user(store.conversations.create().id, "hello")
    assert store.quick_check() == []
    assert store.layout.check_stamp.is_file()
