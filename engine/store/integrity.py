"""Startup health: a damaged history file is moved aside (never overwritten) and replaced by
the newest sound backup, or by an empty store, and the user is told which.

``PRAGMA quick_check`` reads the whole file (about 7 ms per MB here: 3.7 s for a million
messages), so on open it runs when it is cheap or matters: the file is small, the last check
is more than a day old, or a previous Hearth process ended without closing the store. Every
open still validates the header and schema, which catches a file that is not a database.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import apsw

from engine.store.backups import list_backups
from engine.store.database import connect
from engine.store.files import (
    atomic_writer,
    create_private_file,
    ensure_private_dir,
    fsync_dir,
    unique_path,
)
from engine.store.migrations import user_version
from engine.store.schema import CURRENT_VERSION

SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


QUICK_CHECK_EVERY_SECONDS = 24 * 3600
ALWAYS_QUICK_CHECK_BELOW = 64 * 1024 * 1024
STAMP_NAME = ".last-quick-check"


@dataclass(frozen=True)
class FileCheck:
    state: str
    """'missing' (no file or an empty one), 'sound' or 'damaged'."""
    version: int = 0
    detail: str = ""
    empty_schema: bool = True
    quick_checked: bool = False


def quick_check_due(database: Path, stamp: Path, *, unclean_exit: bool) -> bool:
    """Whether opening should run the full quick_check (see the module docstring)."""
    if unclean_exit:
        return True
    try:
        size = database.stat().st_size
        last = float(stamp.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return True
    return size < ALWAYS_QUICK_CHECK_BELOW or time.time() - last > QUICK_CHECK_EVERY_SECONDS


def record_quick_check(stamp: Path) -> None:
    with contextlib.suppress(OSError), atomic_writer(stamp) as out:
        out.write(f"{time.time():.0f}\n".encode("ascii"))


def check_file(path: Path, *, quick_check: bool = True) -> FileCheck:
    """Look at the database without changing it (read-only connection): the header, schema and
    version always, ``PRAGMA quick_check`` when asked."""
    if not path.exists():
        return FileCheck("missing")
    wal = path.with_name(path.name + "-wal")
    if path.stat().st_size == 0 and (not wal.exists() or wal.stat().st_size == 0):
        return FileCheck("missing")
    try:
        connection = connect(path, writable=False)
    except apsw.Error as exc:
        return FileCheck("damaged", detail=str(exc))
    try:
        if quick_check:
            rows = connection.execute("PRAGMA quick_check").fetchall()
            result = "; ".join(str(row[0]) for row in rows[:5])
        else:
            result = "ok"
        version = user_version(connection)
        objects = connection.execute("SELECT count(*) FROM sqlite_schema").fetchall()[0][0]
    except apsw.Error as exc:
        return FileCheck("damaged", detail=str(exc))
    finally:
        connection.close()
    if result != "ok":
        return FileCheck("damaged", version=version, detail=result)
    if version == 0 and objects:
        return FileCheck("damaged", detail="not a Hearth history file", empty_schema=False)
    return FileCheck("sound", version=version, empty_schema=objects == 0, quick_checked=quick_check)


def quarantine(path: Path, quarantine_dir: Path) -> Path:
    """Move the database and its -wal/-shm aside under a new name; returns the new path."""
    ensure_private_dir(quarantine_dir)
    stamp = datetime.now(tz=UTC).strftime("%Y%m%d-%H%M%S")
    target = unique_path(quarantine_dir, f"{path.stem}-damaged-{stamp}", path.suffix)
    for suffix in SIDE_SUFFIXES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.rename(side, target.with_name(target.name + suffix))
    os.rename(path, target)
    fsync_dir(quarantine_dir)
    fsync_dir(path.parent)
    return target


def restore_newest_backup(backups_dir: Path, path: Path) -> Path | None:
    """Copy the newest sound, readable backup into ``path`` (which must not exist) with the
    backup API; returns the backup used, or None when there is none."""
    for info in list_backups(backups_dir):
        check = check_file(info.path)
        if check.state != "sound" or check.version > CURRENT_VERSION:
            continue
        create_private_file(path)
        try:
            source = connect(info.path, writable=False)
            try:
                target = connect(path, writable=True)
                try:
                    with target.backup("main", source, "main") as step:
                        step.step(-1)
                finally:
                    target.close()
            finally:
                source.close()
        except apsw.Error:
            for suffix in ("", *SIDE_SUFFIXES):
                with contextlib.suppress(OSError):
                    path.with_name(path.name + suffix).unlink()
            continue
        return info.path
    return None


def full_check(connection: apsw.Connection) -> list[str]:
    """``PRAGMA integrity_check`` plus foreign keys: an empty list means sound."""
    problems = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
    if problems == ["ok"]:
        problems = []
    problems += [
        f"foreign key: {row[0]} row {row[1]} -> {row[2]}"
        for row in connection.execute("PRAGMA foreign_key_check")
    ]
    return problems
