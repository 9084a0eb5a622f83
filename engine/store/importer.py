"""Import a Hearth JSON export: every branch, stat, recipe and attachment, all or nothing.

The file is untrusted input: every field is type-checked, attachment bytes must match their
SHA-256, the message graph must be a forest inside each conversation, and text is made valid
UTF-8. A conversation whose ``uid`` is already in the store is skipped (importing the same
export twice changes nothing) unless ``on_conflict="copy"``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import apsw

from engine.store.blobs import is_sha256
from engine.store.errors import ImportFormatError, StoreError
from engine.store.export import FORMAT_NAME, FORMAT_VERSION
from engine.store.records import (
    ATTACHMENT_KINDS,
    ROLES,
    STATUSES,
    ImageRecipe,
    clean_text,
    parse_iso_ms,
)
from engine.store.store import HistoryStore

MAX_IMPORT_BYTES = 4 * 1024**3
OnConflict = Literal["skip", "copy"]


@dataclass
class ImportReport:
    imported: list[int] = field(default_factory=list)
    """New conversation ids, in file order."""
    skipped: list[str] = field(default_factory=list)
    """uids already present (not imported again)."""
    messages: int = 0
    blobs: int = 0


class _Reader:
    """Typed access to untrusted JSON with a readable path in every error."""

    def __init__(self, data: Any, where: str) -> None:
        self.data = data
        self.where = where

    def fail(self, problem: str) -> ImportFormatError:
        return ImportFormatError(f"This file is not a valid Hearth export: {self.where} {problem}.")

    def obj(self) -> dict[str, Any]:
        if not isinstance(self.data, dict):
            raise self.fail("should be an object")
        return self.data

    def get(self, key: str) -> _Reader:
        return _Reader(self.obj().get(key), f"{self.where}.{key}")

    def str_(self, *, optional: bool = False) -> str | None:
        if self.data is None and optional:
            return None
        if not isinstance(self.data, str):
            raise self.fail("should be text")
        return clean_text(self.data)

    def text(self) -> str:
        value = self.str_()
        assert value is not None
        return value

    def int_(self, *, optional: bool = False) -> int | None:
        if self.data is None and optional:
            return None
        if not isinstance(self.data, int) or isinstance(self.data, bool):
            raise self.fail("should be a whole number")
        return self.data

    def bool_(self) -> bool:
        if not isinstance(self.data, bool):
            raise self.fail("should be true or false")
        return self.data

    def time(self) -> int:
        try:
            return parse_iso_ms(self.text())
        except ValueError:
            raise self.fail("should be an ISO date and time") from None

    def items(self) -> list[_Reader]:
        if not isinstance(self.data, list):
            raise self.fail("should be a list")
        return [_Reader(item, f"{self.where}[{i}]") for i, item in enumerate(self.data)]

    def choice(self, allowed: tuple[str, ...]) -> str:
        value = self.text()
        if value not in allowed:
            raise self.fail(f"should be one of {', '.join(allowed)}")
        return value


def _json_column(value: Any, reader: _Reader) -> str | None:
    if value in (None, {}):
        return None
    if not isinstance(value, dict):
        raise reader.fail("should be an object")
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def read_export(path: Path) -> Any:
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise ImportFormatError(f"{path.name} is too large to be a Hearth export.")
        with path.open("rb") as handle:
            return json.load(handle)
    except OSError as exc:
        raise StoreError(f"Could not read {path}: {exc.strerror or exc}.") from exc
    except (ValueError, RecursionError) as exc:
        raise ImportFormatError(
            f"{path.name} is not a Hearth export (it is not valid JSON)."
        ) from exc


def import_file(
    store: HistoryStore, path: Path, *, on_conflict: OnConflict = "skip"
) -> ImportReport:
    return import_data(store, read_export(path), on_conflict=on_conflict)


@dataclass(frozen=True)
class _Attachment:
    sha256: str
    kind: str
    filename: str
    mime: str
    size: int
    recipe_json: str | None


@dataclass(frozen=True)
class _Message:
    old_id: int
    old_parent: int | None
    row: tuple[Any, ...]
    """role, content, status, error, model, prompt/completion tokens, timings, stats, times."""
    attachments: tuple[_Attachment, ...]


@dataclass(frozen=True)
class _Conversation:
    uid: str
    row: tuple[Any, ...]
    """title, created_at, updated_at, pinned, folder, model, model_sha256, settings_json."""
    messages: tuple[_Message, ...]
    """Parents before children."""
    active_leaf: int | None


def parse_export(data: Any) -> tuple[list[_Conversation], dict[str, bytes]]:
    """Validate a whole export without touching the store: conversations and blob bytes."""
    root = _Reader(data, "file")
    if root.get("format").data != FORMAT_NAME:
        raise ImportFormatError("This file is not a Hearth export (its format marker is missing).")
    version = root.get("version").int_()
    if version is None or version > FORMAT_VERSION:
        raise ImportFormatError(
            "This export was made by a newer Hearth; update Hearth to import it."
        )
    conversations = [_parse_conversation(c) for c in root.get("conversations").items()]
    blob_table = root.get("blobs")
    blobs: dict[str, bytes] = {}
    for sha, entry_data in (blob_table.obj() if blob_table.data is not None else {}).items():
        entry = _Reader(entry_data, f"file.blobs.{str(sha)[:12]}")
        try:
            payload = base64.b64decode(entry.get("base64").text(), validate=True)
        except (binascii.Error, ValueError):
            raise entry.fail("is not valid base64") from None
        if hashlib.sha256(payload).hexdigest() != sha:
            raise entry.fail("does not match its SHA-256 (the file is damaged)")
        blobs[sha] = payload
    return conversations, blobs


def _parse_conversation(source: _Reader) -> _Conversation:
    settings = source.get("settings")
    row = (
        source.get("title").text(),
        source.get("created_at").time(),
        source.get("updated_at").time(),
        int(source.get("pinned").bool_()),
        source.get("folder").str_(optional=True),
        source.get("model").str_(optional=True),
        source.get("model_sha256").str_(optional=True),
        _json_column(settings.data, settings) or "{}",
    )
    parsed = [_parse_message(m) for m in source.get("messages").items()]
    by_id: dict[int, _Message] = {}
    for message in parsed:
        if message.old_id in by_id:
            raise ImportFormatError(
                f"This file is not a valid Hearth export: message id {message.old_id} is used "
                "twice in one conversation."
            )
        by_id[message.old_id] = message
    ordered: list[_Message] = []
    placed: set[int] = set()
    pending = parsed
    while pending:  # parents before children; what never fits is a cycle or a dangling parent
        deferred = [m for m in pending if m.old_parent is not None and m.old_parent not in placed]
        for message in pending:
            if message.old_parent is None or message.old_parent in placed:
                ordered.append(message)
                placed.add(message.old_id)
        if len(deferred) == len(pending):
            raise ImportFormatError(
                f"This file is not a valid Hearth export: message {deferred[0].old_id}'s "
                "parent_id points to no message of this conversation."
            )
        pending = [m for m in deferred if m.old_id not in placed]
    leaf = source.get("active_leaf_id").int_(optional=True)
    if leaf is not None and leaf not in by_id:
        raise source.get("active_leaf_id").fail("points to no message of this conversation")
    return _Conversation(source.get("uid").text(), row, tuple(ordered), leaf)


def _parse_message(message: _Reader) -> _Message:
    status = message.get("status").choice(STATUSES)
    if status == "streaming":
        status = "interrupted"  # an import never creates a live stream
    stats = message.get("stats")
    created = message.get("created_at").time()
    row = (
        message.get("role").choice(ROLES),
        message.get("content").text(),
        status,
        message.get("error").str_(optional=True),
        message.get("model").str_(optional=True),
        message.get("prompt_tokens").int_(optional=True),
        message.get("completion_tokens").int_(optional=True),
        message.get("first_token_ms").int_(optional=True),
        message.get("generation_ms").int_(optional=True),
        _json_column(stats.data, stats),
        created,
        message.get("updated_at").time(),
    )
    attachments: list[_Attachment] = []
    for attachment in message.get("attachments").items():
        sha = attachment.get("sha256").text()
        if not is_sha256(sha):
            raise attachment.get("sha256").fail("is not a SHA-256")
        recipe = attachment.get("recipe")
        recipe_json: str | None = None
        if recipe.data is not None:
            try:
                recipe_json = json.dumps(ImageRecipe.from_json(recipe.obj()).to_json())
            except ValueError as exc:
                raise recipe.fail(str(exc)) from None
        size = attachment.get("size").int_()
        assert size is not None
        attachments.append(
            _Attachment(
                sha,
                attachment.get("kind").choice(ATTACHMENT_KINDS),
                attachment.get("filename").text(),
                attachment.get("mime").text(),
                size,
                recipe_json,
            )
        )
    old_id = message.get("id").int_()
    assert old_id is not None
    return _Message(old_id, message.get("parent_id").int_(optional=True), row, tuple(attachments))


def import_data(
    store: HistoryStore, data: Any, *, on_conflict: OnConflict = "skip"
) -> ImportReport:
    """Validate the whole export first, then write attachment files, then insert every
    conversation in one transaction; on any error nothing is left behind."""
    conversations, blobs = parse_export(data)
    needed = {a.sha256: a.mime for c in conversations for m in c.messages for a in m.attachments}
    report = ImportReport()
    written: list[str] = []
    try:
        for sha, mime in needed.items():
            if store.blobs.exists(sha):
                continue
            if sha not in blobs:
                raise ImportFormatError(
                    f"This file is not a valid Hearth export: attachment {sha[:12]} is missing."
                )
            store.blobs.put_bytes(blobs[sha], mime)
            written.append(sha)
        with store.db.write("import the conversations") as connection:
            for conversation in conversations:
                _insert_conversation(connection, conversation, on_conflict, report)
    except BaseException:
        for sha in written:
            store.blobs.remove(sha)
        raise
    report.blobs = len(written)
    return report


def _insert_conversation(
    connection: apsw.Connection,
    conversation: _Conversation,
    on_conflict: OnConflict,
    report: ImportReport,
) -> None:
    uid = conversation.uid
    exists = connection.execute("SELECT 1 FROM conversations WHERE uid = ?", (uid,)).fetchone()
    if exists is not None:
        if on_conflict == "skip":
            report.skipped.append(uid)
            return
        uid = str(uuid.uuid4())
    connection.execute(
        """
        INSERT INTO conversations (uid, title, created_at, updated_at, pinned, folder, model,
                                   model_sha256, settings_json)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (uid, *conversation.row),
    )
    conversation_id = connection.last_insert_rowid()
    new_ids: dict[int, int] = {}
    for message in conversation.messages:
        parent = None if message.old_parent is None else new_ids[message.old_parent]
        connection.execute(
            """
            INSERT INTO messages (conversation_id, parent_id, role, content, status, error,
                model, prompt_tokens, completion_tokens, first_token_ms, generation_ms,
                stats_json, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (conversation_id, parent, *message.row),
        )
        message_id = connection.last_insert_rowid()
        new_ids[message.old_id] = message_id
        for position, attachment in enumerate(message.attachments):
            connection.execute(
                "INSERT INTO blobs (sha256, size, mime, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (sha256) DO NOTHING",
                (attachment.sha256, attachment.size, attachment.mime, message.row[10]),
            )
            connection.execute(
                "INSERT INTO attachments (message_id, position, sha256, kind, filename, "
                "recipe_json) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    message_id,
                    position,
                    attachment.sha256,
                    attachment.kind,
                    attachment.filename,
                    attachment.recipe_json,
                ),
            )
        report.messages += 1
    if conversation.active_leaf is not None:
        connection.execute(
            "UPDATE conversations SET active_leaf_id = ? WHERE id = ?",
            (new_ids[conversation.active_leaf], conversation_id),
        )
    report.imported.append(conversation_id)
