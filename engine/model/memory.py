"""How much memory a text model needs at a given context: weights, KV cache, compute buffer.

The KV layout follows the architecture's memory kind in llama.cpp (``engine.model.
architectures``): full attention keeps ``n_ctx`` cells in every layer; an interleaved
sliding-window cache (``llama_kv_cache_iswa``: Gemma 2/3, gpt-oss, cohere2, ...) keeps only
``GGML_PAD(min(n_ctx, n_swa * n_seq + n_ubatch), 256)`` cells in its sliding layers unless
``swa_full`` is set; layers with no KV heads (the recurrent layers of a hybrid) keep none, and a
recurrent layer keeps a fixed state per sequence (Mamba-style ``ssm.*`` sizes where the header
gives them).
The compute-buffer formula is fitted to llama.cpp's measured buffers for Gemma 3 270M
(514.5 MiB at n_ubatch 512, 128.6 MiB at 128): it is dominated by the f32 logits of one
micro-batch over the 262,144-token vocabulary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from engine.errors import ModelFileError
from engine.model.architectures import architecture
from engine.model.catalog import GEMMA3_SWA_PERIOD, identify_gemma3
from engine.model.gguf_header import GGUFInfo, tensor_nbytes

__all__ = ["KV_CACHE_TYPES", "MemoryEstimate", "estimate_memory", "format_bytes", "swa_layers"]

# KV cache element types llama.cpp accepts (name -> ggml type id).
KV_CACHE_TYPES: Final[Mapping[str, int]] = MappingProxyType(
    {"f32": 0, "f16": 1, "bf16": 30, "q8_0": 8, "q4_0": 2, "q4_1": 3, "q5_0": 6, "q5_1": 7,
     "iq4_nl": 20}
)  # fmt: skip
KV_PAD: Final = 256  # llama.cpp pads KV cache sizes to 256 cells
GEMMA3_VOCAB: Final = 262144
_LOGIT_BYTES: Final = 4  # f32 logits
_ACTIVATION_BYTES: Final = 8  # per token per embedding unit, fitted to the 270M measurement
_MIB: Final = 1 << 20
_GIB: Final = 1 << 30


def _pad(value: int, multiple: int) -> int:
    return -(-value // multiple) * multiple


def format_bytes(n: int) -> str:
    """A short human size: "514.5 MiB", "8.47 GiB"."""
    if n >= _GIB:
        return f"{n / _GIB:.2f} GiB"
    if n >= _MIB:
        return f"{n / _MIB:.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n} bytes"


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes a text model needs at one context size (CPU, no offload)."""

    n_ctx: int
    swa_full: bool
    kv_type: str
    weights_bytes: int
    kv_bytes: int
    kv_full_bytes: int  # what the KV cache takes with swa_full=True
    compute_bytes: int
    global_layers: int
    sliding_layers: int
    global_cells: int
    sliding_cells: int
    checkpoint_bytes: int = 0  # the budget for SWA checkpoints and parked conversations

    @property
    def total_bytes(self) -> int:
        return self.weights_bytes + self.kv_bytes + self.compute_bytes + self.checkpoint_bytes

    def describe(self) -> str:
        """One line, e.g. "at 8,192 tokens: weights 241.0 MiB + KV cache 39.0 MiB ..."."""
        kv = f"KV cache {format_bytes(self.kv_bytes)}"
        if self.sliding_layers and not self.swa_full:
            kv += f" ({format_bytes(self.kv_full_bytes)} with a full-size sliding-window cache)"
        return (
            f"at {self.n_ctx:,} tokens: weights {format_bytes(self.weights_bytes)} + {kv} + "
            f"compute {format_bytes(self.compute_bytes)}"
            + (
                f" + checkpoints {format_bytes(self.checkpoint_bytes)}"
                if self.checkpoint_bytes
                else ""
            )
            + f" = about {format_bytes(self.total_bytes)}"
        )


def swa_layers(info: GGUFInfo) -> tuple[bool, ...]:
    """For each layer, whether it uses the sliding window (llama.cpp's ``swa_layers``).

    A per-layer bool array in ``<arch>.attention.sliding_window_pattern`` wins; otherwise layer
    ``il`` slides iff ``il % period < period - 1`` (period from the key, Gemma 3 default 6, and 0
    meaning every layer). Without a window (absent or 0) no layer slides.
    """
    layers = info.block_count or 0
    if not info.sliding_window:
        return (False,) * layers
    explicit = info.metadata.get(f"{info.architecture}.attention.sliding_window_pattern")
    if isinstance(explicit, tuple) and len(explicit) == layers:
        return tuple(bool(flag) for flag in explicit)
    arch = architecture(info.architecture)
    if arch is not None and arch.swa_period >= 0:
        return arch.sliding_layers(layers, info.sliding_window_pattern)
    period = info.sliding_window_pattern
    if period is None:
        period = GEMMA3_SWA_PERIOD
    if period == 0:
        return (True,) * layers
    return tuple(il % period < period - 1 for il in range(layers))


def _recurrent_state_bytes(info: GGUFInfo) -> int:
    """f32 state of one recurrent layer for one sequence, from Mamba-style ``ssm.*`` keys
    (conv state ``(d_conv - 1) * (d_inner + 2 * n_group * d_state)`` plus the SSM state
    ``d_state * d_inner``); 0 when the header does not give them."""
    meta = info.metadata
    prefix = f"{info.architecture}.ssm."

    def get(key: str) -> int:
        value = meta.get(prefix + key)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    d_conv, d_inner, d_state = get("conv_kernel"), get("inner_size"), get("state_size")
    groups = get("group_count")
    if not (d_conv and d_inner and d_state):
        return 0
    return 4 * ((d_conv - 1) * (d_inner + 2 * groups * d_state) + d_state * d_inner)


def _required(info: GGUFInfo, value: int | None, key: str) -> int:
    if value is None:
        raise ModelFileError(
            f"{info.path.name} lacks {info.architecture}.{key}, so its memory use is unknown."
        )
    return value


def estimate_memory(
    info: GGUFInfo,
    n_ctx: int,
    *,
    swa_full: bool = False,
    n_ubatch: int = 512,
    kv_type: str = "f16",
    n_seq: int = 1,
    flash_attn: bool = False,
    checkpoint_budget_bytes: int = 0,
) -> MemoryEstimate:
    """Estimate the memory of running ``info`` with an ``n_ctx``-token context.

    Args:
        info: a text model's header.
        n_ctx: context size in tokens (llama.cpp pads it to a multiple of 256).
        swa_full: give sliding-window layers a full-size cache (llama.cpp's C default).
        n_ubatch: micro-batch size; the compute buffer grows with it.
        kv_type: KV cache element type, one of ``KV_CACHE_TYPES``.
        n_seq: parallel sequences sharing the cache.
        flash_attn: without flash attention, the f32 attention scores of a global layer
            (heads x n_ubatch x n_ctx) may outgrow the logits in the compute buffer.
        checkpoint_budget_bytes: what the worker may hold in SWA checkpoints and parked
            conversation states (Settings.checkpoint_budget_mib); 0 with swa_full, which
            needs none.

    Raises:
        ValueError: a non-positive size, an unknown ``kv_type``, or a head size that is not a
            whole number of ``kv_type`` blocks.
        ModelFileError: ``info`` is a vision projector or lacks the layer and head counts.
    """
    if n_ctx <= 0 or n_ubatch <= 0 or n_seq <= 0:
        raise ValueError("n_ctx, n_ubatch and n_seq must be positive")
    if kv_type not in KV_CACHE_TYPES:
        raise ValueError(
            f"unknown KV cache type {kv_type!r}; expected one of {list(KV_CACHE_TYPES)}"
        )
    if info.is_mmproj:
        raise ModelFileError(
            f"{info.path.name} is a vision projector; memory is estimated for the text model."
        )
    layers = _required(info, info.block_count, "block_count")
    n_embd = _required(info, info.embedding_length, "embedding_length")
    recurrent_only = (arch := architecture(info.architecture)) is not None and (
        arch.memory == "recurrent"
    )
    n_head = (
        info.head_count or 1
        if recurrent_only
        else _required(info, info.head_count, "attention.head_count")
    )
    n_head_kv = info.head_count_kv or n_head
    size = identify_gemma3(info)
    default_head_dim = size.head_dim if size else n_embd // n_head
    key_length = info.key_length or default_head_dim
    value_length = info.value_length or default_head_dim

    element = KV_CACHE_TYPES[kv_type]
    heads_kv = info.head_count_kv_layers or (n_head_kv,) * layers
    if len(heads_kv) != layers:
        heads_kv = (max(heads_kv),) * layers

    def layer_cell_bytes(heads: int) -> int:
        try:
            return tensor_nbytes((heads * key_length,), element) + tensor_nbytes(
                (heads * value_length,), element
            )
        except ValueError as exc:
            raise ValueError(f"KV cache type {kv_type} does not fit this model: {exc}") from None

    recurrent_kind = arch is not None and arch.memory in ("recurrent", "hybrid")
    sliding = swa_layers(info)
    if arch is not None and arch.memory == "recurrent":
        attention = [False] * layers  # no attention layer at all
    else:
        attention = [heads > 0 for heads in heads_kv]  # 0 KV heads: a hybrid's recurrent layer
    n_sliding = sum(1 for il in range(layers) if sliding[il] and attention[il])
    n_global = sum(1 for il in range(layers) if attention[il] and not sliding[il])
    global_cells = _pad(n_ctx, KV_PAD)
    window = info.sliding_window or 0
    swa_cells = _pad(min(n_ctx, window * n_seq + n_ubatch), KV_PAD)
    sliding_cells = global_cells if swa_full else swa_cells

    kv_bytes = 0
    kv_full_bytes = 0
    for il in range(layers):
        if not attention[il]:
            continue
        cells = sliding_cells if sliding[il] else global_cells
        kv_bytes += layer_cell_bytes(heads_kv[il]) * cells
        kv_full_bytes += layer_cell_bytes(heads_kv[il]) * global_cells
    recurrent_layers = layers - sum(attention) if recurrent_kind else 0
    state = _recurrent_state_bytes(info) * recurrent_layers * n_seq
    kv_bytes += state
    kv_full_bytes += state

    n_vocab = info.vocab_size or GEMMA3_VOCAB
    logits = n_ubatch * n_vocab * _LOGIT_BYTES
    scores = 0 if flash_attn else n_ubatch * n_head * global_cells * 4
    compute = n_ubatch * n_embd * _ACTIVATION_BYTES + max(logits, scores)

    return MemoryEstimate(
        n_ctx=n_ctx,
        swa_full=swa_full,
        kv_type=kv_type,
        weights_bytes=info.weights_bytes,
        kv_bytes=kv_bytes,
        kv_full_bytes=kv_full_bytes,
        compute_bytes=compute,
        global_layers=n_global,
        sliding_layers=n_sliding,
        global_cells=global_cells,
        sliding_cells=sliding_cells,
        checkpoint_bytes=0 if swa_full or not n_sliding else checkpoint_budget_bytes,
    )
