"""The tiny projector fixture passes Hearth's projector checks; its broken variants do not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from engine.errors import ModelFileError
from engine.model.catalog import check_mmproj_pair, validate_mmproj
from engine.model.gguf_header import read_gguf_header


def test_tiny_projector_pairs_with_the_bundled_model(
    tiny_mmproj_path: Path, model_path: Path
) -> None:
    info = read_gguf_header(tiny_mmproj_path)
    assert info.is_mmproj and info.projector_type == "gemma3"
    assert info.projection_dim == 640 and info.embedding_length == 32
    assert 600_000 < tiny_mmproj_path.stat().st_size < 800_000
    validate_mmproj(info)
    check_mmproj_pair(read_gguf_header(model_path), info, allow_text_only=True)


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"projection_dim": 1024}, "1024"),
        ({"truncate": 64}, "truncated"),
        ({"truncate": 400_000}, "truncated"),
        ({"heads": 3}, "divisible"),
        ({"skip_tensors": ["v.blk.0.attn_q.weight"]}, "attn_q"),
        ({"drop_keys": ["clip.projector_type"]}, "projector type"),
    ],
)
def test_broken_variants_are_refused_before_llama_cpp(
    make_mmproj: Callable[..., Path],
    model_path: Path,
    options: dict[str, object],
    words: str,
) -> None:
    name = "-".join(f"{key}-{value}" for key, value in options.items()).replace("/", "")
    path = make_mmproj(name[:60], **options)
    with pytest.raises(ModelFileError, match=words):
        check_mmproj_pair(
            read_gguf_header(model_path), read_gguf_header(path), allow_text_only=True
        )
