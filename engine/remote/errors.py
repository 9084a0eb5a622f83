"""What went wrong talking to a remote engine, as one calm sentence each.

Every failure of the network or of the server is the environment's fault (``HearthError``):
the user gets a sentence that says what happened and what to try, never a traceback.
"""

from __future__ import annotations

import email.utils
import json
import math
import ssl
import time

import httpx

from engine.errors import HearthError

__all__ = [
    "MalformedStreamError",
    "RemoteEngineError",
    "describe_http_error",
    "describe_status",
    "retry_after_seconds",
]


class RemoteEngineError(HearthError):
    """A remote engine did not answer as it should. ``status``: the HTTP status, if any."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class MalformedStreamError(RemoteEngineError):
    """The server's event stream was not valid server-sent events with JSON chunks."""


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """A ``Retry-After`` header (seconds or an HTTP date) in seconds from now."""
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        seconds = moment.timestamp() - (time.time() if now is None else now)
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def _server_detail(body: bytes) -> str:
    """The server's own short error text (OpenAI shape ``{"error": {"message": ...}}``)."""
    try:
        data = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        text = body.decode("utf-8", "replace").strip()
        return text[:200] if text and "<" not in text[:1] else ""
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        message = error.get("message")
        return str(message)[:200] if message else ""
    if isinstance(error, str):
        return error[:200]
    if isinstance(data, dict) and isinstance(data.get("detail"), str):
        return str(data["detail"])[:200]
    return ""


def describe_status(
    status: int, name: str, *, model: str = "", body: bytes = b"", retry_after: str | None = None
) -> RemoteEngineError:
    """The sentence for an HTTP error status from engine ``name``."""
    detail = _server_detail(body)
    said = f" The server said: {detail}" if detail else ""
    if status in (401, 403):
        message = (
            f"{name} refused the API key (HTTP {status}). Check the key in the engine's settings."
        )
    elif status == 404:
        what = f"the model {model!r}" if model else "this address"
        message = (
            f"{name} does not know {what} (HTTP 404). Pick a model the server lists, "
            "or check the address."
        )
    elif status == 413:
        message = f"{name} says the request is too large (HTTP 413); try a smaller image."
    elif status == 429:
        wait = retry_after_seconds(retry_after)
        when = f"in about {math.ceil(wait)} s" if wait is not None else "in a moment"
        message = f"{name} is busy and asks to wait (HTTP 429); try again {when}."
    elif status in (502, 503, 504):
        message = (
            f"{name} is not able to answer right now (HTTP {status}); it may be loading a model "
            "or overloaded. Try again shortly."
        )
    elif 500 <= status < 600:
        message = f"{name} hit an internal error (HTTP {status})."
    elif status == 400:
        message = f"{name} did not accept the request (HTTP 400)."
    else:
        message = f"{name} answered with HTTP {status}."
    return RemoteEngineError(message + said, status=status)


def describe_http_error(exc: Exception, name: str, url: str) -> RemoteEngineError:
    """The sentence for a failure below HTTP: no route, refused, timeout, TLS, cut stream."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return RemoteEngineError(
                f"The certificate of {name} ({url}) could not be verified: "
                f"{cause.verify_message}. Add the server's CA file in the engine's settings."
            )
        cause = cause.__cause__ or cause.__context__
    text = str(exc)
    if isinstance(exc, httpx.ConnectTimeout):
        return RemoteEngineError(
            f"{name} ({url}) did not accept the connection in time; is the server running and "
            "reachable from this computer?"
        )
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout | httpx.PoolTimeout):
        return RemoteEngineError(f"{name} stopped responding (no data within the read timeout).")
    if isinstance(exc, httpx.ConnectError):
        lowered = text.lower()
        if "refused" in lowered:
            return RemoteEngineError(
                f"{name} refused the connection at {url}: no server is listening there. "
                "Start the server or check the port."
            )
        if "name or service not known" in lowered or "nodename nor servname" in lowered:
            return RemoteEngineError(
                f"The host name in {url} could not be found. Check the address of {name}."
            )
        if "certificate" in lowered or "ssl" in lowered:
            return RemoteEngineError(f"A secure connection to {name} failed: {text}")
        return RemoteEngineError(
            f"{name} at {url} cannot be reached ({text or 'no route'}). Check the network "
            "and the address."
        )
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return RemoteEngineError(f"The connection to {name} was cut in the middle of the answer.")
    if isinstance(exc, httpx.HTTPError):
        return RemoteEngineError(f"Talking to {name} failed: {text or type(exc).__name__}.")
    return RemoteEngineError(f"Talking to {name} failed: {text or type(exc).__name__}.")
