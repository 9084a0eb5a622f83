"""The typed messages between the inference worker process and its clients.

Requests go from the client to the worker, events come back. Every request carries an id;
a request's events end with exactly one terminal event (``Done`` or ``Failed``). Everything
here is a plain frozen dataclass so it pickles across the process boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from engine.chat.messages import ChatMessage
from engine.chat.sampling import SamplingParams

# ---------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class ModelConfig:
    """How to load a model. The same config always gives the same context layout."""

    model_path: str
    n_ctx: int = 8192
    n_threads: int | None = None
    n_batch: int = 512
    n_ubatch: int = 512
    swa_full: bool = False
    flash_attn: bool = True
    kv_type: Literal["f16", "q8_0"] = "f16"
    mmproj_path: str | None = None
    checkpoint_budget_mib: int = 256
    # "auto" (the model's own template, or Gemma's for the Gemma families) or a format the
    # user chose for a model without a usable template: engine.chat.template.KNOWN_FORMATS.
    prompt_format: str = "auto"
    # Settings.vision_fast_jpeg_decode_approximate: reduced (approximate) decode of big JPEGs.
    fast_jpeg_decode_approximate: bool = False
    # Tests only: pair a (tiny) projector with the text-only 270M model.
    allow_text_only_vision: bool = False


@dataclass(frozen=True)
class LoadModel:
    request_id: int
    config: ModelConfig


@dataclass(frozen=True)
class Chat:
    request_id: int
    messages: tuple[ChatMessage, ...]
    sampling: SamplingParams
    max_tokens: int = 1024
    reuse_cache: bool = True
    # The last message is an unfinished answer: generation goes on from its end.
    continue_answer: bool = False
    # Diagnostics for tests and benchmarks: Done.probe gets the window audit and top logits.
    probe: bool = False


@dataclass(frozen=True)
class Complete:
    """Continue raw text (no chat template), as ``/v1/completions`` asks."""

    request_id: int
    text: str
    sampling: SamplingParams
    max_tokens: int = 256


@dataclass(frozen=True)
class Tokenize:
    request_id: int
    text: str
    add_bos: bool = False
    special: bool = True


@dataclass(frozen=True)
class GetStats:
    request_id: int


@dataclass(frozen=True)
class Unload:
    request_id: int


@dataclass(frozen=True)
class Shutdown:
    request_id: int = 0


Request = LoadModel | Chat | Complete | Tokenize | GetStats | Unload | Shutdown

# ---------------------------------------------------------------------------- events


@dataclass(frozen=True)
class ModelInfo:
    """What the worker knows about the loaded model."""

    path: str
    architecture: str
    size_label: str | None
    quantization: str | None
    n_ctx: int
    n_ctx_train: int
    n_embd: int
    n_swa: int
    swa_full: bool
    kv_bytes: int
    load_s: float
    prompt_format: str
    vision: bool = False


@dataclass(frozen=True)
class GenerationStats:
    prompt_tokens: int
    cached_tokens: int
    completion_tokens: int
    ttft_s: float
    tokens_per_s: float
    prefill_tokens_per_s: float
    context_used: int
    context_size: int
    finish_reason: Literal["stop", "length", "cancelled", "context_full"]
    reuse_path: str = "full"
    reevaluated_tokens: int = 0
    generation_s: float = 0.0
    image_tiles: int = 0
    images_encoded: int = 0
    encode_ms: tuple[float, ...] = ()
    image_decode_ms: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "cached_tokens": self.cached_tokens,
            "completion_tokens": self.completion_tokens,
            "ttft_s": round(self.ttft_s, 4),
            "tokens_per_s": round(self.tokens_per_s, 2),
            "prefill_tokens_per_s": round(self.prefill_tokens_per_s, 2),
            "context_used": self.context_used,
            "context_size": self.context_size,
            "finish_reason": self.finish_reason,
            "reuse_path": self.reuse_path,
            "reevaluated_tokens": self.reevaluated_tokens,
            "image_tiles": self.image_tiles,
            "images_encoded": self.images_encoded,
            "encode_ms": [round(ms, 1) for ms in self.encode_ms],
            "image_decode_ms": round(self.image_decode_ms, 1),
        }


@dataclass(frozen=True)
class ChatProbe:
    """What the worker saw while answering (asked for with ``Chat.probe``).

    ``window_missing``: sliding-window positions the first answer token needed that the cache
    did not hold, read from llama.cpp's own state (0 for full-attention models, -1 unknown).
    ``top_logits``: for each of the first answer steps, the best (token id, logit) pairs, best
    first; they tell a numerical near-tie from a real difference.
    """

    window_missing: int
    top_logits: tuple[tuple[tuple[int, float], ...], ...] = ()


@dataclass(frozen=True)
class Loaded:
    request_id: int
    info: ModelInfo


@dataclass(frozen=True)
class Progress:
    """A long phase advanced (prompt prefill, image encoding)."""

    request_id: int
    phase: str
    done: int
    total: int


@dataclass(frozen=True)
class Token:
    """Newly generated text (may be empty while a multi-byte character is incomplete)."""

    request_id: int
    text: str
    token_id: int


@dataclass(frozen=True)
class Done:
    request_id: int
    text: str = ""
    stats: GenerationStats | None = None
    payload: tuple[int, ...] = field(default=())
    probe: ChatProbe | None = None


@dataclass(frozen=True)
class StatsReport:
    request_id: int
    loaded: ModelInfo | None
    rss_bytes: int
    tokens_held: int
    checkpoints: int = 0
    checkpoint_bytes: int = 0
    parked_bytes: int = 0


FailureKind = Literal["environment", "crash", "bug"]


@dataclass(frozen=True)
class Failed:
    """The request did not complete. ``environment``: a calm message for the user;
    ``crash``: the worker process died; ``bug``: our fault, ``details`` has the traceback.
    ``resumable``: part of the answer had arrived when it failed (a remote engine's stream was
    cut): the text is kept, marked interrupted, and can be continued, as after a crash."""

    request_id: int
    kind: FailureKind
    message: str
    details: str = ""
    code: str = ""  # HearthError.code of an environment failure
    resumable: bool = False


Event = Loaded | Progress | Token | Done | StatsReport | Failed
TERMINAL_EVENTS = (Loaded, Done, StatsReport, Failed)
