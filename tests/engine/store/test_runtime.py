"""T13: the SQLite runtime gate."""

from __future__ import annotations

import apsw
import pytest

from engine.store.runtime import check_sqlite_runtime, has_wal_reset_fix, parse_version


@pytest.mark.parametrize(
    ("version", "fixed"),
    [
        ("3.40.1", False),  # what this machine's Python sqlite3 links against
        ("3.44.5", False),
        ("3.44.6", True),
        ("3.45.0", False),
        ("3.50.6", False),
        ("3.50.7", True),
        ("3.51.2", False),
        ("3.51.3", True),
        ("3.52.0", True),
        ("4.0", True),
    ],
)
def test_wal_reset_fix_versions(version: str, fixed: bool) -> None:
    assert has_wal_reset_fix(parse_version(version)) is fixed


def test_runtime_in_use_is_suitable() -> None:
    runtime = check_sqlite_runtime()
    assert runtime.version == apsw.sqlite_lib_version()
    assert runtime.fts5
    assert has_wal_reset_fix(runtime.version_tuple)
