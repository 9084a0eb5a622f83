"""Export conversations to Hearth JSON (lossless), Markdown, or one self-contained HTML file.

JSON keeps everything (all branches, stats, image recipes, attachment bytes in base64) and can
be imported again. Markdown and HTML show the visible branch of each conversation; HTML embeds
images as ``data:`` URIs and forbids every remote load with a Content-Security-Policy.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Literal

from engine import __version__
from engine.store.blobs import sniff_image_mime
from engine.store.errors import StoreError, friendly_errors
from engine.store.files import atomic_writer
from engine.store.records import (
    Attachment,
    Conversation,
    JsonDict,
    Message,
    datetime_to_ms,
    iso_ms,
)
from engine.store.store import HistoryStore

FORMAT_NAME = "hearth.conversations"
FORMAT_VERSION = 1
ExportFormat = Literal["json", "md", "html"]
ROLE_NAMES = {"user": "You", "assistant": "Assistant", "system": "System"}


def _iso(moment: datetime) -> str:
    return iso_ms(datetime_to_ms(moment))


def conversation_ids(store: HistoryStore, ids: Sequence[int] | None) -> list[int]:
    """The given ids (checked to exist), or every conversation, oldest first."""
    if ids is not None:
        for conversation_id in ids:
            store.conversations.get(conversation_id)  # NotFoundError for a wrong id
        return list(ids)
    return [c.id for c in reversed(store.conversations.recent(limit=None))]


def attachment_json(attachment: Attachment) -> JsonDict:
    return {
        "sha256": attachment.sha256,
        "kind": attachment.kind,
        "filename": attachment.filename,
        "mime": attachment.mime,
        "size": attachment.size,
        "recipe": attachment.recipe.to_json() if attachment.recipe else None,
    }


def message_json(message: Message) -> JsonDict:
    return {
        "id": message.id,
        "parent_id": message.parent_id,
        "role": message.role,
        "content": message.content,
        "status": message.status,
        "error": message.error,
        "model": message.model,
        "prompt_tokens": message.stats.prompt_tokens,
        "completion_tokens": message.stats.completion_tokens,
        "first_token_ms": message.stats.first_token_ms,
        "generation_ms": message.stats.generation_ms,
        "stats": message.stats.extra,
        "created_at": _iso(message.created_at),
        "updated_at": _iso(message.updated_at),
        "attachments": [attachment_json(a) for a in message.attachments],
    }


def conversation_json(conversation: Conversation, messages: Iterable[Message]) -> JsonDict:
    return {
        "id": conversation.id,
        "uid": conversation.uid,
        "title": conversation.title,
        "created_at": _iso(conversation.created_at),
        "updated_at": _iso(conversation.updated_at),
        "pinned": conversation.pinned,
        "folder": conversation.folder,
        "model": conversation.model,
        "model_sha256": conversation.model_sha256,
        "settings": conversation.settings,
        "active_leaf_id": conversation.active_leaf_id,
        "messages": [message_json(m) for m in messages],
    }


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, allow_nan=False)


def write_json(store: HistoryStore, ids: Sequence[int] | None, out: BinaryIO) -> int:
    """Stream a Hearth JSON export (one conversation in memory at a time); returns the count."""
    with store.db.read("export your history"):
        chosen = conversation_ids(store, ids)
        header = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "hearth_version": __version__,
            "exported_at": iso_ms(datetime_to_ms(datetime.now(tz=UTC))),
        }
        out.write(b"{\n")
        for key, value in header.items():
            out.write(f" {json.dumps(key)}: {json.dumps(value)},\n".encode())
        out.write(b' "conversations": [\n')
        blobs: dict[str, str] = {}
        for index, conversation_id in enumerate(chosen):
            conversation = store.conversations.get(conversation_id)
            messages = store.messages.all(conversation_id)
            for message in messages:
                for attachment in message.attachments:
                    blobs[attachment.sha256] = attachment.mime
            if index:
                out.write(b",\n")
            out.write(_dump(conversation_json(conversation, messages)).encode())
        out.write(b'\n ],\n "blobs": {')
        for index, (sha, mime) in enumerate(sorted(blobs.items())):
            data = store.blobs.read_bytes(sha)
            entry = {"mime": mime, "size": len(data), "base64": base64.b64encode(data).decode()}
            out.write((",\n" if index else "\n").encode())
            out.write(f"  {json.dumps(sha)}: {json.dumps(entry)}".encode())
        out.write(b"\n }\n}\n")
    return len(chosen)


# ---- Markdown


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _attachment_line(attachment: Attachment) -> str:
    size = f"{attachment.size / 1024:.0f} KB" if attachment.size >= 1024 else f"{attachment.size} B"
    name = attachment.filename or attachment.sha256[:12]
    return f"> Attachment: {name} ({attachment.mime}, {size}, sha256 {attachment.sha256[:16]}…)"


def _status_note(message: Message) -> str:
    if message.status == "complete":
        return ""
    note = {"streaming": "still being written", "cancelled": "stopped"}.get(
        message.status, message.status
    )
    return f"*({note}{': ' + message.error if message.error else ''})*"


def visible_branch(
    store: HistoryStore, conversation_id: int
) -> tuple[Conversation, list[Message], dict[int, list[Message]]]:
    """The conversation, its visible path, and for each path message its alternatives."""
    conversation = store.conversations.get(conversation_id)
    path = store.messages.active_path(conversation_id)
    everything = store.messages.all(conversation_id)
    by_parent: dict[int | None, list[Message]] = {}
    for message in everything:
        by_parent.setdefault(message.parent_id, []).append(message)
    alternatives = {m.id: [s for s in by_parent.get(m.parent_id, []) if s.id != m.id] for m in path}
    return conversation, path, alternatives


def markdown(store: HistoryStore, ids: Sequence[int] | None) -> str:
    parts: list[str] = []
    with store.db.read("export your history"):
        for conversation_id in conversation_ids(store, ids):
            conversation, path, alternatives = visible_branch(store, conversation_id)
            parts.append(f"# {conversation.title or 'Untitled conversation'}\n")
            facts = [f"created {_when(conversation.created_at)}"]
            if conversation.model:
                facts.append(f"model {conversation.model}")
            facts.append(f"{conversation.message_count} messages")
            if conversation.folder:
                facts.append(f"folder {conversation.folder}")
            parts.append(f"*Hearth conversation {conversation.id}: {', '.join(facts)}*\n")
            for message in path:
                others = alternatives.get(message.id, [])
                heading = f"## {ROLE_NAMES[message.role]} · {_when(message.created_at)}"
                if others:
                    heading += f" · version {_position(message, others)}/{len(others) + 1}"
                parts.append(heading + "\n")
                for attachment in message.attachments:
                    parts.append(_attachment_line(attachment) + "\n")
                parts.append(message.content.rstrip() + "\n")
                if note := _status_note(message):
                    parts.append(note + "\n")
            parts.append("---\n")
    return "\n".join(parts)


def _position(message: Message, others: list[Message]) -> int:
    return 1 + sum(1 for other in others if other.id < message.id)


# ---- HTML

_CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
color:#1d1d1f;background:#fff}
h1{font-size:1.5rem;margin-top:3rem}.meta{color:#666;font-size:.9rem}
.msg{border-radius:.6rem;padding:.6rem .9rem;margin:.8rem 0;white-space:pre-wrap;
overflow-wrap:anywhere}.user{background:#eef3ff}.assistant{background:#f5f5f5}
.system{background:#fff8e0}.who{font-weight:600;font-size:.85rem;color:#444;white-space:normal}
.status{color:#a33;font-style:italic}img{max-width:100%;border-radius:.4rem;display:block;
margin:.4rem 0}details{margin:.3rem 0 .8rem 1rem;color:#555}.file{font-size:.9rem;color:#444}
@media (prefers-color-scheme: dark){body{background:#161616;color:#e8e8e8}
.user{background:#1f2a40}.assistant{background:#242424}.system{background:#3a3220}
.who,.file,details,.meta{color:#bbb}}
"""

_IMAGE_MIMES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def _html_attachment(store: HistoryStore, attachment: Attachment) -> str:
    name = html.escape(attachment.filename or attachment.sha256[:12])
    if attachment.kind == "image":
        try:
            data = store.blobs.read_bytes(attachment.sha256)
        except (StoreError, ValueError):
            data = b""  # a missing attachment file must not stop the export
        mime = sniff_image_mime(data[:16])
        if mime in _IMAGE_MIMES:
            encoded = base64.b64encode(data).decode()
            return f'<img alt="{name}" src="data:{mime};base64,{encoded}">'
    details = f"{html.escape(attachment.mime)}, {attachment.size} bytes"
    return f'<div class="file">📎 {name} ({details})</div>'


def _html_message(store: HistoryStore, message: Message, label: str = "") -> str:
    who = f"{ROLE_NAMES[message.role]} · {_when(message.created_at)}{label}"
    body = "".join(_html_attachment(store, a) for a in message.attachments)
    status = _status_note(message)
    status_html = f'<div class="status">{html.escape(status.strip("*"))}</div>' if status else ""
    return (
        f'<div class="msg {message.role}"><div class="who">{html.escape(who)}</div>'
        f"{body}{html.escape(message.content)}{status_html}</div>"
    )


def html_document(store: HistoryStore, ids: Sequence[int] | None) -> str:
    sections: list[str] = []
    title = "Hearth conversations"
    with store.db.read("export your history"):
        chosen = conversation_ids(store, ids)
        for conversation_id in chosen:
            conversation, path, alternatives = visible_branch(store, conversation_id)
            name = conversation.title or "Untitled conversation"
            if len(chosen) == 1:
                title = name
            meta = f"Created {_when(conversation.created_at)}" + (
                f" · model {conversation.model}" if conversation.model else ""
            )
            items = [f"<h1>{html.escape(name)}</h1>", f'<p class="meta">{html.escape(meta)}</p>']
            for message in path:
                others = alternatives.get(message.id, [])
                label = (
                    f" · version {_position(message, others)}/{len(others) + 1}" if others else ""
                )
                items.append(_html_message(store, message, label))
                if others:
                    inner = "".join(_html_message(store, o) for o in others)
                    items.append(
                        f"<details><summary>{len(others)} other version"
                        f"{'s' if len(others) > 1 else ''}</summary>{inner}</details>"
                    )
            sections.append(f"<section>{''.join(items)}</section>")
    csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(sections)
        + f'<p class="meta">Exported by Hearth {__version__}.</p></body></html>\n'
    )


def export_to_file(
    store: HistoryStore, ids: Sequence[int] | None, fmt: ExportFormat, destination: Path
) -> int:
    """Write an export atomically (complete file or none); returns the conversation count."""
    count = len(conversation_ids(store, ids))
    with friendly_errors(destination, "export"), atomic_writer(destination) as out:
        if fmt == "json":
            write_json(store, ids, out)
        elif fmt == "md":
            out.write(markdown(store, ids).encode())
        else:
            out.write(html_document(store, ids).encode())
    return count
