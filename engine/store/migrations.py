"""Schema migrations over ``PRAGMA user_version``: one transaction per step, backup first.

Every step is idempotent (it checks before it alters), so a step that was interrupted, or a
database that another process migrated at the same moment, is handled without "duplicate
column" surprises.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import apsw

from engine.store.schema import CURRENT_VERSION, SCHEMA_V1, V1


@dataclass(frozen=True)
class Migration:
    version: int
    """The schema version the step produces."""
    description: str
    apply: Callable[[apsw.Connection], None]


def column_names(connection: apsw.Connection, table: str) -> set[str]:
    return {str(row[1]) for row in connection.execute(f"PRAGMA table_info({table})")}


def object_exists(connection: apsw.Connection, kind: str, name: str) -> bool:
    row = connection.execute(
        "SELECT 1 FROM sqlite_schema WHERE type = ? AND name = ?", (kind, name)
    ).fetchone()
    return row is not None


def _v2_folders_and_title_search(connection: apsw.Connection) -> None:
    if "folder" not in column_names(connection, "conversations"):
        connection.execute("ALTER TABLE conversations ADD COLUMN folder TEXT")
    connection.execute(
        "CREATE INDEX IF NOT EXISTS conversations_folder_idx ON conversations(folder, updated_at)"
    )
    if not object_exists(connection, "table", "conversations_fts"):
        connection.execute(
            """
            CREATE VIRTUAL TABLE conversations_fts USING fts5(
                title, content = 'conversations', content_rowid = 'id', detail = 'column',
                tokenize = 'unicode61 remove_diacritics 2'
            );
            INSERT INTO conversations_fts(conversations_fts, rank) VALUES ('secure-delete', 1);
            """
        )
    connection.execute(
        """
        CREATE TRIGGER IF NOT EXISTS conversations_fts_insert AFTER INSERT ON conversations BEGIN
            INSERT INTO conversations_fts(rowid, title) VALUES (new.id, new.title);
        END;
        CREATE TRIGGER IF NOT EXISTS conversations_fts_delete AFTER DELETE ON conversations BEGIN
            INSERT INTO conversations_fts(conversations_fts, rowid, title)
                VALUES ('delete', old.id, old.title);
        END;
        CREATE TRIGGER IF NOT EXISTS conversations_fts_update
        AFTER UPDATE OF title ON conversations BEGIN
            INSERT INTO conversations_fts(conversations_fts, rowid, title)
                VALUES ('delete', old.id, old.title);
            INSERT INTO conversations_fts(rowid, title) VALUES (new.id, new.title);
        END;
        INSERT INTO conversations_fts(conversations_fts) VALUES ('rebuild');
        """
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(2, "conversation folders and title search", _v2_folders_and_title_search),
)

assert MIGRATIONS[-1].version == CURRENT_VERSION


def user_version(connection: apsw.Connection) -> int:
    rows: list[Any] = connection.execute("PRAGMA user_version").fetchall()
    return int(rows[0][0])


def create_schema(connection: apsw.Connection) -> None:
    """Build a current schema in an empty database, in one transaction."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        if user_version(connection) == 0:
            connection.execute(SCHEMA_V1)
            connection.execute(f"PRAGMA user_version = {V1}")
            for step in MIGRATIONS:
                step.apply(connection)
                connection.execute(f"PRAGMA user_version = {step.version}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def pending_steps(version: int) -> list[Migration]:
    return [step for step in MIGRATIONS if step.version > version]


def run_step(connection: apsw.Connection, step: Migration) -> bool:
    """Apply one step in its own transaction; False when someone else already did it."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        if user_version(connection) >= step.version:
            connection.execute("ROLLBACK")
            return False
        step.apply(connection)
        connection.execute(f"PRAGMA user_version = {step.version}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return True
