"""ASGI middleware in front of every route: the bearer token (401) and the body limit (413).

Both answer before the body is read: a request with a wrong token or an announced
``Content-Length`` over the limit is refused at once. A body sent without a length (chunked)
is counted as it arrives and refused as soon as it passes the limit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.api_server.token import token_matches

_OPEN_PATHS = frozenset({"/health"})


async def send_json_error(
    send: Send,
    status: int,
    message: str,
    *,
    kind: str,
    code: str | None,
    headers: Mapping[str, str] | None = None,
) -> None:
    body = json.dumps(
        {"error": {"message": message, "type": kind, "param": None, "code": code}}
    ).encode("utf-8")
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode("ascii")),
    ]
    for key, value in (headers or {}).items():
        raw_headers.append((key.lower().encode("latin-1"), value.encode("latin-1")))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


class BearerTokenGuard:
    """Every path except ``/health`` needs ``Authorization: Bearer <the install's token>``."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in _OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        header = _header(scope, b"authorization") or ""
        scheme, _, presented = header.partition(" ")
        if scheme.lower() != "bearer" or not token_matches(self.token, presented.strip()):
            await send_json_error(
                send,
                401,
                "The API token is missing or wrong. Hearth shows its token in Settings "
                "(Local API server) and in the output of 'hearth-cli serve'.",
                kind="invalid_request_error",
                code="invalid_api_key",
                headers={"www-authenticate": "Bearer"},
            )
            return
        await self.app(scope, receive, send)


# How much of an oversized upload is still read before the 413 goes out (then the connection
# closes): enough for a client that sends a body a little over the limit to read its answer.
_DRAIN_BYTES = 64 << 20


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _message(self) -> str:
        mib = self.max_bytes / (1 << 20)
        return (
            f"The request is larger than the server's limit of {mib:g} MiB. Send smaller "
            "images, or raise the limit in Settings (Local API server)."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length is not None and length.strip().isdigit() and int(length) > self.max_bytes:
            await send_json_error(
                send, 413, self._message(), kind="invalid_request_error", code="request_too_large"
            )
            return
        # Read the whole body here (counting), then hand it to the app in one piece: a body
        # without a length is refused as soon as it passes the limit, before any route runs.
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            if message["type"] != "http.request":
                continue
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_bytes:
                # Read (and drop) what the client is still sending, up to a bound, so that it
                # gets the 413 instead of a connection reset in the middle of its upload.
                drained = 0
                while message.get("more_body", False) and drained < _DRAIN_BYTES:
                    message = await receive()
                    if message["type"] != "http.request":
                        break
                    drained += len(message.get("body", b""))
                await send_json_error(
                    send,
                    413,
                    self._message(),
                    kind="invalid_request_error",
                    code="request_too_large",
                    headers={"connection": "close"},
                )
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay_receive() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()  # afterwards: only http.disconnect

        await self.app(scope, replay_receive, send)


def scope_client(scope: Mapping[str, Any]) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "?"
