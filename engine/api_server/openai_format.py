"""OpenAI request bodies turned into what the worker takes, and the replies built back.

Only what Hearth can honour is accepted; anything else is a 400 with a sentence that says which
field is wrong (the OpenAI error shape: ``{"error": {"message", "type", "param", "code"}}``).
Images come only as ``data:`` URIs: the server never fetches a URL.
"""

from __future__ import annotations

import base64
import binascii
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from engine.chat import gemma_format
from engine.chat.messages import ChatMessage, Role
from engine.chat.sampling import SamplingParams
from engine.vision.attachment import ImageAttachment
from engine.worker import protocol as p

MAX_STOP_SEQUENCES: Final = 4
_ROLES: Final[Mapping[str, Role]] = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "assistant": "assistant",
}


class ApiError(Exception):
    """A request the server refuses; becomes an OpenAI-shaped JSON error."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        kind: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.param = param
        self.code = code
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.kind,
                "param": self.param,
                "code": self.code,
            }
        }


def _bad(message: str, param: str | None = None) -> ApiError:
    return ApiError(400, message, param=param)


@dataclass(frozen=True)
class GenerationRequest:
    """One chat or completion request, checked."""

    sampling: SamplingParams
    max_tokens: int
    stream: bool
    include_usage: bool
    stop: tuple[str, ...]
    messages: tuple[ChatMessage, ...] = ()
    continue_answer: bool = False
    prompt: str | None = None  # /v1/completions: the raw text to continue
    echo: bool = False
    images: int = field(default=0)


def _number(body: Mapping[str, Any], name: str, low: float, high: float) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _bad(f"'{name}' must be a number.", name)
    if not low <= value <= high:
        raise _bad(f"'{name}' must be between {low:g} and {high:g}, not {value:g}.", name)
    return float(value)


def _integer(body: Mapping[str, Any], name: str, low: int, high: int) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(f"'{name}' must be a whole number.", name)
    if not low <= value <= high:
        raise _bad(f"'{name}' must be between {low} and {high}, not {value}.", name)
    return value


def _sampling(body: Mapping[str, Any], default: SamplingParams) -> SamplingParams:
    temperature = _number(body, "temperature", 0.0, 2.0)
    top_p = _number(body, "top_p", 0.0, 1.0)
    top_k = _integer(body, "top_k", 0, 1000)  # llama.cpp-style extensions
    min_p = _number(body, "min_p", 0.0, 1.0)
    repeat_penalty = _number(body, "repeat_penalty", 0.5, 2.0)
    seed = _integer(body, "seed", 0, 2**32 - 1)
    return SamplingParams(
        temperature=default.temperature if temperature is None else temperature,
        top_k=default.top_k if top_k is None else top_k,
        top_p=default.top_p if top_p is None else top_p,
        min_p=default.min_p if min_p is None else min_p,
        repeat_penalty=default.repeat_penalty if repeat_penalty is None else repeat_penalty,
        seed=default.seed if seed is None else seed,
    )


def _stop(body: Mapping[str, Any]) -> tuple[str, ...]:
    value = body.get("stop")
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(s, str) and s for s in items):
        raise _bad("'stop' must be a string or a list of non-empty strings.", "stop")
    if len(items) > MAX_STOP_SEQUENCES:
        raise _bad(f"'stop' takes at most {MAX_STOP_SEQUENCES} sequences.", "stop")
    return tuple(items)


def _common(
    body: Mapping[str, Any], default: SamplingParams, max_tokens_limit: int
) -> dict[str, Any]:
    n = _integer(body, "n", 1, 1_000_000)
    if n not in (None, 1):
        raise _bad("Hearth generates one choice per request ('n' must be 1).", "n")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise _bad("'stream' must be true or false.", "stream")
    options = body.get("stream_options") or {}
    if not isinstance(options, dict):
        raise _bad("'stream_options' must be an object.", "stream_options")
    include_usage = options.get("include_usage", False)
    if not isinstance(include_usage, bool):
        raise _bad("'stream_options.include_usage' must be true or false.", "stream_options")
    max_tokens = _integer(body, "max_completion_tokens", 1, max_tokens_limit)
    if max_tokens is None:
        max_tokens = _integer(body, "max_tokens", 1, max_tokens_limit)
    try:
        sampling = _sampling(body, default)
    except ValueError as exc:  # pragma: no cover - the bounds above are inside SamplingParams'
        raise _bad(str(exc)) from exc
    return {
        "sampling": sampling,
        "max_tokens": max_tokens or default_max_tokens(max_tokens_limit),
        "stream": stream,
        "include_usage": include_usage,
        "stop": _stop(body),
    }


def default_max_tokens(limit: int) -> int:
    return min(1024, limit)


def _image(part: Mapping[str, Any], where: str, pan_scan: str) -> ImageAttachment:
    image_url = part.get("image_url")
    url = image_url.get("url") if isinstance(image_url, dict) else image_url
    if not isinstance(url, str):
        raise _bad(f"{where}: an image part needs image_url.url.", where)
    if not url.startswith("data:"):
        raise _bad(
            f"{where}: Hearth works offline and fetches no URL; send the image inline as a "
            "data URI (data:image/png;base64,...).",
            where,
        )
    header, sep, payload = url[5:].partition(",")
    if not sep or not header.endswith(";base64") or not header.startswith("image/"):
        raise _bad(f"{where}: the data URI must be data:image/...;base64,<data>.", where)
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise _bad(f"{where}: the image's base64 data is damaged.", where) from None
    if not data:
        raise _bad(f"{where}: the image is empty.", where)
    detail = image_url.get("detail", "auto") if isinstance(image_url, dict) else "auto"
    # "low" asks for one view: no Pan & Scan crops.
    mode = "off" if detail == "low" else pan_scan
    return ImageAttachment(data, mode=mode, name=f"{where.replace('.', '-')}")


def _content(
    raw: object, where: str, pan_scan: str, allow_images: bool
) -> tuple[str, tuple[ImageAttachment, ...]]:
    if raw is None:
        return "", ()
    if isinstance(raw, str):
        return raw, ()
    if not isinstance(raw, list):
        raise _bad(f"{where}.content must be a string or a list of parts.", where)
    texts: list[str] = []
    images: list[ImageAttachment] = []
    for index, part in enumerate(raw):
        spot = f"{where}.content[{index}]"
        if not isinstance(part, dict):
            raise _bad(f"{spot} must be an object.", spot)
        kind = part.get("type")
        if kind == "text":
            text = part.get("text")
            if not isinstance(text, str):
                raise _bad(f"{spot}.text must be a string.", spot)
            texts.append(text)
        elif kind == "image_url":
            if not allow_images:
                raise _bad(f"{spot}: only user messages can carry images.", spot)
            images.append(_image(part, spot, pan_scan))
        else:
            raise _bad(f"{spot}: Hearth understands 'text' and 'image_url' parts.", spot)
    return "\n".join(texts), tuple(images)


def _merge_runs(messages: Sequence[ChatMessage]) -> list[ChatMessage]:
    """Consecutive messages of one role become one (Gemma's turns must alternate)."""
    merged: list[ChatMessage] = []
    for message in messages:
        if merged and merged[-1].role == message.role:
            last = merged[-1]
            text = "\n\n".join(t for t in (last.content, message.content) if t)
            merged[-1] = ChatMessage(last.role, text, last.images + message.images)
        else:
            merged.append(message)
    return merged


def parse_chat(
    body: object, *, default: SamplingParams, max_tokens_limit: int, pan_scan: str = "auto"
) -> GenerationRequest:
    """A ``/v1/chat/completions`` body, checked (raises ``ApiError`` 400)."""
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object.")
    raw_messages = body.get("messages")
    if not isinstance(raw_messages, list) or not raw_messages:
        raise _bad("'messages' must be a non-empty list.", "messages")
    messages: list[ChatMessage] = []
    for index, raw in enumerate(raw_messages):
        where = f"messages[{index}]"
        if not isinstance(raw, dict):
            raise _bad(f"{where} must be an object.", where)
        role = _ROLES.get(str(raw.get("role")))
        if role is None:
            raise _bad(
                f"{where}.role must be system, user or assistant (tools are not supported).",
                where,
            )
        text, images = _content(raw.get("content"), where, pan_scan, role == "user")
        messages.append(ChatMessage(role, text, images))
    merged = _merge_runs(messages)
    if any(m.role == "system" for m in merged[1:]):
        raise _bad("A system message may only open the conversation.", "messages")
    continue_answer = merged[-1].role == "assistant"
    try:
        gemma_format.to_turns(merged, open_answer=continue_answer)
    except gemma_format.ConversationShapeError as exc:
        raise _bad(f"The messages cannot be laid out as a conversation: {exc}.") from exc
    if not any(m.role == "user" for m in merged):
        raise _bad("The conversation needs at least one user message.", "messages")
    return GenerationRequest(
        messages=tuple(merged),
        continue_answer=continue_answer,
        images=sum(len(m.images) for m in merged),
        **_common(body, default, max_tokens_limit),
    )


def parse_completion(
    body: object, *, default: SamplingParams, max_tokens_limit: int
) -> GenerationRequest:
    """A ``/v1/completions`` body: raw text continued by the model (no chat template)."""
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object.")
    prompt = body.get("prompt")
    if isinstance(prompt, list) and len(prompt) == 1 and isinstance(prompt[0], str):
        prompt = prompt[0]
    if not isinstance(prompt, str):
        raise _bad("'prompt' must be a string (one prompt per request).", "prompt")
    if not prompt:
        raise _bad("'prompt' is empty.", "prompt")
    echo = body.get("echo", False)
    if not isinstance(echo, bool):
        raise _bad("'echo' must be true or false.", "echo")
    for unsupported in ("suffix", "logprobs", "best_of"):
        if body.get(unsupported) not in (None, 0, 1, False):
            raise _bad(f"'{unsupported}' is not supported by Hearth.", unsupported)
    return GenerationRequest(prompt=prompt, echo=echo, **_common(body, default, max_tokens_limit))


# ---------------------------------------------------------------------------- replies


def finish_reason(stats: p.GenerationStats | None, stopped_by_sequence: bool) -> str:
    if stopped_by_sequence or stats is None:
        return "stop"
    return "length" if stats.finish_reason in ("length", "context_full") else "stop"


def usage(stats: p.GenerationStats | None) -> dict[str, Any]:
    if stats is None:
        return {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    return {
        "prompt_tokens": stats.prompt_tokens,
        "completion_tokens": stats.completion_tokens,
        "total_tokens": stats.prompt_tokens + stats.completion_tokens,
        "prompt_tokens_details": {"cached_tokens": stats.cached_tokens},
    }


def hearth_stats(stats: p.GenerationStats | None) -> dict[str, Any] | None:
    """Hearth's own figures for the request (an extra field clients may ignore)."""
    if stats is None:
        return None
    fields = stats.as_dict()
    keys = (
        "ttft_s",
        "tokens_per_s",
        "prefill_tokens_per_s",
        "reevaluated_tokens",
        "reuse_path",
        "finish_reason",
        "context_used",
        "context_size",
        "image_tiles",
    )
    return {key: fields[key] for key in keys}


def now() -> int:
    return int(time.time())
