"""T08: a damaged history is set aside (never overwritten), the user is told, Hearth starts."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import apsw
import pytest

from engine.paths import AppPaths
from engine.store import HistoryStore, StoreCorruptError
from engine.store.store import STORE_FILENAME


def _fill(app_paths: AppPaths, messages: int = 300) -> None:
    with HistoryStore.open(app_paths) as store:
        conversation = store.conversations.create("precious")
        for index in range(messages):
            store.messages.add_user(conversation.id, f"message {index} " + "text " * 40)


def _flip_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    rng = random.Random(1)
    page = 4096
    for number in range(2, len(data) // page, 3):
        start = number * page
        data[start : start + 64] = bytes(rng.randrange(256) for _ in range(64))
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2 + 100)


def _all_nul(path: Path) -> None:
    path.write_bytes(bytes(path.stat().st_size))


def _foreign(path: Path) -> None:
    path.unlink()
    connection = apsw.Connection(str(path))
    connection.execute("CREATE TABLE notes(x); INSERT INTO notes VALUES ('not hearth')")
    connection.close()


def _garbage(path: Path) -> None:
    path.write_bytes(b"<html>this is not a database</html>" * 100)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "flipped pages": _flip_pages,
    "truncated": _truncate,
    "all NUL": _all_nul,
    "someone else's database": _foreign,
    "not SQLite at all": _garbage,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_file_is_quarantined_and_the_backup_restored(
    app_paths: AppPaths, damage: str
) -> None:
    _fill(app_paths)
    with HistoryStore.open(app_paths) as store:
        store.backup()
        store.messages.add_user(1, "written after the backup")
    path = app_paths.data_dir / STORE_FILENAME
    DAMAGE[damage](path)
    damaged_bytes = path.read_bytes()

    with HistoryStore.open(app_paths) as store:
        report = store.report
        assert report.quarantined is not None and report.restored_from is not None
        assert report.quarantined.read_bytes() == damaged_bytes  # set aside, never changed
        assert any("damaged" in n and "restored the backup" in n for n in store.notices)
        assert store.check() == []
        assert len(store.messages.active_path(1)) == 300  # the backup's state
        store.messages.add_user(1, "Hearth works again")


def test_without_a_backup_hearth_starts_empty(app_paths: AppPaths) -> None:
    _fill(app_paths, messages=50)
    path = app_paths.data_dir / STORE_FILENAME
    _flip_pages(path)
    with HistoryStore.open(app_paths) as store:
        assert store.report.quarantined is not None
        assert store.report.restored_from is None
        assert any("empty history" in n for n in store.notices)
        assert store.conversations.count() == 0


def test_quarantine_never_overwrites_an_earlier_copy(app_paths: AppPaths) -> None:
    path = app_paths.data_dir / STORE_FILENAME
    quarantined: list[Path] = []
    for round_number in range(2):
        _fill(app_paths, messages=20 + round_number)
        _garbage(path) if round_number == 0 else _all_nul(path)
        with HistoryStore.open(app_paths) as store:
            assert store.report.quarantined is not None
            quarantined.append(store.report.quarantined)
    assert quarantined[0] != quarantined[1]
    assert quarantined[0].read_bytes().startswith(b"<html>")
    assert set(quarantined[1].read_bytes()) == {0}


def test_emptied_file_with_backups_is_restored(app_paths: AppPaths) -> None:
    _fill(app_paths, messages=10)
    with HistoryStore.open(app_paths) as store:
        store.backup()
    path = app_paths.data_dir / STORE_FILENAME
    path.write_bytes(b"")
    with HistoryStore.open(app_paths) as store:
        assert store.report.restored_from is not None
        assert len(store.messages.active_path(1)) == 10


def test_a_bad_backup_is_skipped_for_an_older_good_one(app_paths: AppPaths) -> None:
    _fill(app_paths, messages=10)
    with HistoryStore.open(app_paths) as store:
        good = store.backup()
        newer = store.backup(good.path.with_name("hearth-29990101-000000.sqlite3"))
    _garbage(newer.path)
    _garbage(app_paths.data_dir / STORE_FILENAME)
    with HistoryStore.open(app_paths) as store:
        assert store.report.restored_from == good.path
        assert len(store.messages.active_path(1)) == 10


def test_wal_from_another_database_does_not_pass_silently(
    app_paths: AppPaths, tmp_path: Path
) -> None:
    _fill(app_paths, messages=30)
    other = tmp_path / "other.sqlite3"
    connection = apsw.Connection(str(other))
    connection.pragma("journal_mode", "wal")
    connection.pragma("wal_autocheckpoint", 0)
    connection.execute("CREATE TABLE t(x); INSERT INTO t VALUES (randomblob(20000))")
    shutil.copy(str(other) + "-wal", app_paths.data_dir / (STORE_FILENAME + "-wal"))
    connection.close()
    with HistoryStore.open(app_paths) as store:
        # Either SQLite ignores the foreign log (our data intact) or the file is set aside.
        if store.report.quarantined is None:
            assert len(store.messages.active_path(1)) == 30
        assert store.check() == []


def test_partial_backups_left_by_a_crash_are_removed(app_paths: AppPaths) -> None:
    _fill(app_paths, messages=5)
    backups = app_paths.data_dir / "backups"
    backups.mkdir(exist_ok=True)
    stale = backups / ".hearth-20260101-000000.sqlite3.abcd.partial"
    stale.write_bytes(b"half a backup")
    os.utime(stale, (1, 1))
    HistoryStore.open(app_paths).close()
    assert not stale.exists()


def test_quick_check_policy(tmp_path: Path) -> None:
    from engine.store.integrity import (
        ALWAYS_QUICK_CHECK_BELOW,
        quick_check_due,
        record_quick_check,
    )

    database = tmp_path / "big.sqlite3"
    stamp = tmp_path / ".last-quick-check"
    with database.open("wb") as handle:  # sparse: large on paper, nothing on disk
        handle.truncate(ALWAYS_QUICK_CHECK_BELOW + 1)
    assert quick_check_due(database, stamp, unclean_exit=False)  # never checked
    record_quick_check(stamp)
    assert not quick_check_due(database, stamp, unclean_exit=False)  # checked just now
    assert quick_check_due(database, stamp, unclean_exit=True)  # a crash since
    stamp.write_text(str(time.time() - 2 * 24 * 3600))
    assert quick_check_due(database, stamp, unclean_exit=False)  # a day is over
    small = tmp_path / "small.sqlite3"
    small.write_bytes(b"x")
    record_quick_check(stamp)
    assert quick_check_due(small, stamp, unclean_exit=False)  # small files: always


_OPEN_AND_WAIT = """
import sys, time
from engine.store import HistoryStore, StoreCorruptError
store = HistoryStore.open(sys.argv[1])
print("open", flush=True)
time.sleep(60)
"""


def test_a_crash_is_noticed_at_the_next_open(app_paths: AppPaths) -> None:
    _fill(app_paths, messages=5)
    child = subprocess.Popen(
        [sys.executable, "-c", _OPEN_AND_WAIT, str(app_paths.data_dir)],
        stdout=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[3])),
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == b"open"
    with HistoryStore.open(app_paths) as store:  # the child is alive: not a crash
        assert not store.report.unclean_exit
    child.kill()
    child.wait()
    with HistoryStore.open(app_paths) as store:
        assert store.report.unclean_exit
        assert store.report.quick_checked
    with HistoryStore.open(app_paths) as store:
        assert not store.report.unclean_exit


def test_damage_is_not_repaired_under_a_running_hearth(app_paths: AppPaths) -> None:
    _fill(app_paths, messages=5)
    path = app_paths.data_dir / STORE_FILENAME
    child = subprocess.Popen(
        [sys.executable, "-c", _OPEN_AND_WAIT, str(app_paths.data_dir)],
        stdout=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[3])),
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"open"
        _garbage(path)
        with pytest.raises(StoreCorruptError, match="close every other Hearth"):
            HistoryStore.open(app_paths)
        assert path.read_bytes().startswith(b"<html>")  # left exactly where it was
    finally:
        child.kill()
        child.wait()
    with HistoryStore.open(app_paths) as store:
        assert store.report.quarantined is not None
