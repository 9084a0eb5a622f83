"""Memory estimates against llama.cpp's measured 270M numbers and the computed family table."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import ModelFileError
from engine.model.gguf_header import GGUFInfo, read_gguf_header
from engine.model.memory import estimate_memory, format_bytes, swa_layers
from tests.engine.model.gguf_fixtures import (
    ARR,
    BOOL,
    U32,
    Tensor,
    build_gguf,
    gemma3_kv,
    write,
    write_gemma3,
    write_mmproj,
)

MIB = 1 << 20
GIB = 1 << 30


def synthetic(tmp_path: Path, label: str, **changes: tuple[int, object] | None) -> GGUFInfo:
    return read_gguf_header(write_gemma3(tmp_path / f"{label}.gguf", label, **changes))


@pytest.fixture(scope="module")
def real(model_path: Path) -> GGUFInfo:
    return read_gguf_header(model_path)


# llama.cpp's own load log for Gemma 3 270M (gemma3-kv-cache.md §1): n_ctx, swa_full -> MiB.
MEASURED_270M = [
    (16384, True, 48 + 240),
    (16384, False, 48 + 15),
    (32768, True, 96 + 480),
    (32768, False, 96 + 15),
]


@pytest.mark.model
@pytest.mark.parametrize(("n_ctx", "swa_full", "kv_mib"), MEASURED_270M)
def test_real_270m_matches_llama_cpp(
    real: GGUFInfo, n_ctx: int, swa_full: bool, kv_mib: int
) -> None:
    estimate = estimate_memory(real, n_ctx, swa_full=swa_full)
    assert estimate.kv_bytes == kv_mib * MIB
    assert estimate.kv_full_bytes == {16384: 288, 32768: 576}[n_ctx] * MIB
    assert (estimate.global_layers, estimate.sliding_layers) == (3, 15)
    assert estimate.sliding_cells == (n_ctx if swa_full else 1024)
    assert estimate.compute_bytes == pytest.approx(514.5 * MIB, abs=0.05 * MIB)
    assert estimate.weights_bytes == sum(t.nbytes for t in real.tensors)
    assert (
        estimate.total_bytes == estimate.weights_bytes + estimate.kv_bytes + estimate.compute_bytes
    )


@pytest.mark.model
def test_real_270m_small_micro_batch(real: GGUFInfo) -> None:
    estimate = estimate_memory(real, 16384, n_ubatch=128)
    assert estimate.sliding_cells == 768  # measured: "the SWA cache drops to 768 cells"
    assert estimate.compute_bytes == pytest.approx(128.6 * MIB, abs=0.05 * MIB)


def test_sliding_layer_pattern(tmp_path: Path) -> None:
    info = synthetic(tmp_path, "1B")
    layers = swa_layers(info)
    assert len(layers) == 26
    assert [il for il, sliding in enumerate(layers) if not sliding] == [5, 11, 17, 23]


def test_explicit_period_and_per_layer_pattern(tmp_path: Path) -> None:
    period = synthetic(tmp_path, "270M", gemma3__attention__sliding_window_pattern=(U32, 3))
    assert [il for il, s in enumerate(swa_layers(period)) if not s] == [2, 5, 8, 11, 14, 17]
    flags = [il % 2 == 0 for il in range(18)]
    per_layer = synthetic(
        tmp_path, "270M", gemma3__attention__sliding_window_pattern=(ARR, (BOOL, flags))
    )
    assert list(swa_layers(per_layer)) == flags
    every = synthetic(tmp_path, "270M", gemma3__attention__sliding_window_pattern=(U32, 0))
    assert all(swa_layers(every))


def test_no_window_means_all_global(tmp_path: Path) -> None:
    info = synthetic(tmp_path, "270M", gemma3__attention__sliding_window=None)
    estimate = estimate_memory(info, 8192)
    assert estimate.sliding_layers == 0
    assert estimate.kv_bytes == estimate.kv_full_bytes == 18 * 8192 * 1024


# gemma3-engine.md §2.6 (computed): label -> (GiB with swa_full=False, GiB with True) at full ctx.
FAMILY_TABLE = {
    "1B": (0.15, 0.8),
    "4B": (2.7, 17.0),
    "12B": (8.5, 48.0),
    "27B": (10.6, 62.0),
}


@pytest.mark.parametrize("label", sorted(FAMILY_TABLE))
def test_family_kv_table(tmp_path: Path, label: str) -> None:
    info = synthetic(tmp_path, label)
    assert info.context_length is not None
    small = estimate_memory(info, info.context_length)
    full = estimate_memory(info, info.context_length, swa_full=True)
    expected_small, expected_full = FAMILY_TABLE[label]
    assert small.kv_bytes / GIB == pytest.approx(expected_small, rel=0.05)
    assert full.kv_bytes / GIB == pytest.approx(expected_full, rel=0.05)
    assert full.kv_bytes == small.kv_full_bytes


def test_4b_exact_layout(tmp_path: Path) -> None:
    # 4 KV heads x 256 x (K + V) x f16 = 4 KiB per cell; 5 global layers of 34; 1024 + 512 cells.
    estimate = estimate_memory(synthetic(tmp_path, "4B"), 131072)
    assert (estimate.global_layers, estimate.sliding_layers) == (5, 29)
    assert estimate.sliding_cells == 1536
    assert estimate.kv_bytes == 4096 * (5 * 131072 + 29 * 1536)


def test_quantized_kv_cache(tmp_path: Path) -> None:
    info = synthetic(tmp_path, "12B")
    f16 = estimate_memory(info, 32768)
    q8 = estimate_memory(info, 32768, kv_type="q8_0")
    q4 = estimate_memory(info, 32768, kv_type="q4_0")
    f32 = estimate_memory(info, 32768, kv_type="f32")
    assert q8.kv_bytes * 64 == f16.kv_bytes * 34
    assert q4.kv_bytes * 64 == f16.kv_bytes * 18
    assert f32.kv_bytes == 2 * f16.kv_bytes


def test_parallel_sequences_widen_the_window(tmp_path: Path) -> None:
    info = synthetic(tmp_path, "4B")
    assert estimate_memory(info, 65536, n_seq=4).sliding_cells == 1024 * 4 + 512


def test_context_shorter_than_the_window(tmp_path: Path) -> None:
    estimate = estimate_memory(synthetic(tmp_path, "4B"), 1000)
    assert estimate.global_cells == estimate.sliding_cells == 1024  # padded to 256


def test_attention_scores_without_flash_attention(tmp_path: Path) -> None:
    info = synthetic(tmp_path, "27B")
    plain = estimate_memory(info, 131072)
    flash = estimate_memory(info, 131072, flash_attn=True)
    # 32 heads x 512 tokens x 131072 cells x f32 outgrow the 512 MiB of logits.
    assert plain.compute_bytes > 8 * GIB
    assert flash.compute_bytes == 512 * (262144 * 4 + 5376 * 8)


def test_weights_come_from_tensors_or_the_file_size(tmp_path: Path) -> None:
    header_only = synthetic(tmp_path, "1B")
    assert estimate_memory(header_only, 4096).weights_bytes == header_only.file_size
    tensors = [Tensor("token_embd.weight", (1152, 64)), Tensor("output_norm.weight", (1152,))]
    path = write(tmp_path / "t.gguf", build_gguf(gemma3_kv("1B"), tensors))
    with_tensors = read_gguf_header(path)
    assert estimate_memory(with_tensors, 4096).weights_bytes == (1152 * 64 + 1152) * 4


def test_describe_names_the_figures(tmp_path: Path) -> None:
    estimate = estimate_memory(synthetic(tmp_path, "4B"), 8192)
    text = estimate.describe()
    assert "8,192 tokens" in text
    assert format_bytes(estimate.kv_bytes) in text
    assert format_bytes(estimate.kv_full_bytes) in text
    assert format_bytes(estimate.total_bytes) in text


def test_format_bytes() -> None:
    assert format_bytes(512) == "512 bytes"
    assert format_bytes(1536) == "1.5 KiB"
    assert format_bytes(int(514.5 * MIB)) == "514.5 MiB"
    assert format_bytes(int(8.47 * GIB)) == "8.47 GiB"


def test_bad_requests(tmp_path: Path) -> None:
    info = synthetic(tmp_path, "4B")
    with pytest.raises(ValueError, match="unknown KV cache type"):
        estimate_memory(info, 4096, kv_type="q3")
    with pytest.raises(ValueError, match="positive"):
        estimate_memory(info, 0)
    projector = read_gguf_header(write_mmproj(tmp_path / "mmproj.gguf"))
    with pytest.raises(ModelFileError, match="vision projector"):
        estimate_memory(projector, 4096)
    no_layers = synthetic(tmp_path, "4B", gemma3__block_count=None)
    with pytest.raises(ModelFileError, match=r"gemma3\.block_count"):
        estimate_memory(no_layers, 4096)


def test_head_size_that_is_not_whole_blocks(tmp_path: Path) -> None:
    info = synthetic(
        tmp_path,
        "270M",
        gemma3__attention__key_length=(U32, 40),
        gemma3__attention__value_length=(U32, 40),
    )
    estimate_memory(info, 4096)  # f16 is fine
    with pytest.raises(ValueError, match="does not fit this model"):
        estimate_memory(info, 4096, kv_type="q8_0")


def test_the_checkpoint_budget_counts_only_with_a_sliding_window_cache(
    tmp_path: Path,
) -> None:
    from tests.engine.model.gguf_fixtures import write_gemma3

    info = read_gguf_header(write_gemma3(tmp_path / "g4b.gguf", "4B"))
    budget = 256 << 20
    small = estimate_memory(info, 32768, checkpoint_budget_bytes=budget)
    full = estimate_memory(info, 32768, swa_full=True, checkpoint_budget_bytes=budget)
    assert small.checkpoint_bytes == budget and full.checkpoint_bytes == 0
    assert small.total_bytes == small.weights_bytes + small.kv_bytes + small.compute_bytes + budget
    assert "checkpoints" in small.describe()
