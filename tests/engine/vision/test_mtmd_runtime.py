"""The vision runtime on real llama.cpp: the bundled Gemma 3 270M with a tiny random projector.

Everything that loads llama.cpp runs in a child interpreter (vision_scenarios.py), so a native
abort fails the test instead of killing pytest. Timings are reported, never asserted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine.vision.mtmd_runtime import (
    EmbeddingCache,
    is_placeholder,
    placeholder_ids,
    strip_placeholders,
)

Scenario = Callable[..., dict[str, Any]]


def test_placeholder_ids_are_negative_distinct_and_stable() -> None:
    first = placeholder_ids("ab" * 32)
    assert len(first) == 256 and len(set(first)) == 256
    assert all(is_placeholder(token) and token >= -(2**31) for token in first)
    assert placeholder_ids("ab" * 32) == first
    assert placeholder_ids("ac" + "ab" * 31) != first
    assert placeholder_ids("00" * 32, count=3) == placeholder_ids("00" * 32)[:3]
    assert strip_placeholders([2, *first[:3], 108]) == [2, 108]


def test_embedding_cache_is_an_lru_bounded_in_bytes() -> None:
    def entry(value: float) -> np.ndarray:
        return np.full((256, 4), value, dtype=np.float32)  # 4 KiB each

    cache = EmbeddingCache(capacity_bytes=3 * 4096)
    for key in "abc":
        cache.put(key, entry(1.0))
    assert cache.get("a") is not None  # a becomes the most recently used
    cache.put("d", entry(2.0))
    assert "b" not in cache and {"a", "c", "d"} <= {k for k in "abcd" if k in cache}
    assert cache.nbytes == 3 * 4096 and len(cache) == 3
    assert cache.hits == 1 and cache.get("b") is None and cache.misses == 1
    cached = cache.get("d")
    assert cached is not None and not cached.flags.writeable
    cache.put("huge", np.zeros((1024, 1024), np.float32))  # larger than the cache: not kept
    assert "huge" not in cache and len(cache) == 3


@pytest.mark.model
def test_conversation_with_pan_and_scan_and_follow_up(
    run_scenario: Scenario, model_path: Path, tiny_mmproj_path: Path
) -> None:
    facts = run_scenario("conversation", model_path, tiny_mmproj_path)
    first = facts["first"]
    # 1920x1080: full view + 2 crops, 256 image positions each.
    assert first["tiles"] == 3
    assert first["image_positions"] == [256, 256, 256]
    assert first["encode_count"] == 3
    assert [span["length"] for span in first["spans"]] == [256, 256, 256]
    assert all(span["before_is_boi"] and span["after_is_eoi"] for span in first["spans"])
    assert first["kept_matches"] and first["n_tokens"] == first["full_length"] == first["end"]
    assert first["logits_finite"]
    assert first["text_decoded"] == (
        "<bos><start_of_turn>user\nHere is the original image \n\n<start_of_image><end_of_image>"
        "\n\n and here are some crops to help you see better \n\n<start_of_image><end_of_image>"
        "\n\n \n\n<start_of_image><end_of_image>\n\nWhat is in this picture?<end_of_turn>\n"
        "<start_of_turn>model\n"
    )
    assert facts["answer_tokens"] == 4

    follow = facts["follow_up"]
    assert follow["encode_count"] == 0  # the goal: no encoder run for the same image
    assert follow["decoded_images"] == 0 and follow["skipped_images"] == 3
    assert follow["reused"] >= first["full_length"]
    assert follow["evaluated"] < 40  # only the new turn's text
    assert follow["kept_matches"] and facts["follow_up_answer"] == 2

    assert facts["new_image"] == {"encode_count": 1, "image_positions": [256], "skipped_images": 3}
    assert facts["append"]["start"] == facts["append"]["n_before"]
    assert facts["append"]["end"] > facts["append"]["start"]

    fresh = facts["fresh"]  # new context, same image: decoded again from cached embeddings
    assert fresh == {"encode_count": 0, "decoded_images": 3, "reused": 0, "kept_matches": True}
    assert facts["cache_entries"] == 4 and facts["total_encodes"] == 4
    assert facts["closed_with_llm"]  # Llama.close() also frees the libmtmd context


@pytest.mark.model
def test_real_photo_through_the_whole_path(
    run_scenario: Scenario, model_path: Path, tiny_mmproj_path: Path, real_photo: Path
) -> None:
    facts = run_scenario("real_photo", model_path, tiny_mmproj_path, real_photo)
    assert facts["source_size"] == [720, 477]
    assert facts["crops"] == [[0, 0, 360, 477], [360, 0, 720, 477]]
    assert facts["image_positions"] == [256, 256, 256]
    assert facts["encode_count"] == 3 and len(facts["encode_ms"]) == 3
    assert facts["answer_tokens"] == 3


@pytest.mark.model
def test_bad_projectors_and_settings_fail_cleanly(
    run_scenario: Scenario,
    model_path: Path,
    tiny_mmproj_path: Path,
    make_mmproj: Callable[..., Path],
) -> None:
    mismatched = make_mmproj("for-1024-wide-model", projection_dim=1024)
    truncated = make_mmproj("truncated-in-last-tensor", truncate=64)
    facts = run_scenario("errors", model_path, tiny_mmproj_path, mismatched, truncated)

    def refused(key: str, error: str, *words: str) -> None:
        outcome = facts[key]
        assert outcome["error"] == error, outcome
        assert outcome["hearth"], outcome
        assert "\n" not in outcome["message"] and outcome["message"].endswith("."), outcome
        for word in words:
            assert word in outcome["message"], outcome

    refused("mismatched", "ModelFileError", "1024", "640")
    # Without Hearth's validation libmtmd itself refuses this one cleanly (NULL context).
    refused("mismatched_unvalidated", "ModelFileError", "mismatch", "n_embd = 1024")
    refused("truncated", "ModelFileError", "truncated")
    refused("missing", "ModelFileError", "does not exist")
    refused("text_model_as_mmproj", "ModelFileError", "not a vision projector")
    refused("text_only_model", "ModelFileError", "text-only")
    refused("closed", "VisionError", "closed")
    refused("small_ubatch", "VisionError", "n_ubatch=128")
    refused("context_overflow", "VisionError", "context")
    assert facts["context_overflow_n_tokens"] == 0 and facts["encodes_after_overflow"] == 0
    assert facts["bad_token"]["error"] == "ValueError"  # a caller bug, not the user's fault
