"""Sampling parameters for generation, and the named presets offered to the user."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = ["GREEDY", "SAMPLING_PRESETS", "SamplingParams"]

# Inclusive bounds shared with the settings file's validation.
TEMPERATURE_RANGE: Final = (0.0, 5.0)  # 0 = greedy
TOP_K_RANGE: Final = (0, 1000)  # 0 = disabled
TOP_P_RANGE: Final = (0.0, 1.0)
MIN_P_RANGE: Final = (0.0, 1.0)
REPEAT_PENALTY_RANGE: Final = (0.5, 2.0)  # 1.0 = off
SEED_RANGE: Final = (0, 2**32 - 1)


def _check(name: str, value: float, bounds: tuple[float, float]) -> None:
    low, high = bounds
    if isinstance(value, bool) or not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{name} must be between {low} and {high}, not {value!r}")


@dataclass(frozen=True)
class SamplingParams:
    """How the next token is picked (llama.cpp's sampler chain parameters).

    The defaults are Gemma 3's own settings (the "gemma" preset).

    Raises:
        ValueError: a value outside its range (see the ``*_RANGE`` constants).
    """

    temperature: float = 1.0
    top_k: int = 64
    top_p: float = 0.95
    min_p: float = 0.0
    repeat_penalty: float = 1.0
    seed: int | None = None

    def __post_init__(self) -> None:
        _check("temperature", self.temperature, TEMPERATURE_RANGE)
        if not isinstance(self.top_k, int):
            raise ValueError(f"top_k must be an integer, not {self.top_k!r}")
        _check("top_k", self.top_k, TOP_K_RANGE)
        _check("top_p", self.top_p, TOP_P_RANGE)
        _check("min_p", self.min_p, MIN_P_RANGE)
        _check("repeat_penalty", self.repeat_penalty, REPEAT_PENALTY_RANGE)
        if self.seed is not None:
            if not isinstance(self.seed, int):
                raise ValueError(f"seed must be an integer, not {self.seed!r}")
            _check("seed", self.seed, SEED_RANGE)

    def completion_kwargs(self) -> dict[str, float | int]:
        """Keyword arguments for llama-cpp-python's ``create_(chat_)completion``."""
        kwargs: dict[str, float | int] = {
            "temperature": self.temperature,
            "top_k": self.top_k,
            "top_p": self.top_p,
            "min_p": self.min_p,
            "repeat_penalty": self.repeat_penalty,
        }
        if self.seed is not None:
            kwargs["seed"] = self.seed
        return kwargs


SAMPLING_PRESETS: Final[Mapping[str, SamplingParams]] = MappingProxyType(
    {
        # Gemma 3's own generation_config: top_k 64, top_p 0.95, temperature 1.0.
        "gemma": SamplingParams(temperature=1.0, top_k=64, top_p=0.95, min_p=0.0),
        "precise": SamplingParams(temperature=0.3, top_k=40, top_p=0.9, min_p=0.05),
        "creative": SamplingParams(temperature=1.2, top_k=100, top_p=0.98, min_p=0.0),
    }
)

# Deterministic decoding (always the most likely token), for tests and benchmarks.
GREEDY: Final = SamplingParams(temperature=0.0, top_k=1, top_p=1.0, min_p=0.0)
