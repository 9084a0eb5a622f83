"""The plain values the store hands out: conversations, messages, attachments, stats."""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

Role = Literal["system", "user", "assistant"]
MessageStatus = Literal["streaming", "complete", "cancelled", "interrupted", "error"]
AttachmentKind = Literal["image", "document", "file"]

ROLES: tuple[Role, ...] = get_args(Role)
STATUSES: tuple[MessageStatus, ...] = get_args(MessageStatus)
FINAL_STATUSES: tuple[MessageStatus, ...] = ("complete", "cancelled", "interrupted", "error")
ATTACHMENT_KINDS: tuple[AttachmentKind, ...] = get_args(AttachmentKind)

JsonDict = dict[str, Any]


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def dump_json(value: Any) -> str:
    """Strict JSON for a column: NaN/inf become null, unknown objects become strings."""
    return json.dumps(_finite(value), ensure_ascii=False, sort_keys=True, default=str)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def ms_to_datetime(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def datetime_to_ms(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time means the user's local time
    return round(moment.timestamp() * 1000)


def iso_ms(ms: int) -> str:
    """``2026-11-26T23:30:00.123Z``: lossless for millisecond times."""
    return ms_to_datetime(ms).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso_ms(text: str) -> int:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


def decode_text(value: object) -> tuple[str, bool]:
    """Text from a column read as BLOB: (text, damaged). Invalid UTF-8 is replaced, not fatal."""
    if value is None:
        return "", False
    if isinstance(value, str):
        return value, False
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8"), False
        except UnicodeDecodeError:
            return value.decode("utf-8", errors="replace"), True
    return str(value), True


def clean_text(value: str) -> str:
    """Make text safe to store as UTF-8: lone surrogates (e.g. from JSON escapes) are replaced."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", errors="replace").decode("utf-8")
    return value


def load_json_object(value: object) -> tuple[JsonDict, bool]:
    """A JSON object column: ({}, True) when it is damaged, never an exception."""
    text, damaged = decode_text(value)
    if not text:
        return {}, damaged
    try:
        loaded = json.loads(text)
    except ValueError:
        return {}, True
    if not isinstance(loaded, dict):
        return {}, True
    return loaded, damaged


@dataclass(frozen=True)
class GenerationStats:
    """What the worker measured for one answer. Unknown values stay None."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    first_token_ms: int | None = None
    """Milliseconds from sending the prompt to the first streamed token."""
    generation_ms: int | None = None
    """Milliseconds from sending the prompt to the last token."""
    extra: JsonDict = field(default_factory=dict)
    """Anything else worth keeping (tokens/s, stop reason, sampler seed...), JSON-serialisable."""

    def to_json(self) -> JsonDict:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "first_token_ms": self.first_token_ms,
            "generation_ms": self.generation_ms,
            "extra": self.extra,
        }


@dataclass(frozen=True)
class ImageRecipe:
    """How an image was turned into model input, so the turn can be reproduced exactly."""

    mode: str
    """E.g. ``"pan_and_scan"`` or ``"resize"``."""
    crops: tuple[tuple[int, int, int, int], ...] = ()
    """Crop boxes (x0, y0, x1, y1) in original-image pixels, in the order they were sent."""
    mmproj_sha256: str | None = None
    extra: JsonDict = field(default_factory=dict)

    def to_json(self) -> JsonDict:
        return {
            "mode": self.mode,
            "crops": [list(box) for box in self.crops],
            "mmproj_sha256": self.mmproj_sha256,
            "extra": self.extra,
        }

    @classmethod
    def from_json(cls, data: JsonDict) -> ImageRecipe:
        mode = data.get("mode")
        crops = data.get("crops", [])
        mmproj = data.get("mmproj_sha256")
        extra = data.get("extra", {})
        if not isinstance(mode, str) or not isinstance(crops, list):
            raise ValueError("an image recipe needs a mode and a list of crops")
        boxes: list[tuple[int, int, int, int]] = []
        for box in crops:
            if (
                not isinstance(box, list | tuple)
                or len(box) != 4
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in box)
            ):
                raise ValueError("a crop box is four integers")
            boxes.append((box[0], box[1], box[2], box[3]))
        if mmproj is not None and not isinstance(mmproj, str):
            raise ValueError("mmproj_sha256 must be a string")
        if not isinstance(extra, dict):
            raise ValueError("extra must be an object")
        return cls(mode=mode, crops=tuple(boxes), mmproj_sha256=mmproj, extra=extra)


@dataclass(frozen=True)
class StoredBlob:
    """Bytes saved in the content-addressed attachment folder."""

    sha256: str
    size: int
    mime: str


@dataclass(frozen=True)
class AttachmentRef:
    """An attachment to add to a new message; its bytes are already in the blob store
    (``HistoryStore.put_file`` / ``put_bytes`` return the ``StoredBlob``)."""

    blob: StoredBlob
    kind: AttachmentKind
    filename: str = ""
    recipe: ImageRecipe | None = None


@dataclass(frozen=True)
class Attachment:
    id: int
    message_id: int
    position: int
    sha256: str
    kind: AttachmentKind
    filename: str
    mime: str
    size: int
    recipe: ImageRecipe | None


@dataclass(frozen=True)
class Message:
    id: int
    conversation_id: int
    parent_id: int | None
    role: Role
    content: str
    status: MessageStatus
    created_at: datetime
    updated_at: datetime
    model: str | None = None
    error: str | None = None
    stats: GenerationStats = field(default_factory=GenerationStats)
    attachments: tuple[Attachment, ...] = ()
    damaged: bool = False
    """True when the stored row could not be read back exactly (e.g. invalid UTF-8)."""


@dataclass(frozen=True)
class Conversation:
    id: int
    uid: str
    title: str
    created_at: datetime
    updated_at: datetime
    pinned: bool
    folder: str | None
    model: str | None
    model_sha256: str | None
    settings: JsonDict
    active_leaf_id: int | None
    message_count: int | None = None
    """Filled in by listings; None when not counted."""
    damaged: bool = False


@dataclass(frozen=True)
class SiblingInfo:
    """Where a message sits among its alternatives (edit / regenerate), for "2 of 3" navigation."""

    ids: tuple[int, ...]
    """The ids of all alternatives, oldest first (the message itself included)."""
    index: int
    """Position of the message in ``ids`` (0-based)."""

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class DeleteReport:
    conversation_id: int
    messages: int
    blobs_removed: int
    wal_truncated: bool
    """False if a reader kept the write-ahead log from being emptied (retried at next delete)."""
    backups_purged: int
    backups_not_purged: tuple[Path, ...] = ()
    """Automatic backups that hold the conversation but could not be changed (tell the user)."""
