"""Is the SQLite we run on fit for the store? Checked once, before any file is opened."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import apsw

from engine.store.errors import StoreUnsuitableError

# The "WAL-reset" corruption race is present in 3.7.0 through 3.51.2 and fixed in 3.51.3,
# with backports in 3.44.6 and 3.50.7 (sqlite.org/wal.html#walresetbug).
FIXED_RELEASE = (3, 51, 3)
FIXED_BACKPORTS = ((3, 44, 6), (3, 50, 7))
# FTS5 'secure-delete' (3.42) and contentless-delete (3.43) are older than every fixed release.


@dataclass(frozen=True)
class SqliteRuntime:
    version: str
    version_tuple: tuple[int, int, int]
    fts5: bool


def parse_version(text: str) -> tuple[int, int, int]:
    parts = [int(p) for p in text.split(".")[:3]]
    while len(parts) < 3:
        parts.append(0)
    return parts[0], parts[1], parts[2]


def has_wal_reset_fix(version: tuple[int, int, int]) -> bool:
    if version >= FIXED_RELEASE:
        return True
    return any(version[:2] == fix[:2] and version >= fix for fix in FIXED_BACKPORTS)


def _fts5_works() -> bool:
    connection = apsw.Connection(":memory:")
    try:
        connection.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
        connection.execute("INSERT INTO probe(probe, rank) VALUES ('secure-delete', 1)")
    except apsw.Error:
        return False
    finally:
        connection.close()
    return True


@functools.cache
def check_sqlite_runtime() -> SqliteRuntime:
    """Return the SQLite in use, or raise StoreUnsuitableError saying plainly what is wrong."""
    version = apsw.sqlite_lib_version()
    version_tuple = parse_version(version)
    if not has_wal_reset_fix(version_tuple):
        raise StoreUnsuitableError(
            f"The SQLite library in use ({version}) has a known corruption bug in WAL mode; "
            "Hearth needs SQLite 3.51.3 or newer (or 3.50.7+, 3.44.6+): reinstall the apsw package."
        )
    fts5 = _fts5_works()
    if not fts5:
        raise StoreUnsuitableError(
            f"The SQLite library in use ({version}) was built without full-text search (FTS5), "
            "which Hearth's history search needs: reinstall the apsw package."
        )
    return SqliteRuntime(version=version, version_tuple=version_tuple, fts5=fts5)
