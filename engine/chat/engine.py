"""What a chat front end needs from an engine: the local worker or a remote server.

``EngineClient`` (the local inference worker) and ``RemoteEngineClient`` (an OpenAI-compatible
server) both satisfy this protocol, so sessions, commands and the GUI take either.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from engine.chat.messages import ChatMessage
from engine.chat.sampling import SamplingParams
from engine.worker import protocol as p

__all__ = ["ChatEngine"]


class ChatEngine(Protocol):
    model_info: p.ModelInfo | None

    def load(self, config: p.ModelConfig) -> p.ModelInfo: ...

    def chat(
        self,
        messages: Sequence[ChatMessage],
        sampling: SamplingParams,
        *,
        max_tokens: int = 1024,
        reuse_cache: bool = True,
        continue_answer: bool = False,
        probe: bool = False,
    ) -> Iterator[p.Event]: ...

    def cancel(self) -> None: ...

    def tokenize(self, text: str, *, add_bos: bool = False, special: bool = True) -> list[int]: ...

    def stats(self) -> p.StatsReport: ...

    def unload(self) -> None: ...

    def close(self, timeout: float = 5.0) -> None: ...
