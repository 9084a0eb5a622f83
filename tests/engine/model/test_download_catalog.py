"""The shipped download catalogue: well-formed, honest about unknown hashes, with fit
estimates from engine.model.memory."""

from __future__ import annotations

import json
import re

import pytest

from engine.model.download_catalog import (
    CATALOG_PATH,
    DEFAULT_DOWNLOAD_BASE_URL,
    load_download_catalog,
    parse_download_catalog,
)
from engine.model.fit import fit_verdict

GIB = 1 << 30


def test_the_catalogue_offers_the_gemma3_family_and_small_instruct_models() -> None:
    models = {model.id: model for model in load_download_catalog()}
    for size in ("1b", "4b", "12b", "27b"):
        assert f"gemma-3-{size}-it" in models and f"gemma-3-{size}-it-qat" in models
    for other in ("smollm2-1.7b-instruct", "qwen2.5-1.5b-instruct", "llama-3.2-1b-instruct",
                  "llama-3.2-3b-instruct"):  # fmt: skip
        assert other in models
    assert all(models[f"gemma-3-{s}-it"].runnable for s in ("1b", "4b", "12b", "27b"))
    assert models["qwen2.5-1.5b-instruct"].architecture == "qwen2"
    for size in ("4b", "12b", "27b"):  # the vision sizes come with their projector
        assert models[f"gemma-3-{size}-it"].projector_file is not None
    for model in models.values():
        assert model.licence and model.licence_url.startswith("https://")
        assert model.total_size > 100 << 20
        url = model.model_file.url(DEFAULT_DOWNLOAD_BASE_URL)
        assert url.startswith(f"https://huggingface.co/{model.repo}/resolve/")
        assert model.source_host(DEFAULT_DOWNLOAD_BASE_URL) == "huggingface.co"
        # Projectors get distinct names, so two models' mmproj files never collide.
    names = [f.target_name for model in models.values() for f in model.files]
    assert len(names) == len(set(names))


def test_every_hash_is_real_hex_or_explicitly_unknown() -> None:
    raw = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    for model in raw["models"]:
        for item in model["files"]:
            sha = item["sha256"]
            if sha is None:
                # An unverified hash is said so in the entry's note, and pinned nowhere.
                assert "not verified" in model["note"]
            else:
                assert re.fullmatch(r"[0-9a-f]{64}", sha)
                assert re.fullmatch(r"[0-9a-f]{40}", model["revision"])  # hash of a pinned rev
    assert any(model.verifiable for model in load_download_catalog())


def test_memory_estimates_grow_with_the_model_and_the_context() -> None:
    models = {model.id: model for model in load_download_catalog()}
    sizes = [models[f"gemma-3-{s}-it"].total_bytes(8192) for s in ("1b", "4b", "12b", "27b")]
    assert sizes == sorted(sizes) and len(set(sizes)) == 4
    small = models["llama-3.2-1b-instruct"]
    assert small.total_bytes(32768) > small.total_bytes(4096)
    # SmolLM2 has an 8K context: a bigger request is capped at the model's limit.
    smol = models["smollm2-1.7b-instruct"]
    assert smol.memory(65536).n_ctx == 8192


@pytest.mark.parametrize(
    ("need", "ram", "verdict"),
    [(4 * GIB, 16 * GIB, "fits"), (12 * GIB, 16 * GIB, "tight"), (15 * GIB, 16 * GIB, "too big"),
     (1, 0, None)],
)  # fmt: skip
def test_fit_verdict(need: int, ram: int, verdict: str | None) -> None:
    assert fit_verdict(need, ram) == verdict


def test_the_27b_model_is_too_big_for_an_8_gib_laptop() -> None:
    models = {model.id: model for model in load_download_catalog()}
    assert fit_verdict(models["gemma-3-27b-it"].total_bytes(8192), 8 * GIB) == "too big"
    assert fit_verdict(models["gemma-3-1b-it"].total_bytes(8192), 8 * GIB) == "fits"


@pytest.mark.parametrize(
    "bad",
    [
        {"sha256": "abc"},
        {"file": "../../etc/passwd.gguf"},
        {"size": 0},
        {"role": "weights"},
    ],
)
def test_malformed_entries_are_refused(bad: dict[str, object]) -> None:
    item = {"role": "model", "file": "m.gguf", "size": 10, "sha256": None} | bad
    doc = {"models": [{"id": "x", "name": "x", "family": "llama", "size_label": "1B",
                       "licence": "MIT", "repo": "a/b", "files": [item]}]}  # fmt: skip
    with pytest.raises(ValueError):
        parse_download_catalog(doc)
