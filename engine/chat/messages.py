"""The chat message type shared by the engine, the worker protocol, the store and the GUI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class ChatMessage:
    """One turn of a conversation as the model sees it.

    ``images`` holds opaque image references for vision models (tile plans made by
    ``engine.vision``); text-only models ignore them.
    """

    role: Role
    content: str
    images: tuple[object, ...] = field(default=())
