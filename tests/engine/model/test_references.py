"""References to found models: stored with their identity, then ready / changed / moved /
missing / unusable; never a crash."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from engine.model.discovery import SearchRoot, discover
from engine.model.identity import model_identity
from engine.model.references import ReferenceStore, projector_fits
from tests.engine.model.test_discovery import build_hf_cache, build_ollama, place


def test_found_ollama_model_is_referenced_with_its_identity(
    tmp_path: Path, model_path: Path
) -> None:
    store = tmp_path / "ollama"
    blob = build_ollama(store, model_path)
    references = ReferenceStore(tmp_path / "data")
    checks = references.update(discover([SearchRoot("Ollama", store, "ollama")]))
    (check,) = checks
    assert check.status == "ready" and check.usable
    assert check.info is not None and check.info.architecture == "gemma3"
    ref = check.reference
    assert ref.path == str(blob) and ref.source == "Ollama" and ref.name == "gemma3:270m"
    assert ref.size == model_path.stat().st_size
    assert ref.identity == model_identity(model_path)  # the same bytes, the same identity
    # Used in place: nothing was copied into Hearth's folders.
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["found-models.json"]
    saved = json.loads((tmp_path / "data" / "found-models.json").read_text())
    assert saved[0]["identity"] == ref.identity


def test_hf_cache_model_is_referenced_through_its_snapshot_path(
    tmp_path: Path, model_path: Path
) -> None:
    link = build_hf_cache(tmp_path / "hub", model_path)
    references = ReferenceStore(tmp_path / "data")
    (check,) = references.update(discover([SearchRoot("Hugging Face", tmp_path / "hub", "hf_hub")]))
    assert check.usable and check.reference.path == str(link)


def test_a_moved_file_is_followed_by_its_identity(tmp_path: Path, model_path: Path) -> None:
    old = place(model_path, tmp_path / "lmstudio" / "pub" / "repo" / "model.gguf")
    roots = [SearchRoot("LM Studio", tmp_path / "lmstudio")]
    references = ReferenceStore(tmp_path / "data")
    references.update(discover(roots))

    new = tmp_path / "lmstudio" / "other" / "renamed.gguf"
    new.parent.mkdir(parents=True)
    os.rename(old, new)
    # Without a rescan the reference is reported missing, calmly.
    (check,) = references.check_all()
    assert check.status == "missing" and "no longer at" in check.message
    # A rescan finds the same identity elsewhere: moved, and the reference follows it.
    (check,) = references.update(discover(roots))
    assert check.status == "moved" and check.usable
    assert check.reference.path == str(new)
    assert str(old) in check.message and str(new) in check.message
    assert [ref.path for ref in references.load()] == [str(new)]


def test_a_deleted_file_stays_listed_as_missing(tmp_path: Path, model_path: Path) -> None:
    model = place(model_path, tmp_path / "jan" / "m.gguf")
    roots = [SearchRoot("Jan", tmp_path / "jan")]
    references = ReferenceStore(tmp_path / "data")
    references.update(discover(roots))
    model.unlink()
    (check,) = references.update(discover(roots))
    assert check.status == "missing" and not check.usable and check.info is None
    assert len(references.load()) == 1  # still remembered, so the user sees what happened


def test_a_truncated_file_is_unusable_with_a_reason(tmp_path: Path, model_path: Path) -> None:
    folder = tmp_path / "gpt4all"
    folder.mkdir()
    cut = folder / "cut.gguf"
    with model_path.open("rb") as source:
        cut.write_bytes(source.read(1 << 20))  # the header survives, the tensor data does not
    references = ReferenceStore(tmp_path / "data")
    (check,) = references.update(discover([SearchRoot("GPT4All", folder)]))
    assert check.status == "unusable" and not check.usable
    assert "cut.gguf" in check.message and "truncated" in check.message.lower()
    assert references.load() == []  # a refused new file is reported, not remembered


def test_a_file_changed_in_place_is_identified_again(tmp_path: Path, model_path: Path) -> None:
    model = place(model_path, tmp_path / "jan" / "m.gguf")
    references = ReferenceStore(tmp_path / "data")
    references.update(discover([SearchRoot("Jan", tmp_path / "jan")]))
    # The other app replaced the file by a truncated one (an interrupted update).
    model.unlink()
    with model_path.open("rb") as source:
        model.write_bytes(source.read(1 << 20))
    (check,) = references.check_all()
    assert check.status == "unusable"
    assert check.reference.size == 1 << 20
    assert check.reference.identity != model_identity(model_path)


def test_a_damaged_references_file_loses_only_the_damaged_records(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    good = {"path": "/m.gguf", "source": "Jan", "name": "m", "size": 1, "mtime_ns": 2,
            "identity": "x"}  # fmt: skip
    (data / "found-models.json").write_text(json.dumps([good, {"path": 3}, "junk"]))
    assert [ref.path for ref in ReferenceStore(data).load()] == ["/m.gguf"]
    (data / "found-models.json").write_text("{{{")
    assert ReferenceStore(data).load() == []


def test_an_ollama_projector_is_used_only_when_it_fits_the_model(
    tmp_path: Path, model_path: Path, tiny_mmproj_path: Path, write_mmproj: Callable[..., Path]
) -> None:
    store = tmp_path / "ollama"
    blob = build_ollama(store, model_path, projector=tiny_mmproj_path)
    (item,) = discover([SearchRoot("Ollama", store, "ollama")])
    assert item.mmproj is not None
    assert projector_fits(blob, item.mmproj, allow_text_only=True)
    # The 270M is a text-only size: without the test allowance the pair is refused.
    assert not projector_fits(blob, item.mmproj)
    wrong = write_mmproj(tmp_path / "wide.gguf", projection_dim=1024)
    assert not projector_fits(blob, wrong, allow_text_only=True)
    assert not projector_fits(blob, tmp_path / "gone.gguf")
