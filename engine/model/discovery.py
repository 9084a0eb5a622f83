"""Find GGUF models that other apps already downloaded, so Hearth can use them in place.

Each app keeps its models in its own layout (Linux paths; every app's environment override is
honoured):

* **Ollama** — ``$OLLAMA_MODELS`` or ``~/.ollama/models`` (the system service uses
  ``/usr/share/ollama/.ollama/models``): content-addressed ``blobs/sha256-<hex>`` plus JSON
  manifests ``manifests/<registry>/<namespace>/<model>/<tag>`` whose layers name the model blob
  (``application/vnd.ollama.image.model``) and the vision projector
  (``application/vnd.ollama.image.projector``). The manifest gives the name ``model:tag``.
* **Hugging Face cache** — ``$HF_HUB_CACHE``, else ``$HF_HOME/hub``, else
  ``$XDG_CACHE_HOME/huggingface/hub``: ``models--<org>--<name>/snapshots/<rev>/…/*.gguf``,
  symlinks into ``blobs/`` (resolved for identity; the snapshot path is kept so a projector
  beside the model is found by name).
* **LM Studio** (``~/.lmstudio/models``, ``~/.cache/lm-studio/models``), **Jan** (``~/jan/models``
  and its data folder ``$XDG_DATA_HOME/Jan/data``), **GPT4All**
  (``$XDG_DATA_HOME/nomic.ai/GPT4All``) and **llama.cpp**'s download cache (``$LLAMA_CACHE`` or
  ``$XDG_CACHE_HOME/llama.cpp``): plain folders of ``.gguf`` files, walked to a bounded depth.

Nothing here reads more than directory entries and small manifests; the header check and the
identity of each file happen in ``engine.model.references``. Roots are data (``SearchRoot``), so
tests point discovery at folders they build.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

__all__ = [
    "OLLAMA_MODEL_MEDIA_TYPE",
    "OLLAMA_PROJECTOR_MEDIA_TYPE",
    "FoundModel",
    "SearchRoot",
    "default_roots",
    "discover",
]

Layout = Literal["ollama", "hf_hub", "tree"]

OLLAMA_MODEL_MEDIA_TYPE: Final = "application/vnd.ollama.image.model"
OLLAMA_PROJECTOR_MEDIA_TYPE: Final = "application/vnd.ollama.image.projector"
OLLAMA_DEFAULT_REGISTRY: Final = "registry.ollama.ai"
OLLAMA_DEFAULT_NAMESPACE: Final = "library"

MAX_TREE_DEPTH: Final = 6  # LM Studio: models/<publisher>/<repo>/<file>; Jan nests deeper
MAX_FILES_PER_ROOT: Final = 2000
MAX_MANIFEST_BYTES: Final = 1 << 20
# Names other apps give files they are still downloading.
_PARTIAL_SUFFIXES: Final = (".part", ".partial", ".incomplete", ".download", ".tmp", ".crdownload")
_DIGEST: Final = re.compile(r"sha256[:-]([0-9a-f]{64})")
_GGUF_MAGIC: Final = b"GGUF"


@dataclass(frozen=True)
class SearchRoot:
    """One place to look: which app keeps models there and how they are laid out."""

    source: str
    path: Path
    layout: Layout = "tree"


@dataclass(frozen=True)
class FoundModel:
    """A GGUF file another app keeps, as found (not yet validated).

    ``path`` is what llama.cpp opens (a Hugging Face snapshot symlink stays a symlink);
    ``sha256`` is the content hash the app's store names the file by (Ollama blob names, HF
    blob names), unverified; ``mmproj`` is the projector the app pairs with it, if it says.
    """

    source: str
    name: str
    path: Path
    mmproj: Path | None = None
    sha256: str | None = None

    @property
    def real_path(self) -> Path:
        return Path(os.path.realpath(self.path))


def _env_path(env: Mapping[str, str], key: str) -> Path | None:
    value = env.get(key, "").strip()
    return Path(value).expanduser() if value else None


def default_roots(env: Mapping[str, str], home: Path) -> tuple[SearchRoot, ...]:
    """Where the known apps keep models on Linux, honouring their environment overrides."""
    cache = _env_path(env, "XDG_CACHE_HOME") or home / ".cache"
    data = _env_path(env, "XDG_DATA_HOME") or home / ".local" / "share"
    ollama = _env_path(env, "OLLAMA_MODELS")
    hf_hub = (
        _env_path(env, "HF_HUB_CACHE")
        or _env_path(env, "HUGGINGFACE_HUB_CACHE")
        or ((_env_path(env, "HF_HOME") or cache / "huggingface") / "hub")
    )
    roots = [
        SearchRoot("Ollama", ollama or home / ".ollama" / "models", "ollama"),
        SearchRoot("Ollama", Path("/usr/share/ollama/.ollama/models"), "ollama"),
        SearchRoot("Hugging Face", hf_hub, "hf_hub"),
        SearchRoot("LM Studio", home / ".lmstudio" / "models"),
        SearchRoot("LM Studio", cache / "lm-studio" / "models"),
        SearchRoot("Jan", home / "jan" / "models"),
        SearchRoot("Jan", data / "Jan" / "data"),
        SearchRoot("GPT4All", data / "nomic.ai" / "GPT4All"),
        SearchRoot("llama.cpp", _env_path(env, "LLAMA_CACHE") or cache / "llama.cpp"),
    ]
    unique: dict[Path, SearchRoot] = {}
    for root in roots:
        unique.setdefault(root.path, root)
    return tuple(unique.values())


def discover(roots: Sequence[SearchRoot]) -> list[FoundModel]:
    """Every GGUF text model in ``roots``, once each (by real path), in root order.

    Unreadable folders and malformed manifests are skipped: discovery never fails.
    """
    found: list[FoundModel] = []
    seen: set[Path] = set()
    for root in roots:
        try:
            if not root.path.is_dir():
                continue
        except OSError:
            continue
        if root.layout == "ollama":
            items: Iterator[FoundModel] = _ollama(root)
        elif root.layout == "hf_hub":
            items = _hf_hub(root)
        else:
            items = _tree(root)
        for item in items:
            key = item.real_path
            if key in seen:
                continue
            seen.add(key)
            found.append(item)
    return found


# ---------------------------------------------------------------- Ollama


def _ollama_name(parts: tuple[str, ...]) -> str:
    """``registry/namespace/model/tag`` -> ``model:tag`` (or ``namespace/model:tag``, or with the
    registry host when it is not Ollama's)."""
    registry, namespace, model, tag = parts
    name = f"{model}:{tag}"
    if namespace != OLLAMA_DEFAULT_NAMESPACE or registry != OLLAMA_DEFAULT_REGISTRY:
        name = f"{namespace}/{name}"
    if registry != OLLAMA_DEFAULT_REGISTRY:
        name = f"{registry}/{name}"
    return name


def _layer_blob(blobs: Path, layer: object, media_type: str) -> tuple[Path, str] | None:
    if not isinstance(layer, dict) or layer.get("mediaType") != media_type:
        return None
    digest = layer.get("digest")
    if not isinstance(digest, str):
        return None
    match = _DIGEST.fullmatch(digest.strip().lower())
    if match is None:
        return None
    return blobs / f"sha256-{match.group(1)}", match.group(1)


def _ollama(root: SearchRoot) -> Iterator[FoundModel]:
    manifests = root.path / "manifests"
    blobs = root.path / "blobs"
    for manifest in sorted(_walk_files(manifests, max_depth=4)):
        parts = manifest.relative_to(manifests).parts
        if len(parts) != 4:
            continue
        try:
            if manifest.stat().st_size > MAX_MANIFEST_BYTES:
                continue
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        layers = data.get("layers") if isinstance(data, dict) else None
        if not isinstance(layers, list):
            continue
        model = next(
            (
                hit
                for layer in layers
                if (hit := _layer_blob(blobs, layer, OLLAMA_MODEL_MEDIA_TYPE))
            ),
            None,
        )
        if model is None or not _is_file(model[0]):
            continue
        projector = next(
            (
                hit
                for layer in layers
                if (hit := _layer_blob(blobs, layer, OLLAMA_PROJECTOR_MEDIA_TYPE))
            ),
            None,
        )
        mmproj = projector[0] if projector and _is_file(projector[0]) else None
        yield FoundModel(root.source, _ollama_name(parts), model[0], mmproj, model[1])


# ---------------------------------------------------------------- Hugging Face hub cache


def _hf_hub(root: SearchRoot) -> Iterator[FoundModel]:
    try:
        repos = sorted(p for p in root.path.iterdir() if p.name.startswith("models--"))
    except OSError:
        return
    for repo in repos:
        repo_id = repo.name.removeprefix("models--").replace("--", "/")
        snapshots = repo / "snapshots"
        files = sorted(
            path for path in _walk_files(snapshots, max_depth=4) if _is_gguf_name(path.name)
        )
        for path in files:
            if _is_projector_name(path.name):
                continue
            real = Path(os.path.realpath(path))
            if not _is_file(real):
                continue  # a dangling symlink: the blob was deleted
            digest = real.name if re.fullmatch(r"[0-9a-f]{64}", real.name) else None
            yield FoundModel(root.source, f"{repo_id}/{path.name}", path, None, digest)


# ---------------------------------------------------------------- plain folders


def _tree(root: SearchRoot) -> Iterator[FoundModel]:
    files = sorted(
        path
        for path in _walk_files(root.path, max_depth=MAX_TREE_DEPTH)
        if _is_gguf_name(path.name) and not _is_projector_name(path.name)
    )
    for path in files:
        if _has_gguf_magic(path):
            yield FoundModel(root.source, path.stem, path)


# ---------------------------------------------------------------- helpers


def _is_gguf_name(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(".gguf") and not lower.endswith(_PARTIAL_SUFFIXES)


def _is_projector_name(name: str) -> bool:
    return "mmproj" in name.lower()


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _has_gguf_magic(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == _GGUF_MAGIC
    except OSError:
        return False


def _walk_files(top: Path, *, max_depth: int) -> Iterator[Path]:
    """Files under ``top`` at most ``max_depth`` folders deep; symlinked folders are not
    followed (no loops), symlinked files are; at most ``MAX_FILES_PER_ROOT`` files."""
    count = 0
    stack: list[tuple[Path, int]] = [(top, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as entries:
                children = list(entries)
        except OSError:
            continue
        for entry in children:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if depth + 1 < max_depth:
                        stack.append((Path(entry.path), depth + 1))
                elif entry.is_file(follow_symlinks=True) or entry.is_symlink():
                    count += 1
                    if count > MAX_FILES_PER_ROOT:
                        return
                    yield Path(entry.path)
            except OSError:
                continue
