"""Messages as a tree: every edit or regenerate adds a sibling, so old branches are kept.

A conversation's visible transcript is the path from a root to its *active leaf*. Adding a
message makes it the active leaf; ``switch_to`` picks another branch ("2 of 3" navigation).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Sequence
from typing import Literal

import apsw

from engine.store.blobs import BlobStore
from engine.store.conversations import fetch_conversation, title_from_text, touch
from engine.store.database import READ_ONLY_MESSAGE, Database
from engine.store.errors import NotFoundError, StoreError, StoreReadOnlyError
from engine.store.recorder import FLUSH_INTERVAL, AnswerRecorder
from engine.store.records import (
    ROLES,
    STATUSES,
    AttachmentRef,
    GenerationStats,
    Message,
    MessageStatus,
    Role,
    SiblingInfo,
    clean_text,
    now_ms,
)
from engine.store.rows import MESSAGE_COLUMNS, fetch_message, messages_from_rows, stats_columns


class _Parent(enum.Enum):
    ACTIVE_LEAF = "active-leaf"


ACTIVE_LEAF: Literal[_Parent.ACTIVE_LEAF] = _Parent.ACTIVE_LEAF
"""Default parent of a new message: the conversation's current active leaf."""

ParentRef = int | None | Literal[_Parent.ACTIVE_LEAF]
"""A message id, ``None`` for a new root, or ``ACTIVE_LEAF``."""

_PATH_SQL = f"""
    WITH RECURSIVE up(id, depth) AS (
        SELECT ?, 0
        UNION ALL
        SELECT m.parent_id, up.depth + 1 FROM messages m JOIN up ON m.id = up.id
        WHERE m.parent_id IS NOT NULL
        LIMIT ?
    )
    SELECT {MESSAGE_COLUMNS} FROM up JOIN messages m ON m.id = up.id ORDER BY up.depth DESC
"""

_SUBTREE_SQL = """
    WITH RECURSIVE sub(id) AS (
        SELECT id FROM messages WHERE id = :root
        UNION ALL
        SELECT m.id FROM messages m JOIN sub ON m.parent_id = sub.id
        WHERE m.conversation_id = :conversation
    )
"""


def newest_leaf_under(connection: apsw.Connection, message_id: int, conversation_id: int) -> int:
    """The most recently created leaf in the subtree of ``message_id`` (itself if a leaf)."""
    row = connection.execute(
        _SUBTREE_SQL
        + """
        SELECT max(s.id) FROM sub s
        WHERE NOT EXISTS (
            SELECT 1 FROM messages c WHERE c.conversation_id = :conversation AND c.parent_id = s.id
        )
        """,
        {"root": message_id, "conversation": conversation_id},
    ).fetchone()
    return int(row[0]) if row is not None and row[0] is not None else message_id


class MessageTree:
    """Adding, reading and navigating the messages of conversations."""

    def __init__(self, db: Database, blobs: BlobStore, writer_token: Callable[[], str]) -> None:
        self._db = db
        self._blobs = blobs
        self._writer_token = writer_token

    # ---- Writing

    def add(
        self,
        conversation_id: int,
        role: Role,
        content: str,
        *,
        parent: ParentRef = ACTIVE_LEAF,
        status: MessageStatus = "complete",
        model: str | None = None,
        stats: GenerationStats | None = None,
        error: str | None = None,
        attachments: Sequence[AttachmentRef] = (),
    ) -> Message:
        """Insert one message (and its attachments) in one committed transaction.

        The new message becomes the conversation's active leaf. ``parent`` is a message id of
        the same conversation, ``None`` for a new root, or ``ACTIVE_LEAF`` (the default).
        Use ``start_assistant`` for an answer that is still being generated.
        """
        if status == "streaming":
            raise ValueError("use start_assistant for a streaming answer")
        return self._insert(
            conversation_id,
            role,
            content,
            parent=parent,
            status=status,
            model=model,
            stats=stats,
            error=error,
            attachments=attachments,
            writer=None,
        )

    def _insert(
        self,
        conversation_id: int,
        role: Role,
        content: str,
        *,
        parent: ParentRef,
        status: MessageStatus,
        model: str | None,
        stats: GenerationStats | None,
        error: str | None,
        attachments: Sequence[AttachmentRef],
        writer: str | None,
    ) -> Message:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        for ref in attachments:
            if not self._blobs.exists(ref.blob.sha256):
                raise StoreError(
                    f"The attachment {ref.filename or ref.blob.sha256[:12]} was not saved first."
                )
        when = now_ms()
        text = clean_text(content)
        with self._db.write("save the message") as connection:
            conversation = fetch_conversation(connection, conversation_id)
            parent_id = conversation.active_leaf_id if parent is ACTIVE_LEAF else parent
            if parent_id is not None:
                owner = connection.execute(
                    "SELECT conversation_id FROM messages WHERE id = ?", (parent_id,)
                ).fetchone()
                if owner is None or int(owner[0]) != conversation_id:
                    raise NotFoundError(
                        f"Message {parent_id} is not part of conversation {conversation_id}."
                    )
            connection.execute(
                """
                INSERT INTO messages
                    (conversation_id, parent_id, role, content, status, error, writer, model,
                     prompt_tokens, completion_tokens, first_token_ms, generation_ms,
                     stats_json, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    conversation_id,
                    parent_id,
                    role,
                    text,
                    status,
                    error,
                    writer,
                    model,
                    *stats_columns(stats),
                    when,
                    when,
                ),
            )
            message_id = connection.last_insert_rowid()
            for position, ref in enumerate(attachments):
                connection.execute(
                    "INSERT INTO blobs (sha256, size, mime, created_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (sha256) DO NOTHING",
                    (ref.blob.sha256, ref.blob.size, ref.blob.mime, when),
                )
                connection.execute(
                    "INSERT INTO attachments (message_id, position, sha256, kind, filename, "
                    "recipe_json) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        message_id,
                        position,
                        ref.blob.sha256,
                        ref.kind,
                        clean_text(ref.filename),
                        json.dumps(ref.recipe.to_json()) if ref.recipe else None,
                    ),
                )
            connection.execute(
                "UPDATE conversations SET active_leaf_id = ? WHERE id = ?",
                (message_id, conversation_id),
            )
            if role == "user" and not conversation.title:
                connection.execute(
                    "UPDATE conversations SET title = ? WHERE id = ?",
                    (title_from_text(text), conversation_id),
                )
            touch(connection, conversation_id, when)
            return fetch_message(connection, message_id)

    def add_user(
        self,
        conversation_id: int,
        content: str,
        *,
        parent: ParentRef = ACTIVE_LEAF,
        attachments: Sequence[AttachmentRef] = (),
    ) -> Message:
        """The user's turn, committed before generation starts. To edit-and-resend, pass the
        edited message's ``parent_id`` as ``parent``: the new text becomes a sibling."""
        return self.add(conversation_id, "user", content, parent=parent, attachments=attachments)

    def start_assistant(
        self,
        conversation_id: int,
        *,
        parent: ParentRef = ACTIVE_LEAF,
        model: str | None = None,
        flush_interval: float = FLUSH_INTERVAL,
    ) -> AnswerRecorder:
        """Commit an empty assistant message in 'streaming' state and return its recorder.

        To regenerate, pass the user message being answered again as ``parent``: the new
        answer becomes a sibling of the old one, which is kept.
        """
        if self._db.read_only:
            raise StoreReadOnlyError(READ_ONLY_MESSAGE)
        message = self._insert(
            conversation_id,
            "assistant",
            "",
            parent=parent,
            status="streaming",
            model=model,
            stats=None,
            error=None,
            attachments=(),
            writer=self._writer_token(),
        )
        return AnswerRecorder(self._db, message, flush_interval=flush_interval)

    def resume_assistant(
        self,
        message_id: int,
        *,
        model: str | None = None,
        flush_interval: float = FLUSH_INTERVAL,
    ) -> AnswerRecorder:
        """Reopen an answer that stopped early (cancelled, interrupted, cut at the token limit)
        so it can be continued: it goes back to 'streaming', becomes the active leaf and its
        recorder starts from the saved text (trailing whitespace dropped, as the model sees
        it). Only an answer nothing follows can be continued; a row another process is
        streaming into cannot.
        """
        if self._db.read_only:
            raise StoreReadOnlyError(READ_ONLY_MESSAGE)
        with self._db.write("continue the answer") as connection:
            message = fetch_message(connection, message_id)
            if message.role != "assistant":
                raise StoreError(f"Message {message_id} is not an answer.")
            if message.status == "streaming":
                raise StoreError("This answer is still being written.")
            child = connection.execute(
                "SELECT 1 FROM messages WHERE parent_id = ? LIMIT 1", (message_id,)
            ).fetchone()
            if child is not None:
                raise StoreError("Only the last answer of a conversation can be continued.")
            connection.execute(
                "UPDATE messages SET content = ?, status = 'streaming', error = NULL, "
                "writer = ?, model = COALESCE(?, model), updated_at = ? WHERE id = ?",
                (
                    message.content.rstrip(),
                    self._writer_token(),
                    model,
                    now_ms(),
                    message_id,
                ),
            )
            connection.execute(
                "UPDATE conversations SET active_leaf_id = ? WHERE id = ?",
                (message_id, message.conversation_id),
            )
            touch(connection, message.conversation_id, now_ms())
            reopened = fetch_message(connection, message_id)
        return AnswerRecorder(self._db, reopened, flush_interval=flush_interval)

    def delete_branch(self, message_id: int) -> int:
        """Delete a message and everything below it; returns how many messages went.

        If the active leaf was in that branch, the newest remaining leaf under the parent (or
        the newest leaf of the conversation) becomes active. Attachment files left without a
        message are removed by ``HistoryStore.delete_branch``, which wraps this.
        """
        with self._db.write("delete the messages") as connection:
            message = fetch_message(connection, message_id)
            conversation = fetch_conversation(connection, message.conversation_id)
            params = {"root": message_id, "conversation": message.conversation_id}
            ids = [
                int(row[0])
                for row in connection.execute(_SUBTREE_SQL + "SELECT id FROM sub", params)
            ]
            connection.execute(
                _SUBTREE_SQL + "DELETE FROM messages WHERE id IN (SELECT id FROM sub)", params
            )
            if conversation.active_leaf_id is None or conversation.active_leaf_id in ids:
                anchor = message.parent_id
                if anchor is not None:
                    leaf: int | None = newest_leaf_under(
                        connection, anchor, message.conversation_id
                    )
                else:
                    row = connection.execute(
                        "SELECT max(id) FROM messages m WHERE conversation_id = ? AND NOT EXISTS "
                        "(SELECT 1 FROM messages c WHERE c.conversation_id = m.conversation_id "
                        "AND c.parent_id = m.id)",
                        (message.conversation_id,),
                    ).fetchone()
                    leaf = int(row[0]) if row is not None and row[0] is not None else None
                connection.execute(
                    "UPDATE conversations SET active_leaf_id = ? WHERE id = ?",
                    (leaf, message.conversation_id),
                )
            touch(connection, message.conversation_id, now_ms())
            return len(ids)

    def switch_to(self, message_id: int) -> list[Message]:
        """Make the branch through ``message_id`` the visible one (its newest leaf becomes the
        active leaf) and return the new active path."""
        with self._db.write("switch branches") as connection:
            message = fetch_message(connection, message_id)
            leaf = newest_leaf_under(connection, message_id, message.conversation_id)
            connection.execute(
                "UPDATE conversations SET active_leaf_id = ? WHERE id = ?",
                (leaf, message.conversation_id),
            )
            return self._path(connection, leaf, None)

    # ---- Reading

    def get(self, message_id: int) -> Message:
        with self._db.read() as connection:
            return fetch_message(connection, message_id)

    def active_path(self, conversation_id: int, *, limit: int | None = None) -> list[Message]:
        """The visible transcript, root → active leaf. With ``limit``, only the last ``limit``
        messages (the newest), still in root → leaf order."""
        with self._db.read() as connection:
            conversation = fetch_conversation(connection, conversation_id)
            leaf = conversation.active_leaf_id
            if leaf is None:
                return []
            return self._path(connection, leaf, limit)

    def path_to(self, message_id: int, *, limit: int | None = None) -> list[Message]:
        """Root → ``message_id`` (the last ``limit`` messages of it, if given)."""
        with self._db.read() as connection:
            fetch_message(connection, message_id)
            return self._path(connection, message_id, limit)

    def _path(self, connection: apsw.Connection, leaf: int, limit: int | None) -> list[Message]:
        rows = connection.execute(_PATH_SQL, (leaf, -1 if limit is None else limit)).fetchall()
        return messages_from_rows(connection, rows)

    def all(self, conversation_id: int) -> list[Message]:
        """Every message of the conversation, all branches, oldest first (parents first)."""
        with self._db.read() as connection:
            fetch_conversation(connection, conversation_id)
            rows = connection.execute(
                f"SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = ? "
                "ORDER BY m.id",
                (conversation_id,),
            ).fetchall()
            return messages_from_rows(connection, rows)

    def siblings(self, message_id: int) -> SiblingInfo:
        """The alternatives of a message (itself included) for "2 of 3" navigation."""
        with self._db.read() as connection:
            message = fetch_message(connection, message_id)
            return self._sibling_infos(connection, [message])[message_id]

    def sibling_infos(self, messages: Sequence[Message]) -> dict[int, SiblingInfo]:
        """``siblings`` for many messages at once (e.g. a whole displayed path)."""
        with self._db.read() as connection:
            return self._sibling_infos(connection, messages)

    @staticmethod
    def _sibling_infos(
        connection: apsw.Connection, messages: Sequence[Message]
    ) -> dict[int, SiblingInfo]:
        groups: dict[tuple[int, int | None], list[int]] = {}
        for key in {(m.conversation_id, m.parent_id) for m in messages}:
            rows = connection.execute(
                "SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? ORDER BY id",
                key,
            )
            groups[key] = [int(row[0]) for row in rows]
        infos: dict[int, SiblingInfo] = {}
        for message in messages:
            ids = groups[(message.conversation_id, message.parent_id)]
            index = ids.index(message.id) if message.id in ids else 0
            infos[message.id] = SiblingInfo(ids=tuple(ids), index=index)
        return infos
