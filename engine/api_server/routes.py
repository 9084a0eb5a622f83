"""The Starlette app: ``/v1/models``, ``/v1/chat/completions``, ``/v1/completions``.

Every generation goes through the ``WorkerGate``; a client that goes away (a closed
connection, while queued, during the prefill or mid-stream) cancels its job.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from engine.api_server import openai_format as fmt
from engine.api_server.gate import QueueFull, Ticket, WorkerGate
from engine.api_server.guards import BearerTokenGuard, BodyLimit
from engine.api_server.stops import StopScanner
from engine.chat.sampling import SamplingParams
from engine.worker import protocol as p
from engine.worker.client import EngineClient


@dataclass(frozen=True)
class ServerConfig:
    token: str
    max_body_bytes: int = 24 << 20
    default_sampling: SamplingParams = field(default_factory=SamplingParams)
    pan_scan: str = "auto"


def model_id(info: p.ModelInfo | None) -> str:
    return Path(info.path).stem if info is not None else "none"


def _error_response(error: fmt.ApiError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


def _failure_error(failure: p.Failed) -> fmt.ApiError:
    if failure.kind == "environment":
        return fmt.ApiError(400, failure.message)
    if failure.kind == "crash":
        return fmt.ApiError(
            503,
            failure.message,
            kind="server_error",
            code="worker_crashed",
            headers={"retry-after": "1"},
        )
    return fmt.ApiError(
        500, f"Internal error in Hearth: {failure.message}", kind="server_error", code="bug"
    )


class DisconnectWatcher:
    """Waits for the client to go away and cancels the ticket when it does."""

    def __init__(self, receive: Receive, ticket: Ticket) -> None:
        self.ticket = ticket
        self._receive = receive
        self._task = asyncio.ensure_future(self._watch())

    async def _watch(self) -> None:
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                self.ticket.cancel()
                return

    def stop(self) -> None:
        self._task.cancel()


class EventStream(Response):
    """Server-sent events from an async iterator of ready ``data:`` payloads."""

    media_type = "text/event-stream"

    def __init__(self, chunks: AsyncIterator[str], watcher: DisconnectWatcher) -> None:
        super().__init__(
            status_code=200,
            headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
            media_type=self.media_type,
        )
        # A stream has no length: drop the "content-length: 0" of the empty body.
        self.raw_headers = [(k, v) for k, v in self.raw_headers if k != b"content-length"]
        self._chunks = chunks
        self._watcher = watcher

    async def __call__(self, _scope: Scope, _receive: Receive, send: Send) -> None:
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": self.status_code,
                    "headers": self.raw_headers,
                }
            )
            async for chunk in self._chunks:
                await send(
                    {"type": "http.response.body", "body": chunk.encode(), "more_body": True}
                )
            self._watcher.stop()
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:  # the client is gone (ASGI spec 2.4: send raises)
            self._watcher.ticket.cancel()
        finally:
            self._watcher.stop()
            with contextlib.suppress(Exception):
                await self._chunks.aclose()  # type: ignore[attr-defined]


def _sse(payload: dict[str, Any] | str) -> str:
    data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return f"data: {data}\n\n"


@dataclass
class _Answer:
    text: str = ""
    done: p.Done | None = None
    stopped: bool = False


class ApiRoutes:
    """The endpoints, bound to one gate (and through it, one worker client)."""

    def __init__(self, gate: WorkerGate, config: ServerConfig) -> None:
        self.gate = gate
        self.config = config

    @property
    def info(self) -> p.ModelInfo | None:
        return self.gate.client.model_info

    def _max_tokens_limit(self) -> int:
        return self.info.n_ctx if self.info is not None else 8192

    # ------------------------------------------------------------------ endpoints

    async def health(self, _request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def models(self, _request: Request) -> Response:
        info = self.info
        data = []
        if info is not None:
            data.append(
                {
                    "id": model_id(info),
                    "object": "model",
                    "created": 0,
                    "owned_by": "hearth",
                    "meta": {"n_ctx": info.n_ctx, "vision": info.vision, "path": info.path},
                }
            )
        return JSONResponse({"object": "list", "data": data})

    async def chat_completions(self, request: Request) -> Response:
        try:
            body = await self._json(request)
            req = fmt.parse_chat(
                body,
                default=self.config.default_sampling,
                max_tokens_limit=self._max_tokens_limit(),
                pan_scan=self.config.pan_scan,
            )
        except fmt.ApiError as error:
            return _error_response(error)

        def work(client: EngineClient) -> Any:
            return client.chat(
                req.messages,
                req.sampling,
                max_tokens=req.max_tokens,
                continue_answer=req.continue_answer,
            )

        return await self._generate(request, req, work, chat=True)

    async def completions(self, request: Request) -> Response:
        try:
            body = await self._json(request)
            req = fmt.parse_completion(
                body,
                default=self.config.default_sampling,
                max_tokens_limit=self._max_tokens_limit(),
            )
        except fmt.ApiError as error:
            return _error_response(error)
        prompt = req.prompt or ""

        def work(client: EngineClient) -> Any:
            return client.complete(prompt, req.sampling, max_tokens=req.max_tokens)

        return await self._generate(request, req, work, chat=False)

    # ------------------------------------------------------------------ plumbing

    @staticmethod
    async def _json(request: Request) -> Any:
        raw = await request.body()
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise fmt.ApiError(400, f"The request body is not valid JSON ({exc}).") from None

    async def _generate(
        self,
        request: Request,
        req: fmt.GenerationRequest,
        work: Callable[[EngineClient], Any],
        *,
        chat: bool,
    ) -> Response:
        label = f"{'chat' if chat else 'completion'} {secrets.token_hex(3)}"
        try:
            ticket = self.gate.submit(work, label)
        except QueueFull as full:
            return _error_response(
                fmt.ApiError(
                    503,
                    "Hearth is busy with other requests; try again shortly.",
                    kind="server_error",
                    code="queue_full",
                    headers={"retry-after": str(full.retry_after_s)},
                )
            )
        watcher = DisconnectWatcher(request.receive, ticket)
        events = ticket.events()
        try:
            first = await anext(events, None)
        except BaseException:
            watcher.stop()
            ticket.cancel()
            raise
        if first is None:  # dropped while waiting: the client is gone
            watcher.stop()
            return Response(status_code=499)
        if isinstance(first, p.Failed):
            watcher.stop()
            return _error_response(_failure_error(first))
        ident = ("chatcmpl-" if chat else "cmpl-") + secrets.token_hex(12)
        if req.stream:
            chunks = self._stream(req, ticket, first, events, ident, chat=chat)
            return EventStream(chunks, watcher)
        try:
            answer = await self._collect(req, ticket, first, events)
        finally:
            watcher.stop()
        if isinstance(answer, p.Failed):
            return _error_response(_failure_error(answer))
        return JSONResponse(self._reply(req, answer, ident, chat=chat))

    async def _collect(
        self,
        req: fmt.GenerationRequest,
        ticket: Ticket,
        first: p.Event,
        events: AsyncIterator[p.Event],
    ) -> _Answer | p.Failed:
        scanner = StopScanner(req.stop)
        answer = _Answer()
        parts: list[str] = []

        async def all_events() -> AsyncIterator[p.Event]:
            yield first
            async for event in events:
                yield event

        async for event in all_events():
            if isinstance(event, p.Token):
                parts.append(scanner.feed(event.text))
                if scanner.stopped:
                    ticket.cancel()
            elif isinstance(event, p.Done):
                answer.done = event
            elif isinstance(event, p.Failed):
                return event
        parts.append(scanner.flush())
        answer.text = "".join(parts)
        answer.stopped = scanner.stopped
        return answer

    def _reply(
        self, req: fmt.GenerationRequest, answer: _Answer, ident: str, *, chat: bool
    ) -> dict[str, Any]:
        stats = answer.done.stats if answer.done is not None else None
        reason = fmt.finish_reason(stats, answer.stopped)
        if chat:
            choice: dict[str, Any] = {
                "index": 0,
                "message": {"role": "assistant", "content": answer.text},
                "finish_reason": reason,
                "logprobs": None,
            }
        else:
            text = (req.prompt or "") + answer.text if req.echo else answer.text
            choice = {"index": 0, "text": text, "finish_reason": reason, "logprobs": None}
        return {
            "id": ident,
            "object": "chat.completion" if chat else "text_completion",
            "created": fmt.now(),
            "model": model_id(self.info),
            "choices": [choice],
            "usage": fmt.usage(stats),
            "hearth": fmt.hearth_stats(stats),
        }

    async def _stream(
        self,
        req: fmt.GenerationRequest,
        ticket: Ticket,
        first: p.Event,
        events: AsyncIterator[p.Event],
        ident: str,
        *,
        chat: bool,
    ) -> AsyncIterator[str]:
        created = fmt.now()
        model = model_id(self.info)
        kind = "chat.completion.chunk" if chat else "text_completion"

        def chunk(text: str | None, reason: str | None = None, role: bool = False) -> str:
            if chat:
                delta: dict[str, Any] = {}
                if role:
                    delta["role"] = "assistant"
                if text is not None:
                    delta["content"] = text
                choice: dict[str, Any] = {"index": 0, "delta": delta, "finish_reason": reason}
            else:
                choice = {"index": 0, "text": text or "", "finish_reason": reason}
            choice["logprobs"] = None
            payload = {
                "id": ident,
                "object": kind,
                "created": created,
                "model": model,
                "choices": [choice],
            }
            if req.include_usage:
                payload["usage"] = None
            return _sse(payload)

        scanner = StopScanner(req.stop)
        if chat:
            yield chunk("", role=True)
        elif req.echo and req.prompt:
            yield chunk(req.prompt)
        pending: list[p.Event] = [first]
        done: p.Done | None = None
        while True:
            if pending:
                event = pending.pop()
            else:
                next_event = await anext(events, None)
                if next_event is None:
                    break
                event = next_event
            if isinstance(event, p.Token):
                shown = scanner.feed(event.text)
                if shown:
                    yield chunk(shown)
                if scanner.stopped:
                    ticket.cancel()
            elif isinstance(event, p.Progress):
                yield f": {event.phase} {event.done}/{event.total}\n\n"  # keeps the line alive
            elif isinstance(event, p.Done):
                done = event
            elif isinstance(event, p.Failed):
                error = _failure_error(event)
                yield _sse(error.body())
                return
        tail = scanner.flush()
        if tail:
            yield chunk(tail)
        stats = done.stats if done is not None else None
        yield chunk(None, fmt.finish_reason(stats, scanner.stopped))
        if req.include_usage:
            payload = {
                "id": ident,
                "object": kind,
                "created": created,
                "model": model,
                "choices": [],
                "usage": fmt.usage(stats),
                "hearth": fmt.hearth_stats(stats),
            }
            yield _sse(payload)
        yield _sse("[DONE]")


def build_app(gate: WorkerGate, config: ServerConfig) -> Any:
    """The ASGI app: routes behind the token guard and the body limit."""
    routes = ApiRoutes(gate, config)
    app = Starlette(
        routes=[
            Route("/health", routes.health, methods=["GET"]),
            Route("/v1/models", routes.models, methods=["GET"]),
            Route("/v1/chat/completions", routes.chat_completions, methods=["POST"]),
            Route("/v1/completions", routes.completions, methods=["POST"]),
        ]
    )
    # The token is checked first: a stranger learns nothing, not even the size limit.
    return BearerTokenGuard(BodyLimit(app, config.max_body_bytes), config.token)
