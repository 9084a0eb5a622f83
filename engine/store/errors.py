"""Errors of the conversation store: the environment's fault, each said in one sentence."""

from __future__ import annotations

import errno
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import apsw

from engine.errors import HearthError


class StoreError(HearthError):
    """The conversation store cannot do what was asked because of the environment."""


class StoreUnsuitableError(StoreError):
    """The SQLite library or the file system cannot give the guarantees the store needs."""


class StoreFullError(StoreError):
    """The disk (or SQLite's temporary folder) is full; nothing committed was lost."""


class StoreBusyError(StoreError):
    """Another program held the history file locked for too long."""


class StoreCorruptError(StoreError):
    """The history file (or its search index) is damaged."""


class StoreReadOnlyError(StoreError):
    """The history is open read-only (newer format, or no write permission)."""


class StoreIOError(StoreError):
    """The operating system refused to read or write a file of the store."""


class NotFoundError(StoreError):
    """A conversation or message id that does not exist (any more)."""


class ImportFormatError(StoreError):
    """A file given to import is not a Hearth export, or is damaged."""


def full_error(where: Path) -> StoreFullError:
    """A disk-full error that names the real cause when it can tell."""
    try:
        free = shutil.disk_usage(where).free
    except OSError:
        free = -1
    if 0 <= free < 16 * 1024 * 1024:
        return StoreFullError(
            f"The disk holding your Hearth history ({where}) is full; nothing already saved was "
            "lost, and saving will work again once you free some space."
        )
    return StoreFullError(
        "Hearth's history database ran out of room (its size limit or the temporary folder is "
        "full); nothing already saved was lost, and saving will work again once there is space."
    )


def translate_sqlite_error(exc: apsw.Error, where: Path, action: str) -> StoreError | None:
    """Map an SQLite failure caused by the environment onto a friendly StoreError.

    Returns None for errors that are our bug (bad SQL, constraint violations), which must
    propagate unchanged.
    """
    if isinstance(exc, apsw.FullError):
        return full_error(where)
    if isinstance(exc, apsw.BusyError | apsw.LockedError):
        return StoreBusyError(
            f"Could not {action}: another program kept the history file locked; try again."
        )
    if isinstance(exc, apsw.CorruptError | apsw.NotADBError):
        return StoreCorruptError(
            f"Could not {action}: the history file is damaged; restart Hearth to repair it."
        )
    if isinstance(exc, apsw.ReadOnlyError):
        return StoreReadOnlyError(
            f"Could not {action}: the history file is read-only (check its permissions)."
        )
    if isinstance(exc, apsw.IOError | apsw.CantOpenError | apsw.PermissionsError):
        return StoreIOError(f"Could not {action}: the system refused to read or write {where}.")
    return None


def translate_os_error(exc: OSError, where: Path, action: str) -> StoreError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return full_error(where)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreIOError(f"Could not {action}: no permission to write in {where}.")
    return StoreIOError(f"Could not {action}: {exc.strerror or exc} ({where}).")


@contextmanager
def friendly_errors(where: Path, action: str) -> Iterator[None]:
    """Re-raise environment failures (disk full, locked, damaged, I/O) as StoreError."""
    try:
        yield
    except apsw.Error as exc:
        mapped = translate_sqlite_error(exc, where, action)
        if mapped is None:
            raise
        raise mapped from exc
    except OSError as exc:
        raise translate_os_error(exc, where, action) from exc
