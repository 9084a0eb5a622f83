"""The engine a window talks to: the local worker, or one remote engine chosen in the picker.

``EngineSwitch`` is itself a ``ChatEngine``: the chat session and the document jobs hold it and
never learn which engine answers. Switching never stops the local worker's process (its model
stays loaded, so going back is instant); a remote client that is replaced is closed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence

from engine.chat.engine import ChatEngine
from engine.chat.messages import ChatMessage
from engine.chat.sampling import SamplingParams
from engine.remote.client import RemoteEngineClient
from engine.worker import protocol as p

__all__ = ["EngineSwitch"]


class EngineSwitch:
    """Delegates every call to the active engine. ``cancel()`` is thread-safe."""

    def __init__(self, local: ChatEngine) -> None:
        self.local = local
        self._remote: RemoteEngineClient | None = None
        self._lock = threading.Lock()

    @property
    def remote(self) -> RemoteEngineClient | None:
        return self._remote

    @property
    def active(self) -> ChatEngine:
        return self._remote if self._remote is not None else self.local

    @property
    def model_info(self) -> p.ModelInfo | None:
        return self.active.model_info

    @model_info.setter
    def model_info(self, value: p.ModelInfo | None) -> None:
        self.active.model_info = value

    def use_remote(self, client: RemoteEngineClient | None) -> None:
        """Answer with ``client`` from now on (None: the local worker again)."""
        with self._lock:
            previous, self._remote = self._remote, client
        if previous is not None and previous is not client:
            previous.close()

    def load(self, config: p.ModelConfig) -> p.ModelInfo:
        """Load a local model: the local worker answers again."""
        self.use_remote(None)
        return self.local.load(config)

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
        return self.active.chat(
            messages,
            sampling,
            max_tokens=max_tokens,
            reuse_cache=reuse_cache,
            continue_answer=continue_answer,
            probe=probe,
        )

    def cancel(self) -> None:
        self.active.cancel()

    def tokenize(self, text: str, *, add_bos: bool = False, special: bool = True) -> list[int]:
        return self.active.tokenize(text, add_bos=add_bos, special=special)

    def stats(self) -> p.StatsReport:
        return self.active.stats()

    def unload(self) -> None:
        self.active.unload()

    def close(self, timeout: float = 5.0) -> None:
        self.use_remote(None)
        self.local.close(timeout)

    def __enter__(self) -> EngineSwitch:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
