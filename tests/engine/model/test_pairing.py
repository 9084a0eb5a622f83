"""Auto-pairing of a model with the projector beside it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from engine.model.catalog import check_mmproj_pair
from engine.model.gguf_header import read_gguf_header
from engine.model.pairing import candidate_projectors, find_projector


def test_candidates_prefer_the_projector_named_like_the_model(tmp_path: Path) -> None:
    model = tmp_path / "gemma-3-4b-it-Q4_K_M.gguf"
    model.write_bytes(b"")
    for name in ("mmproj-other.gguf", "mmproj-gemma-3-4b-it-f16.gguf", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    names = [p.name for p in candidate_projectors(model)]
    assert names == ["mmproj-gemma-3-4b-it-f16.gguf", "mmproj-other.gguf"]


def test_a_text_only_model_gets_no_projector(
    tmp_path: Path, model_path: Path, write_mmproj: Callable[..., Path]
) -> None:
    link = tmp_path / model_path.name
    link.symlink_to(model_path)
    write_mmproj(tmp_path / "mmproj-tiny.gguf")
    # The 270M is text-only: a projector beside it is never paired automatically.
    assert find_projector(link) is None


def test_broken_and_mismatched_projectors_are_skipped(
    tmp_path: Path, model_path: Path, write_mmproj: Callable[..., Path]
) -> None:
    link = tmp_path / model_path.name
    link.symlink_to(model_path)
    (tmp_path / "mmproj-broken.gguf").write_bytes(b"GGUF" + b"\0" * 10)
    write_mmproj(tmp_path / "mmproj-a-wide.gguf", projection_dim=1024)
    good = write_mmproj(tmp_path / "mmproj-fits.gguf")
    check_mmproj_pair(read_gguf_header(link), read_gguf_header(good), allow_text_only=True)
    assert find_projector(link) is None  # 270M is text-only even with a fitting projector
    # As the test fixtures pair it: the broken and the too-wide files come first, and are skipped.
    assert [p.name for p in candidate_projectors(link)][:2] == [
        "mmproj-a-wide.gguf",
        "mmproj-broken.gguf",
    ]
    assert find_projector(link, allow_text_only=True) == good


def test_a_vision_model_is_paired_with_the_projector_that_fits(
    tmp_path: Path, write_mmproj: Callable[..., Path]
) -> None:
    from tests.engine.model.gguf_fixtures import write_gemma3

    model = write_gemma3(tmp_path / "gemma-3-4b-it-Q4_K_M.gguf", "4B")
    write_mmproj(tmp_path / "mmproj-gemma-3-4b-wrong.gguf", projection_dim=1024)
    fits = write_mmproj(tmp_path / "mmproj-gemma-3-4b-it-f16.gguf", projection_dim=2560)
    assert find_projector(model) == fits
