"""Sampling parameters: presets, validation and the llama-cpp-python keyword arguments."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from engine.chat.sampling import GREEDY, SAMPLING_PRESETS, SamplingParams


def test_presets() -> None:
    assert set(SAMPLING_PRESETS) == {"gemma", "precise", "creative"}
    gemma = SAMPLING_PRESETS["gemma"]
    assert (gemma.temperature, gemma.top_k, gemma.top_p, gemma.min_p) == (1.0, 64, 0.95, 0.0)
    assert gemma.repeat_penalty == 1.0
    precise = SAMPLING_PRESETS["precise"]
    assert (precise.temperature, precise.top_k, precise.top_p, precise.min_p) == (
        0.3,
        40,
        0.9,
        0.05,
    )
    creative = SAMPLING_PRESETS["creative"]
    assert (creative.temperature, creative.top_k, creative.top_p, creative.min_p) == (
        1.2,
        100,
        0.98,
        0.0,
    )
    assert SamplingParams() == gemma  # the defaults are Gemma's own


def test_greedy() -> None:
    assert GREEDY.temperature == 0.0
    assert GREEDY.top_k == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"temperature": -0.1},
        {"temperature": float("inf")},
        {"top_k": -1},
        {"top_k": 2.5},
        {"top_p": 1.01},
        {"min_p": -0.5},
        {"repeat_penalty": 0.0},
        {"seed": -1},
        {"seed": 2**32},
        {"temperature": True},
    ],
)
def test_out_of_range_values(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        SamplingParams(**bad)


def test_completion_kwargs() -> None:
    assert SamplingParams(seed=7).completion_kwargs() == {
        "temperature": 1.0,
        "top_k": 64,
        "top_p": 0.95,
        "min_p": 0.0,
        "repeat_penalty": 1.0,
        "seed": 7,
    }
    assert "seed" not in GREEDY.completion_kwargs()


def test_pickles_across_processes() -> None:
    params = SamplingParams(temperature=0.5, seed=3)
    assert pickle.loads(pickle.dumps(params)) == params
