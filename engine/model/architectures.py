"""What Hearth does with each model architecture llama.cpp knows.

The facts come from llama.cpp's own source (``engine.model.llama_archs``, generated); this module
holds Hearth's policy on top of them: which architectures can chat, why the others cannot (one
sentence each), how their cache may be rolled back, and which prompt format is theirs by family.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, cast

from engine.model.llama_archs import ARCHITECTURE_FACTS, LLAMA_CPP_PYTHON_VERSION

__all__ = [
    "GEMMA_TURN_ARCHITECTURES",
    "MMPROJ_ARCHITECTURE",
    "Architecture",
    "architecture",
    "known_architectures",
]

MMPROJ_ARCHITECTURE: Final = "clip"
# Families whose own turn format is Gemma's <start_of_turn>/<end_of_turn> layout.
GEMMA_TURN_ARCHITECTURES: Final = frozenset({"gemma", "gemma2", "gemma3", "gemma3n"})

Memory = Literal["attention", "recurrent", "hybrid", "none"]
Rollback = Literal["exact", "measured", "checkpoint"]


@dataclass(frozen=True)
class Architecture:
    """One architecture: llama.cpp's facts about it and what Hearth makes of them."""

    name: str
    loadable: bool
    memory: Memory
    swa: str
    swa_period: int  # default layer pattern (llama_hparams::set_swa_pattern); -1: none
    dense_first: bool
    diffusion: bool
    encoder: bool
    rs_rollback: bool

    @property
    def is_mmproj(self) -> bool:
        return self.name == MMPROJ_ARCHITECTURE

    def sliding_layers(self, n_layer: int, period: int | None) -> tuple[bool, ...]:
        """Which layers slide when the file turns a window on but lists no per-layer flags.

        ``period`` is the file's ``sliding_window_pattern`` (else this architecture's default),
        applied as llama.cpp's ``set_swa_pattern`` does; 0 (or no pattern at all) means every
        layer.
        """
        n = self.swa_period if period is None else period
        if n <= 0:
            return (True,) * n_layer
        if self.dense_first:
            return tuple(il % n != 0 for il in range(n_layer))
        return tuple(il % n < n - 1 for il in range(n_layer))

    @property
    def refusal(self) -> str | None:
        """Why Hearth cannot chat with this architecture (a sentence fragment), or ``None``."""
        if self.is_mmproj:
            return None
        if not self.loadable:
            return (
                f"llama.cpp lists the architecture '{self.name}' but has no loader for it any "
                "more, so no current program can run this file"
            )
        if self.diffusion:
            return (
                f"'{self.name}' is a diffusion language model, which writes by refining a whole "
                "passage at once; Hearth's chat runs models that write token by token"
            )
        if self.memory == "none":
            return (
                f"'{self.name}' is an embedding, reranking or audio model: it turns input into "
                "numbers or sound and does not write text answers"
            )
        if self.encoder:
            return (
                f"'{self.name}' needs an encoder pass (an encoder-decoder model or a "
                "speculative-decoding draft head), which Hearth's chat does not run"
            )
        return None

    @property
    def gemma_turns(self) -> bool:
        """Gemma's turn format is this family's own."""
        return self.name in GEMMA_TURN_ARCHITECTURES

    @property
    def rollback(self) -> Rollback:
        """How the worker may cut the cache back (regenerate, edit).

        ``exact``: an attention cache keeps every position, a tail cut is always right (unless
        the file turns on a sliding window: then ``measured``). ``measured``: a sliding window
        whose survival the worker measures (see ``engine.worker.runtime``). ``checkpoint``: a
        recurrent state holds only its newest position, so a cut restores a saved state or
        re-reads the prompt.
        """
        if self.memory in ("recurrent", "hybrid"):
            return "checkpoint"
        if self.swa != "none":
            return "measured"
        return "exact"


def architecture(name: str) -> Architecture | None:
    """The facts for ``name`` as the pinned llama.cpp knows it, or ``None`` if it does not."""
    facts = ARCHITECTURE_FACTS.get(name)
    if facts is None:
        return None
    loadable, memory, swa, period, dense_first, diffusion, encoder, rs_rollback = facts
    assert memory in ("attention", "recurrent", "hybrid", "none")
    return Architecture(
        name,
        loadable,
        cast(Memory, memory),
        swa,
        period,
        dense_first,
        diffusion,
        encoder,
        rs_rollback,
    )


def known_architectures() -> tuple[str, ...]:
    return tuple(sorted(ARCHITECTURE_FACTS))


def unknown_architecture_reason(name: str) -> str:
    return (
        f"its architecture '{name}' is not one the llama.cpp inside this Hearth knows "
        f"(llama-cpp-python {LLAMA_CPP_PYTHON_VERSION}); a newer Hearth may run it"
    )
