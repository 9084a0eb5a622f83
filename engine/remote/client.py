"""A remote engine behind the same calls and events as the local inference worker.

``RemoteEngineClient`` has ``EngineClient``'s interface (``load``, ``chat``, ``cancel``,
``tokenize``, ``stats``, ``unload``, ``close``) and yields the same ``engine.worker.protocol``
events, so chat sessions, branches, continue, image questions and document summaries run on it
unchanged. It speaks the OpenAI-compatible chat API that llama.cpp's ``llama-server``,
llama-cpp-python's server, vLLM, Ollama and LM Studio serve:

* answers stream as server-sent events (``stream: true`` with ``stream_options.include_usage``);
  the figures come from the server's ``usage`` (and llama-server's ``timings``) where it sends
  them, and from Hearth's own clock otherwise (time to first token, tokens per second);
* ``cancel()`` ends the answer at once: the stream is read on a helper thread and the consumer is
  woken straight away, while the socket is shut down so the server stops generating;
* every failure is one calm sentence in a ``Failed`` event; when part of the answer already
  arrived the failure is ``resumable``: the text is kept, marked interrupted, and can be
  continued (``continue_final_message``).

Only ``endpoint.base_url`` is contacted: ``/v1/models`` and ``/v1/chat/completions`` under it,
and llama-server's ``/props`` and ``/tokenize`` beside them. Proxy variables from the
environment are not used (``trust_env=False``) and nothing else is probed.
"""

from __future__ import annotations

import contextlib
import itertools
import queue
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import httpx

from engine.chat.messages import ChatMessage
from engine.chat.sampling import SamplingParams
from engine.errors import HearthError
from engine.remote.content import ImageCounts, build_messages
from engine.remote.endpoint import EndpointError, RemoteEndpoint
from engine.remote.errors import (
    RemoteEngineError,
    describe_http_error,
    describe_status,
)
from engine.remote.sse import chunks, parse_events
from engine.worker import protocol as p

__all__ = ["DEFAULT_CONTEXT", "RemoteEngineClient", "RemoteModel", "TokenCount"]

DEFAULT_CONTEXT: Final = 8192
REMOTE_ARCHITECTURE: Final = "remote"
_END: Final = object()
_CANCEL: Final = object()


@dataclass(frozen=True)
class RemoteModel:
    """A model the server lists, with its context size when the server says it."""

    id: str
    context: int | None = None
    owned_by: str = ""


@dataclass(frozen=True)
class TokenCount:
    """A token count and how it was obtained: "server", "gemma" (Hearth's exact tokenizer)
    or "estimated" (about four characters per token)."""

    tokens: int
    source: str

    @property
    def exact(self) -> bool:
        return self.source != "estimated"


@dataclass
class _Stream:
    """The answer being streamed: its queue and (for cancel) its response."""

    events: queue.Queue[object]
    response: httpx.Response | None = None
    stopped: threading.Event = field(default_factory=threading.Event)


def _ssl_context(endpoint: RemoteEndpoint) -> ssl.SSLContext | bool:
    if not endpoint.verify_tls:
        return False
    if endpoint.ca_file:
        try:
            return ssl.create_default_context(cafile=endpoint.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise EndpointError(
                f"The CA file {endpoint.ca_file} of {endpoint.name} cannot be used: {exc}"
            ) from exc
    return True


class RemoteEngineClient:
    """One configured remote engine. Not thread-safe except ``cancel()``."""

    def __init__(
        self,
        endpoint: RemoteEndpoint,
        api_key: str = "",
        *,
        gemma_counter: Callable[[], Any] | None = None,
    ) -> None:
        """``gemma_counter``: returns Hearth's Gemma 3 ``TokenCounter`` (used for token budgets
        of Gemma models on servers without ``/tokenize``), or None."""
        self.endpoint = endpoint
        self._api_key = api_key
        self._gemma_counter = gemma_counter
        headers = {"Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        timeout = httpx.Timeout(
            connect=endpoint.connect_timeout_s,
            read=endpoint.read_timeout_s,
            write=endpoint.read_timeout_s,
            pool=endpoint.connect_timeout_s,
        )
        self._http = httpx.Client(
            headers=headers, timeout=timeout, verify=_ssl_context(endpoint), trust_env=False
        )
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._stream: _Stream | None = None
        self._stream_lock = threading.Lock()
        self._has_tokenize: bool | None = None
        self.model: str = endpoint.model
        self.model_info: p.ModelInfo | None = None
        self.restarts = 0
        self.pid: int | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def name(self) -> str:
        return self.endpoint.name

    @property
    def alive(self) -> bool:
        return self.model_info is not None

    @property
    def gemma(self) -> bool:
        return self.endpoint.gemma(self.model)

    def close(self, timeout: float = 5.0) -> None:
        del timeout
        self.cancel()
        self._http.close()

    def kill(self) -> None:
        """Drop the connection of the current answer (the local client's "force stop")."""
        self.cancel()

    def __enter__(self) -> RemoteEngineClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ plain requests

    def _url(self, path: str) -> str:
        return self.endpoint.base_url + path

    def _get_json(self, path: str, *, missing_ok: bool = False) -> Any:
        try:
            response = self._http.get(self._url(path))
        except httpx.HTTPError as exc:
            raise describe_http_error(exc, self.name, self.endpoint.base_url) from exc
        if missing_ok and response.status_code in (404, 405, 501):
            return None
        if response.status_code >= 400:
            raise describe_status(
                response.status_code,
                self.name,
                body=response.content,
                retry_after=response.headers.get("retry-after"),
            )
        try:
            return response.json()
        except ValueError:
            if missing_ok:
                return None
            raise RemoteEngineError(
                f"{self.name} answered {path} with something that is not JSON; is this an "
                "OpenAI-compatible server?"
            ) from None

    def list_models(self) -> list[RemoteModel]:
        """The models the server offers (``GET /v1/models``)."""
        data = self._get_json("/v1/models")
        entries = data.get("data") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise RemoteEngineError(
                f"{self.name} did not list its models in the OpenAI format (GET /v1/models)."
            )
        models = []
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                continue
            context = entry.get("max_model_len")
            meta = entry.get("meta")
            if not isinstance(context, int) and isinstance(meta, dict):
                context = None  # llama-server's meta.n_ctx_train is not the served context
            models.append(
                RemoteModel(
                    entry["id"],
                    context if isinstance(context, int) and context > 0 else None,
                    str(entry.get("owned_by") or ""),
                )
            )
        return models

    def server_props(self) -> dict[str, Any]:
        """llama-server's ``/props`` (served context, modalities), or {} elsewhere."""
        data = self._get_json("/props", missing_ok=True)
        return data if isinstance(data, dict) else {}

    def load(self, config: p.ModelConfig | None = None) -> p.ModelInfo:  # noqa: ARG002
        """Connect: pick the model, learn its context size. Raises HearthError.

        ``config`` is accepted for ``EngineClient`` compatibility; a remote server has its
        model loaded already (its ``model_path`` is ignored).
        """
        started = time.perf_counter()
        models = self.list_models()
        if not models:
            raise RemoteEngineError(f"{self.name} serves no model right now.")
        chosen: RemoteModel | None = None
        if self.endpoint.model:
            chosen = next((m for m in models if m.id == self.endpoint.model), None)
            if chosen is None:
                listed = ", ".join(m.id for m in models[:8])
                raise RemoteEngineError(
                    f"{self.name} does not serve the model {self.endpoint.model!r}; it lists "
                    f"{listed}. Pick one of these in the engine's settings."
                )
        else:
            chosen = models[0]
        props = self.server_props()
        n_ctx = self.endpoint.context_size or chosen.context or _props_context(props)
        n_ctx = n_ctx or DEFAULT_CONTEXT
        modalities = props.get("modalities")
        vision = bool(modalities.get("vision")) if isinstance(modalities, dict) else True
        self.model = chosen.id
        self.model_info = p.ModelInfo(
            path=f"{self.name}: {chosen.id}",
            architecture=REMOTE_ARCHITECTURE,
            size_label=None,
            quantization=None,
            n_ctx=n_ctx,
            n_ctx_train=n_ctx,
            n_embd=0,
            n_swa=0,
            swa_full=False,
            kv_bytes=0,
            load_s=time.perf_counter() - started,
            prompt_format="gemma3" if self.gemma else "openai-chat",
            vision=vision,
        )
        return self.model_info

    def unload(self) -> None:
        self.cancel()
        self.model_info = None

    def stats(self) -> p.StatsReport:
        return p.StatsReport(next(self._ids), self.model_info, rss_bytes=0, tokens_held=0)

    # ------------------------------------------------------------------ tokens

    def _server_tokenize(self, text: str, add_bos: bool, special: bool) -> list[int] | None:
        if self._has_tokenize is False:
            return None
        body = {"content": text, "add_special": add_bos, "parse_special": special}
        try:
            response = self._http.post(self._url("/tokenize"), json=body)
        except httpx.HTTPError as exc:
            raise describe_http_error(exc, self.name, self.endpoint.base_url) from exc
        if response.status_code in (401, 403):
            raise describe_status(response.status_code, self.name, body=response.content)
        tokens = None
        if response.status_code < 400:
            with contextlib.suppress(ValueError):
                data = response.json()
                tokens = data.get("tokens") if isinstance(data, dict) else None
        if not isinstance(tokens, list) or not all(isinstance(t, int) for t in tokens):
            self._has_tokenize = False
            return None
        self._has_tokenize = True
        return tokens

    def tokenize(self, text: str, *, add_bos: bool = False, special: bool = True) -> list[int]:
        """Token ids from the server's ``/tokenize``, else Hearth's Gemma 3 tokenizer.

        Raises:
            HearthError: neither is available (use ``count_tokens`` for an estimate).
        """
        tokens = self._server_tokenize(text, add_bos, special)
        if tokens is not None:
            return tokens
        counter = self._gemma_counter() if self.gemma and self._gemma_counter else None
        if counter is not None:
            return list(counter.encode(text, add_bos=add_bos, special=special))
        raise RemoteEngineError(
            f"{self.name} cannot count tokens exactly; the counts shown are estimated."
        )

    def count_tokens(self, text: str, *, special: bool = True) -> TokenCount:
        """How many tokens ``text`` is, and whether the count is exact."""
        tokens = self._server_tokenize(text, False, special)
        if tokens is not None:
            return TokenCount(len(tokens), "server")
        counter = self._gemma_counter() if self.gemma and self._gemma_counter else None
        if counter is not None:
            return TokenCount(counter.count(text, special=special), "gemma")
        return TokenCount(max(1, round(len(text) / 4)) if text else 0, "estimated")

    # ------------------------------------------------------------------ chat

    def cancel(self) -> None:
        """End the current answer now (thread-safe): the consumer gets ``Done(cancelled)``
        at once and the connection is shut, which stops the server's generation."""
        with self._stream_lock:
            stream = self._stream
            if stream is None or stream.stopped.is_set():
                return
            stream.stopped.set()
            stream.events.put(_CANCEL)
            response = stream.response
        if response is not None:
            _shutdown(response)

    def chat(
        self,
        messages: Sequence[ChatMessage],
        sampling: SamplingParams,
        *,
        max_tokens: int = 1024,
        reuse_cache: bool = True,
        continue_answer: bool = False,
        probe: bool = False,
    ) -> Iterator[p.Event]:
        """Stream one answer: Token*, then Done or Failed (like ``EngineClient.chat``)."""
        del probe  # the window audit is the local worker's
        return self._chat(
            tuple(messages), sampling, max_tokens, reuse_cache, continue_answer, next(self._ids)
        )

    def request_body(
        self,
        messages: Sequence[ChatMessage],
        sampling: SamplingParams,
        *,
        max_tokens: int,
        continue_answer: bool = False,
        reuse_cache: bool = True,
        counts: ImageCounts | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model or self.endpoint.model,
            "messages": build_messages(messages, gemma=self.gemma, counts=counts),
            "stream": True,
            "stream_options": {"include_usage": True},
            "max_tokens": max_tokens,
            "temperature": sampling.temperature,
            "top_p": sampling.top_p,
            "top_k": sampling.top_k,
            "min_p": sampling.min_p,
            "repeat_penalty": sampling.repeat_penalty,
            "cache_prompt": reuse_cache,  # llama-server; ignored elsewhere
        }
        if sampling.seed is not None:
            body["seed"] = sampling.seed
        if continue_answer:
            # vLLM and llama-server: go on from the end of the last (assistant) message.
            body["continue_final_message"] = True
            body["add_generation_prompt"] = False
        return body

    def _chat(  # noqa: PLR0917
        self,
        messages: tuple[ChatMessage, ...],
        sampling: SamplingParams,
        max_tokens: int,
        reuse_cache: bool,
        continue_answer: bool,
        rid: int,
    ) -> Iterator[p.Event]:
        with self._lock:
            counts = ImageCounts()
            try:
                if self.model_info is None:
                    self.load()
                body = self.request_body(
                    messages,
                    sampling,
                    max_tokens=max_tokens,
                    continue_answer=continue_answer,
                    reuse_cache=reuse_cache,
                    counts=counts,
                )
            except HearthError as exc:
                yield p.Failed(rid, "environment", str(exc))
                return
            yield from self._stream_answer(rid, body, counts)

    def _stream_answer(
        self, rid: int, body: dict[str, Any], counts: ImageCounts
    ) -> Iterator[p.Event]:
        stream = _Stream(queue.Queue())
        with self._stream_lock:
            self._stream = stream
        started = time.perf_counter()
        reader = threading.Thread(
            target=self._pump, args=(stream, body), name="hearth-remote-stream", daemon=True
        )
        reader.start()
        answer = _Answer(started)
        final: p.Event | None = None
        try:
            for item in _drain(stream.events):
                if item is _CANCEL:
                    final = answer.done(rid, self._context_size, counts, "cancelled")
                    break
                if item is _END:
                    final = answer.end_of_stream(rid, self, counts)
                    break
                if isinstance(item, BaseException):
                    final = answer.failure(rid, self._describe(item))
                    break
                if isinstance(item, dict):
                    text = answer.take(item)
                    if text:
                        yield p.Token(rid, text, -1)
        finally:
            with self._stream_lock:
                if final is None and not stream.stopped.is_set():  # the consumer stopped listening
                    stream.stopped.set()
                    if stream.response is not None:
                        _shutdown(stream.response)
                self._stream = None
        if final is not None:
            yield final

    @property
    def _context_size(self) -> int:
        return self.model_info.n_ctx if self.model_info else DEFAULT_CONTEXT

    def _describe(self, exc: BaseException) -> RemoteEngineError:
        if isinstance(exc, RemoteEngineError):
            return exc
        if isinstance(exc, Exception):
            return describe_http_error(exc, self.name, self.endpoint.base_url)
        return RemoteEngineError(f"Talking to {self.name} failed: {exc!r}")

    def _pump(self, stream: _Stream, body: dict[str, Any]) -> None:
        """Read the answer on a helper thread; every item goes into ``stream.events``."""
        out = stream.events
        try:
            with self._http.stream(
                "POST",
                self._url("/v1/chat/completions"),
                json=body,
                headers={"Accept": "text/event-stream"},
            ) as response:
                with self._stream_lock:
                    stream.response = response
                    if stream.stopped.is_set():
                        _shutdown(response)
                        return
                if response.status_code >= 400:
                    content = response.read()
                    out.put(
                        describe_status(
                            response.status_code,
                            self.name,
                            model=str(body.get("model") or ""),
                            body=content,
                            retry_after=response.headers.get("retry-after"),
                        )
                    )
                    return
                kind = response.headers.get("content-type", "")
                if "text/event-stream" not in kind:
                    out.put(
                        RemoteEngineError(
                            f"{self.name} did not stream the answer (it sent {kind or 'no type'}"
                            " instead of server-sent events); is this an OpenAI-compatible "
                            "server?"
                        )
                    )
                    return
                for chunk in chunks(parse_events(response.iter_lines()), self.name):
                    if stream.stopped.is_set():
                        return
                    out.put(chunk)
        except Exception as exc:
            if not stream.stopped.is_set():
                out.put(exc)
        finally:
            out.put(_END)  # harmless when a terminal item is already queued


def _drain(events: queue.Queue[object]) -> Iterator[object]:
    while True:
        yield events.get()


def _shutdown(response: httpx.Response) -> None:
    """Shut the response's socket (wakes a blocked reader, tells the server to stop)."""
    network = response.extensions.get("network_stream")
    sock = None
    if network is not None:
        with contextlib.suppress(Exception):
            sock = network.get_extra_info("socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    else:  # no raw socket (a TLS stream hides it on some versions): close the response
        with contextlib.suppress(Exception):
            response.close()


def _props_context(props: dict[str, Any]) -> int | None:
    settings = props.get("default_generation_settings")
    for source in (settings, props):
        if isinstance(source, dict):
            value = source.get("n_ctx")
            if isinstance(value, int) and value > 0:
                return value
    return None


class _Answer:
    """The answer's text and figures as the chunks arrive."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.first_at = 0.0
        self.last_at = 0.0
        self.parts: list[str] = []
        self.pieces = 0
        self.finish: str | None = None
        self.usage: dict[str, Any] = {}
        self.timings: dict[str, Any] = {}

    def take(self, chunk: dict[str, Any]) -> str:
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            self.usage = usage
        timings = chunk.get("timings")
        if isinstance(timings, dict):
            self.timings = timings
        text = ""
        choices = chunk.get("choices")
        if isinstance(choices, list) and choices and isinstance(choices[0], dict):
            choice = choices[0]
            delta = choice.get("delta")
            if isinstance(delta, dict) and isinstance(delta.get("content"), str):
                text = delta["content"]
            elif isinstance(choice.get("text"), str):
                text = choice["text"]
            if isinstance(choice.get("finish_reason"), str):
                self.finish = choice["finish_reason"]
        if text:
            now = time.perf_counter()
            if not self.first_at:
                self.first_at = now
            self.last_at = now
            self.parts.append(text)
            self.pieces += 1
        return text

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def _int(self, source: dict[str, Any], key: str) -> int | None:
        value = source.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def stats(self, context_size: int, counts: ImageCounts, finish: str) -> p.GenerationStats:
        ended = time.perf_counter()
        first = self.first_at or ended
        completion = self._int(self.usage, "completion_tokens")
        if completion is None:
            completion = self._int(self.timings, "predicted_n")
        if completion is None:
            completion = self.pieces
        prompt = self._int(self.usage, "prompt_tokens")
        if prompt is None:
            prompt_n = self._int(self.timings, "prompt_n")
            cache_n = self._int(self.timings, "cache_n") or 0
            prompt = prompt_n + cache_n if prompt_n is not None else 0
        details = self.usage.get("prompt_tokens_details")
        cached = self._int(details, "cached_tokens") if isinstance(details, dict) else None
        if cached is None:
            cached = self._int(self.timings, "cache_n") or 0
        evaluated = self._int(self.timings, "prompt_n")
        prompt_ms = self.timings.get("prompt_ms")
        prefill_rate = 0.0
        if evaluated and isinstance(prompt_ms, int | float) and prompt_ms > 0:
            prefill_rate = evaluated / (prompt_ms / 1000)
        end = self.last_at or ended
        gen_s = end - first
        return p.GenerationStats(
            prompt_tokens=prompt,
            cached_tokens=cached,
            completion_tokens=completion,
            ttft_s=first - self.started,
            tokens_per_s=(completion - 1) / gen_s if completion > 1 and gen_s > 0 else 0.0,
            prefill_tokens_per_s=prefill_rate,
            context_used=prompt + completion,
            context_size=context_size,
            finish_reason=finish,  # type: ignore[arg-type]
            reuse_path="remote",
            reevaluated_tokens=evaluated if evaluated is not None else prompt - cached,
            generation_s=gen_s,
            image_tiles=counts.tiles,
            images_encoded=counts.images,
        )

    def done(self, rid: int, context_size: int, counts: ImageCounts, finish: str) -> p.Done:
        return p.Done(rid, self.text, self.stats(context_size, counts, finish))

    def end_of_stream(
        self, rid: int, client: RemoteEngineClient, counts: ImageCounts
    ) -> p.Done | p.Failed:
        if self.finish is None:
            return self.failure(
                rid,
                RemoteEngineError(
                    f"The answer from {client.name} ended before it was finished (the stream "
                    "closed without its final event)."
                ),
            )
        finish = "length" if self.finish == "length" else "stop"
        return self.done(rid, client._context_size, counts, finish)

    def failure(self, rid: int, error: RemoteEngineError) -> p.Failed:
        message = str(error)
        resumable = bool(self.parts)
        if resumable:
            message += " The text so far is kept; you can continue the answer."
        return p.Failed(rid, "environment", message, resumable=resumable)
