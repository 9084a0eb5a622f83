"""Finding other apps' GGUFs: an Ollama blob store with manifests, a Hugging Face cache with
symlinks, plain folders; all built in tmp_path from the real bundled model's bytes."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from engine.model.bundled import sha256_file
from engine.model.discovery import (
    OLLAMA_MODEL_MEDIA_TYPE,
    OLLAMA_PROJECTOR_MEDIA_TYPE,
    SearchRoot,
    default_roots,
    discover,
)


def place(source: Path, target: Path) -> Path:
    """The real model bytes at ``target``: a hardlink when the filesystem allows, else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        target.write_bytes(source.read_bytes())
    return target


def build_ollama(
    root: Path, model_path: Path, *, name: str = "gemma3", tag: str = "270m",
    namespace: str = "library", registry: str = "registry.ollama.ai",
    projector: Path | None = None,
) -> Path:  # fmt: skip
    """An Ollama store: the model as a content-addressed blob and a manifest naming it."""
    digest = sha256_file(model_path)
    blob = place(model_path, root / "blobs" / f"sha256-{digest}")
    layers: list[dict[str, object]] = [
        {"mediaType": OLLAMA_MODEL_MEDIA_TYPE, "digest": f"sha256:{digest}",
         "size": blob.stat().st_size},
        {"mediaType": "application/vnd.ollama.image.template", "digest": "sha256:" + "0" * 64},
    ]  # fmt: skip
    if projector is not None:
        pdigest = sha256_file(projector)
        place(projector, root / "blobs" / f"sha256-{pdigest}")
        layers.append({"mediaType": OLLAMA_PROJECTOR_MEDIA_TYPE, "digest": f"sha256:{pdigest}"})
    manifest = root / "manifests" / registry / namespace / name / tag
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({"schemaVersion": 2, "layers": layers}), encoding="utf-8")
    return blob


def build_hf_cache(hub: Path, model_path: Path, repo: str = "google--gemma-3-270m-GGUF") -> Path:
    """The Hugging Face hub cache layout: the blob named by its sha256, a snapshot symlink."""
    digest = sha256_file(model_path)
    blob = place(model_path, hub / f"models--{repo}" / "blobs" / digest)
    snapshot = hub / f"models--{repo}" / "snapshots" / ("a" * 40)
    snapshot.mkdir(parents=True)
    link = snapshot / "gemma-3-270m-Q4_K_M.gguf"
    link.symlink_to(os.path.relpath(blob, snapshot))
    return link


def test_ollama_manifest_names_the_blob_and_its_projector(
    tmp_path: Path, model_path: Path, tiny_mmproj_path: Path
) -> None:
    store = tmp_path / "ollama"
    blob = build_ollama(store, model_path, projector=tiny_mmproj_path)
    build_ollama(store, model_path, name="mine", tag="latest", namespace="someone")
    (store / "manifests" / "registry.ollama.ai" / "library" / "broken").mkdir(parents=True)
    (store / "manifests" / "registry.ollama.ai" / "library" / "broken" / "x").write_text("{not")

    found = discover([SearchRoot("Ollama", store, "ollama")])
    # The same blob under two names is one file: listed once, under the first manifest.
    assert len(found) == 1
    (item,) = found
    assert item.source == "Ollama" and item.path == blob
    assert item.name in ("gemma3:270m", "someone/mine:latest")
    assert item.sha256 == sha256_file(model_path)
    assert item.mmproj is not None and item.mmproj.name == f"sha256-{sha256_file(tiny_mmproj_path)}"


def test_ollama_names_show_the_namespace_and_foreign_registries(
    tmp_path: Path, model_path: Path
) -> None:
    store = tmp_path / "ollama"
    build_ollama(store, model_path, name="smol", tag="q4", namespace="alice", registry="hf.co")
    (item,) = discover([SearchRoot("Ollama", store, "ollama")])
    assert item.name == "hf.co/alice/smol:q4"


def test_ollama_manifest_pointing_at_a_deleted_blob_is_skipped(
    tmp_path: Path, model_path: Path
) -> None:
    store = tmp_path / "ollama"
    blob = build_ollama(store, model_path)
    blob.unlink()
    assert discover([SearchRoot("Ollama", store, "ollama")]) == []


def test_hugging_face_cache_snapshot_symlinks_resolve_to_blobs(
    tmp_path: Path, model_path: Path
) -> None:
    hub = tmp_path / "hub"
    link = build_hf_cache(hub, model_path)
    (item,) = discover([SearchRoot("Hugging Face", hub, "hf_hub")])
    assert item.path == link and link.is_symlink()
    assert item.real_path.parent.name == "blobs"
    assert item.name == "google/gemma-3-270m-GGUF/gemma-3-270m-Q4_K_M.gguf"
    assert item.sha256 == sha256_file(model_path)
    # A dangling symlink (the blob was deleted) is not offered.
    item.real_path.unlink()
    assert discover([SearchRoot("Hugging Face", hub, "hf_hub")]) == []


def test_plain_folders_skip_partial_downloads_projectors_and_non_gguf(
    tmp_path: Path, model_path: Path, tiny_mmproj_path: Path
) -> None:
    lmstudio = tmp_path / "lmstudio"
    model = place(model_path, lmstudio / "lmstudio-community" / "gemma" / "gemma-3-270m.gguf")
    place(tiny_mmproj_path, model.parent / "mmproj-gemma.gguf")
    (model.parent / "half.gguf.part").write_bytes(b"GGUF" + b"\0" * 10)
    (model.parent / "fake.gguf").write_bytes(b"not a gguf at all")
    (lmstudio / "loop").symlink_to(lmstudio)  # a symlinked folder is not followed
    found = discover([SearchRoot("LM Studio", lmstudio)])
    assert [(item.source, item.path) for item in found] == [("LM Studio", model)]


def test_the_same_file_in_two_roots_is_listed_once(tmp_path: Path, model_path: Path) -> None:
    first = place(model_path, tmp_path / "a" / "m.gguf")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "m.gguf").symlink_to(first)
    found = discover([SearchRoot("Jan", tmp_path / "a"), SearchRoot("GPT4All", tmp_path / "b")])
    assert [(item.source, item.path) for item in found] == [("Jan", first)]


def test_missing_and_unreadable_roots_are_skipped(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "m.gguf").write_bytes(b"GGUF")
    blocked.chmod(0)
    try:
        roots = [SearchRoot("Jan", tmp_path / "nowhere"), SearchRoot("Jan", blocked)]
        found = discover(roots)
    finally:
        blocked.chmod(0o700)
    # root ignores permissions; either way discovery did not fail.
    assert all(item.path.parent == blocked for item in found)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, {"Ollama": "/home/u/.ollama/models", "Hugging Face": "/home/u/.cache/huggingface/hub",
              "llama.cpp": "/home/u/.cache/llama.cpp"}),
        ({"OLLAMA_MODELS": "/big/ollama", "HF_HOME": "/big/hf", "LLAMA_CACHE": "/big/llama"},
         {"Ollama": "/big/ollama", "Hugging Face": "/big/hf/hub", "llama.cpp": "/big/llama"}),
        ({"HF_HUB_CACHE": "/x/hub", "HF_HOME": "/ignored"}, {"Hugging Face": "/x/hub"}),
        ({"XDG_DATA_HOME": "/d", "XDG_CACHE_HOME": "/c"},
         {"GPT4All": "/d/nomic.ai/GPT4All", "Jan": "/d/Jan/data",
          "LM Studio": "/c/lm-studio/models", "Hugging Face": "/c/huggingface/hub"}),
    ],
)  # fmt: skip
def test_default_roots_honour_each_apps_environment_overrides(
    env: dict[str, str], expected: dict[str, str]
) -> None:
    roots = default_roots(env, Path("/home/u"))
    for source, path in expected.items():
        assert Path(path) in {root.path for root in roots if root.source == source}, source
    layouts = {root.source: root.layout for root in roots}
    assert layouts["Ollama"] == "ollama" and layouts["Hugging Face"] == "hf_hub"
    assert Path("/home/u/.lmstudio/models") in {root.path for root in roots}
    assert Path("/home/u/jan/models") in {root.path for root in roots}


def test_blob_digest_is_only_a_hint(tmp_path: Path, model_path: Path) -> None:
    """The store's name is reported as a hint; nothing trusts it as a verified hash."""
    store = tmp_path / "ollama"
    build_ollama(store, model_path)
    (item,) = discover([SearchRoot("Ollama", store, "ollama")])
    assert item.sha256 == hashlib.sha256(model_path.read_bytes()).hexdigest()
