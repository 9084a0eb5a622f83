"""Server-sent events (the WHATWG event-stream format) as the OpenAI streaming API uses them.

Each event's ``data`` lines are joined with ``\\n``; ``data: [DONE]`` ends the stream; comment
lines (``: keep-alive``) are ignored. The chunks must be JSON objects: anything else raises
``MalformedStreamError``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from engine.remote.errors import MalformedStreamError

__all__ = ["DONE", "SseEvent", "chunks", "parse_events"]

DONE = "[DONE]"


@dataclass(frozen=True)
class SseEvent:
    event: str
    data: str


def parse_events(lines: Iterable[str]) -> Iterator[SseEvent]:
    """The events of a stream given line by line (without line ends)."""
    data: list[str] = []
    event = ""
    for line in lines:
        if not line:
            if data:
                yield SseEvent(event or "message", "\n".join(data))
            data, event = [], ""
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "data":
            data.append(value)
        elif field == "event":
            event = value
        # "id" and "retry" mean nothing for a chat stream; unknown fields are ignored (spec).
    if data:
        yield SseEvent(event or "message", "\n".join(data))


def chunks(events: Iterable[SseEvent], name: str) -> Iterator[dict[str, Any]]:
    """The JSON chunks of a chat completion stream, up to ``[DONE]``.

    Raises:
        MalformedStreamError: a chunk that is not a JSON object, or an ``error`` event.
    """
    for event in events:
        if event.data.strip() == DONE:
            return
        try:
            chunk = json.loads(event.data)
        except ValueError:
            preview = event.data[:60].replace("\n", " ")
            raise MalformedStreamError(
                f"{name} sent a streamed answer Hearth cannot read (not JSON: {preview!r})."
            ) from None
        if not isinstance(chunk, dict):
            raise MalformedStreamError(
                f"{name} sent a streamed answer Hearth cannot read (a chunk is not an object)."
            )
        error = chunk.get("error")
        if event.event == "error" or error:
            message = error.get("message") if isinstance(error, dict) else error
            raise MalformedStreamError(
                f"{name} stopped the answer with an error: {str(message or event.data)[:200]}"
            )
        yield chunk
