"""Turning result rows into records, tolerating damaged rows (flagged, never fatal)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, cast

import apsw

from engine.store.errors import NotFoundError
from engine.store.records import (
    ATTACHMENT_KINDS,
    ROLES,
    STATUSES,
    Attachment,
    AttachmentKind,
    Conversation,
    GenerationStats,
    ImageRecipe,
    Message,
    MessageStatus,
    Role,
    decode_text,
    dump_json,
    load_json_object,
    ms_to_datetime,
)

CONVERSATION_COLUMNS = """
    c.id, c.uid, CAST(c.title AS BLOB), c.created_at, c.updated_at, c.pinned, c.folder,
    c.model, c.model_sha256, CAST(c.settings_json AS BLOB), c.active_leaf_id
"""

MESSAGE_COLUMNS = """
    m.id, m.conversation_id, m.parent_id, m.role, CAST(m.content AS BLOB), m.status,
    m.created_at, m.updated_at, m.model, CAST(m.error AS BLOB), m.prompt_tokens,
    m.completion_tokens, m.first_token_ms, m.generation_ms, CAST(m.stats_json AS BLOB)
"""

ATTACHMENT_QUERY = """
    SELECT a.id, a.message_id, a.position, a.sha256, a.kind, CAST(a.filename AS BLOB),
           b.mime, b.size, CAST(a.recipe_json AS BLOB)
    FROM attachments a JOIN blobs b ON b.sha256 = a.sha256
    WHERE a.message_id IN (SELECT value FROM json_each(?))
    ORDER BY a.message_id, a.position
"""


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text, _ = decode_text(value)
    return text


def scalar(connection: apsw.Connection, sql: str, params: Sequence[Any] = ()) -> Any:
    """The first column of the first row (None when there is no row)."""
    row = connection.execute(sql, tuple(params)).fetchone()
    return None if row is None else row[0]


def conversation_from_row(row: Sequence[Any], message_count: int | None = None) -> Conversation:
    title, title_damaged = decode_text(row[2])
    settings, settings_damaged = load_json_object(row[9])
    return Conversation(
        id=int(row[0]),
        uid=str(row[1]),
        title=title,
        created_at=ms_to_datetime(int(row[3])),
        updated_at=ms_to_datetime(int(row[4])),
        pinned=bool(row[5]),
        folder=_str_or_none(row[6]),
        model=_str_or_none(row[7]),
        model_sha256=_str_or_none(row[8]),
        settings=settings,
        active_leaf_id=_int_or_none(row[10]),
        message_count=message_count,
        damaged=title_damaged or settings_damaged,
    )


def message_from_row(row: Sequence[Any], attachments: tuple[Attachment, ...] = ()) -> Message:
    content, content_damaged = decode_text(row[4])
    error = _str_or_none(row[9])
    extra, stats_damaged = load_json_object(row[14])
    role = row[3] if row[3] in ROLES else "assistant"
    status = row[5] if row[5] in STATUSES else "error"
    return Message(
        id=int(row[0]),
        conversation_id=int(row[1]),
        parent_id=_int_or_none(row[2]),
        role=cast(Role, role),
        content=content,
        status=cast(MessageStatus, status),
        created_at=ms_to_datetime(int(row[6])),
        updated_at=ms_to_datetime(int(row[7])),
        model=_str_or_none(row[8]),
        error=error,
        stats=GenerationStats(
            prompt_tokens=_int_or_none(row[10]),
            completion_tokens=_int_or_none(row[11]),
            first_token_ms=_int_or_none(row[12]),
            generation_ms=_int_or_none(row[13]),
            extra=extra,
        ),
        attachments=attachments,
        damaged=content_damaged or stats_damaged or role != row[3] or status != row[5],
    )


def attachment_from_row(row: Sequence[Any]) -> Attachment:
    recipe: ImageRecipe | None = None
    data, _damaged = load_json_object(row[8])
    if data:
        try:
            recipe = ImageRecipe.from_json(data)
        except ValueError:
            recipe = None
    filename, _ = decode_text(row[5])
    kind = row[4] if row[4] in ATTACHMENT_KINDS else "file"
    return Attachment(
        id=int(row[0]),
        message_id=int(row[1]),
        position=int(row[2]),
        sha256=str(row[3]),
        kind=cast(AttachmentKind, kind),
        filename=filename,
        mime=str(row[6]),
        size=int(row[7]),
        recipe=recipe,
    )


def load_attachments(
    connection: apsw.Connection, message_ids: Iterable[int]
) -> dict[int, tuple[Attachment, ...]]:
    ids = list(message_ids)
    if not ids:
        return {}
    grouped: dict[int, list[Attachment]] = {}
    for row in connection.execute(ATTACHMENT_QUERY, (json.dumps(ids),)):
        attachment = attachment_from_row(row)
        grouped.setdefault(attachment.message_id, []).append(attachment)
    return {key: tuple(value) for key, value in grouped.items()}


def messages_from_rows(connection: apsw.Connection, rows: Iterable[Sequence[Any]]) -> list[Message]:
    materialised = list(rows)
    attachments = load_attachments(connection, (int(row[0]) for row in materialised))
    return [message_from_row(row, attachments.get(int(row[0]), ())) for row in materialised]


def fetch_messages(connection: apsw.Connection, ids: Sequence[int]) -> list[Message]:
    rows = connection.execute(
        f"SELECT {MESSAGE_COLUMNS} FROM messages m "
        "WHERE m.id IN (SELECT value FROM json_each(?)) ORDER BY m.id",
        (json.dumps(list(ids)),),
    ).fetchall()
    return messages_from_rows(connection, rows)


def fetch_message(connection: apsw.Connection, message_id: int) -> Message:
    found = fetch_messages(connection, [message_id])
    if not found:
        raise NotFoundError(f"There is no message {message_id}.")
    return found[0]


def stats_columns(stats: GenerationStats | None) -> tuple[object, ...]:
    stats = stats or GenerationStats()
    extra = dump_json(stats.extra) if stats.extra else None
    return (
        stats.prompt_tokens,
        stats.completion_tokens,
        stats.first_token_ms,
        stats.generation_ms,
        extra,
    )
