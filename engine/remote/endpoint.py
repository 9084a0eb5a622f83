"""One remote engine the user configured: a server that speaks the OpenAI-compatible chat API.

Only ``base_url`` is ever contacted (``/v1/...`` below it, plus llama-server's ``/props`` and
``/tokenize`` beside it); nothing is discovered or probed elsewhere. The API key is not part of
this record: it lives in the OS keyring (``engine.remote.secrets``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal
from urllib.parse import urlsplit, urlunsplit

from engine.errors import HearthError

__all__ = [
    "CONNECT_TIMEOUT_RANGE",
    "READ_TIMEOUT_RANGE",
    "EndpointError",
    "ModelFamily",
    "RemoteEndpoint",
    "normalize_base_url",
]

ModelFamily = Literal["auto", "gemma3", "other"]
CONNECT_TIMEOUT_RANGE: Final = (0.5, 120.0)
READ_TIMEOUT_RANGE: Final = (1.0, 3600.0)
CONTEXT_RANGE: Final = (512, 1_048_576)
NAME_MAX: Final = 60
_NAME_OK = re.compile(r"[^\x00-\x1f\x7f]+")


class EndpointError(HearthError):
    """An endpoint's configuration is not usable (the message says which field and why)."""


def normalize_base_url(url: str) -> str:
    """``http(s)://host[:port][/path]`` without a trailing slash or a trailing ``/v1``.

    Raises:
        EndpointError: not an http(s) URL with a host.
    """
    text = url.strip()
    if not text:
        raise EndpointError("The server address is empty.")
    if "://" not in text:
        raise EndpointError(
            f"The server address {text!r} needs its scheme, like http://{text} or https://{text}."
        )
    parts = urlsplit(text)
    if parts.scheme.lower() not in {"http", "https"}:
        raise EndpointError(
            f"The server address must start with http:// or https://, not {text!r}."
        )
    if not parts.hostname:
        raise EndpointError(f"The server address {text!r} has no host name.")
    try:
        _ = parts.port
    except ValueError as exc:
        raise EndpointError(f"The port in {text!r} is not a number between 1 and 65535.") from exc
    if parts.query or parts.fragment:
        raise EndpointError(f"The server address {text!r} cannot have a query or a fragment.")
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[: -len("/v1")]
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))


@dataclass(frozen=True)
class RemoteEndpoint:
    """A configured server. Construct with keywords; a bad value raises ``EndpointError``.

    ``model``: the model id to ask for ("" = the first one the server lists).
    ``family``: how images and token counts are handled; "auto" decides from the model id.
    ``ca_file``: a PEM bundle to trust instead of the system's (TLS verification stays on).
    """

    name: str
    base_url: str
    model: str = ""
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 300.0
    verify_tls: bool = True
    ca_file: str = ""
    family: ModelFamily = "auto"
    # 0: as the server says (llama-server /props, vLLM max_model_len), else 8192.
    context_size: int = 0

    def __post_init__(self) -> None:
        name = self.name.strip()
        if not name:
            raise EndpointError("The engine needs a name.")
        if len(name) > NAME_MAX or not _NAME_OK.fullmatch(name):
            raise EndpointError(f"The engine name must be 1 to {NAME_MAX} printable characters.")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "base_url", normalize_base_url(self.base_url))
        object.__setattr__(self, "model", self.model.strip())
        object.__setattr__(self, "ca_file", self.ca_file.strip())
        _check_range("connect timeout", self.connect_timeout_s, CONNECT_TIMEOUT_RANGE)
        _check_range("read timeout", self.read_timeout_s, READ_TIMEOUT_RANGE)
        if isinstance(self.context_size, bool) or not isinstance(self.context_size, int):
            raise EndpointError("The context size must be a whole number of tokens.")
        if self.context_size != 0 and not CONTEXT_RANGE[0] <= self.context_size <= CONTEXT_RANGE[1]:
            raise EndpointError(
                f"The context size must be 0 (ask the server) or {CONTEXT_RANGE[0]} to "
                f"{CONTEXT_RANGE[1]} tokens."
            )
        if self.family not in ("auto", "gemma3", "other"):
            raise EndpointError(f"The model family {self.family!r} is not known.")

    @property
    def api_url(self) -> str:
        """The OpenAI-compatible API root (``.../v1``)."""
        return self.base_url + "/v1"

    @property
    def uses_tls(self) -> bool:
        return self.base_url.startswith("https://")

    def gemma(self, model_id: str) -> bool:
        """Whether requests to ``model_id`` use Gemma 3's image layout and tokenizer."""
        if self.family != "auto":
            return self.family == "gemma3"
        return is_gemma3(model_id)

    def label(self, model: str | None = None) -> str:
        """How the model picker shows a model of this endpoint: ``model — name``."""
        chosen = model if model is not None else self.model
        return f"{chosen} — {self.name}" if chosen else self.name


def _check_range(what: str, value: float, bounds: tuple[float, float]) -> None:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise EndpointError(f"The {what} must be between {low:g} and {high:g} seconds.")


def is_gemma3(model_id: str) -> bool:
    """Whether a model id names a Gemma 3 model (``gemma-3-27b-it``, ``gemma3:27b``...)."""
    compact = re.sub(r"[^a-z0-9]", "", model_id.lower())
    return "gemma3" in compact and "gemma3n" not in compact
