"""Conversations: create, list, rename, pin, file into folders, pick the active branch."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import apsw

from engine.store.database import Database
from engine.store.errors import NotFoundError
from engine.store.records import Conversation, JsonDict, clean_text, dump_json, now_ms
from engine.store.rows import CONVERSATION_COLUMNS, conversation_from_row, scalar

TITLE_LENGTH = 80


def title_from_text(text: str) -> str:
    """A default title: the first non-empty line, cut at a word near ``TITLE_LENGTH``."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if len(line) <= TITLE_LENGTH:
        return line
    cut = line[:TITLE_LENGTH].rsplit(" ", 1)[0] or line[:TITLE_LENGTH]
    return cut.rstrip(" ,.;:") + "…"


def settings_to_json(settings: JsonDict | None) -> str:
    return dump_json(settings or {})


def fetch_conversation(connection: apsw.Connection, conversation_id: int) -> Conversation:
    row = connection.execute(
        f"SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = ?", (conversation_id,)
    ).fetchone()
    if row is None:
        raise NotFoundError(f"There is no conversation {conversation_id}.")
    return conversation_from_row(row)


def touch(connection: apsw.Connection, conversation_id: int, when: int) -> None:
    connection.execute(
        "UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id = ?",
        (when, conversation_id),
    )


class Conversations:
    """The conversation list and each conversation's own fields."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def create(
        self,
        title: str = "",
        *,
        model: str | None = None,
        model_sha256: str | None = None,
        settings: JsonDict | None = None,
        folder: str | None = None,
        pinned: bool = False,
    ) -> Conversation:
        """A new, empty conversation (committed). ``settings`` is the generation settings
        snapshot (a JSON-serialisable dict) the conversation was started with."""
        when = now_ms()
        with self._db.write("create the conversation") as connection:
            connection.execute(
                """
                INSERT INTO conversations
                    (uid, title, created_at, updated_at, pinned, folder, model, model_sha256,
                     settings_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    str(uuid.uuid4()),
                    clean_text(title),
                    when,
                    when,
                    int(pinned),
                    clean_text(folder) if folder else None,
                    model,
                    model_sha256,
                    settings_to_json(settings),
                ),
            )
            return fetch_conversation(connection, connection.last_insert_rowid())

    def get(self, conversation_id: int) -> Conversation:
        with self._db.read() as connection:
            conversation = fetch_conversation(connection, conversation_id)
            count = scalar(
                connection,
                "SELECT count(*) FROM messages WHERE conversation_id = ?",
                (conversation_id,),
            )
        return _with_count(conversation, int(count))

    def exists(self, conversation_id: int) -> bool:
        with self._db.read() as connection:
            row = connection.execute(
                "SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
        return row is not None

    def recent(
        self,
        *,
        limit: int | None = 100,
        offset: int = 0,
        folder: str | None = None,
        pinned_only: bool = False,
    ) -> list[Conversation]:
        """Newest first, pinned conversations before the others, with message counts."""
        where: list[str] = []
        params: list[Any] = []
        if folder is not None:
            where.append("c.folder = ?")
            params.append(folder)
        if pinned_only:
            where.append("c.pinned = 1")
        sql = f"""
            SELECT {CONVERSATION_COLUMNS},
                   (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)
            FROM conversations c
            {"WHERE " + " AND ".join(where) if where else ""}
            ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC
            LIMIT ? OFFSET ?
        """
        params += [-1 if limit is None else limit, offset]
        with self._db.read() as connection:
            rows: list[Any] = connection.execute(sql, params).fetchall()
        return [conversation_from_row(row, int(row[11])) for row in rows]

    def count(self) -> int:
        with self._db.read() as connection:
            return int(scalar(connection, "SELECT count(*) FROM conversations"))

    def folders(self) -> list[str]:
        with self._db.read() as connection:
            rows = connection.execute(
                "SELECT DISTINCT folder FROM conversations WHERE folder IS NOT NULL ORDER BY 1"
            ).fetchall()
        return [str(row[0]) for row in rows]

    def rename(self, conversation_id: int, title: str) -> Conversation:
        return self._update(conversation_id, "title", clean_text(title), "rename the conversation")

    def set_pinned(self, conversation_id: int, pinned: bool) -> Conversation:
        return self._update(conversation_id, "pinned", int(pinned), "pin the conversation")

    def set_folder(self, conversation_id: int, folder: str | None) -> Conversation:
        value = clean_text(folder) if folder else None
        return self._update(conversation_id, "folder", value, "move the conversation")

    def set_settings(self, conversation_id: int, settings: JsonDict) -> Conversation:
        return self._update(
            conversation_id, "settings_json", settings_to_json(settings), "save the settings"
        )

    def set_model(
        self, conversation_id: int, model: str | None, model_sha256: str | None
    ) -> Conversation:
        with self._db.write("save the model choice") as connection:
            connection.execute(
                "UPDATE conversations SET model = ?, model_sha256 = ? WHERE id = ?",
                (model, model_sha256, conversation_id),
            )
            return fetch_conversation(connection, conversation_id)

    def set_active_leaf(self, conversation_id: int, message_id: int) -> Conversation:
        """Show the branch ending at ``message_id`` (use ``MessageTree.switch_to`` to pick a
        branch by any of its messages)."""
        with self._db.write("switch branches") as connection:
            row = connection.execute(
                "SELECT conversation_id FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            if row is None or int(row[0]) != conversation_id:
                raise NotFoundError(
                    f"Message {message_id} is not part of conversation {conversation_id}."
                )
            connection.execute(
                "UPDATE conversations SET active_leaf_id = ? WHERE id = ?",
                (message_id, conversation_id),
            )
            return fetch_conversation(connection, conversation_id)

    def _update(
        self, conversation_id: int, column: str, value: object, action: str
    ) -> Conversation:
        with self._db.write(action) as connection:
            connection.execute(
                f"UPDATE conversations SET {column} = ? WHERE id = ?", (value, conversation_id)
            )
            if connection.changes() == 0:
                raise NotFoundError(f"There is no conversation {conversation_id}.")
            return fetch_conversation(connection, conversation_id)


def _with_count(conversation: Conversation, count: int) -> Conversation:
    return replace(conversation, message_count=count)
