"""The curated list of models Hearth offers to download (``download_catalog.json``).

Nothing here touches the network. Each entry has its files (model and, for vision models, the
projector) with the size, the published SHA-256 where Hearth has verified it (``None``
otherwise: such a file is never downloaded), the licence and the source repository. The memory
a model needs is estimated with ``engine.model.memory`` from the shape the catalogue states (a
Gemma 3 size, or the architecture numbers for other families), before any byte is fetched.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal
from urllib.parse import quote, urlsplit

from engine.errors import HearthError
from engine.model.catalog import GEMMA3_SIZES
from engine.model.gguf_header import GGUFInfo
from engine.model.memory import MemoryEstimate, estimate_memory

__all__ = [
    "CATALOG_PATH",
    "DEFAULT_DOWNLOAD_BASE_URL",
    "DownloadFile",
    "DownloadableModel",
    "load_download_catalog",
]

CATALOG_PATH: Final = Path(__file__).with_name("download_catalog.json")
DEFAULT_DOWNLOAD_BASE_URL: Final = "https://huggingface.co"
_SHA256: Final = re.compile(r"[0-9a-f]{64}")
_SAFE_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.gguf")
GEMMA3_VOCAB: Final = 262144

Role = Literal["model", "mmproj"]


@dataclass(frozen=True)
class DownloadFile:
    """One file to fetch: ``<base>/<repo>/resolve/<revision>/<file>`` saved as ``save_as``."""

    repo: str
    revision: str
    file: str
    size: int
    sha256: str | None
    role: Role = "model"
    save_as: str = ""
    size_exact: bool = False

    @property
    def target_name(self) -> str:
        return self.save_as or self.file

    @property
    def verifiable(self) -> bool:
        return self.sha256 is not None

    def url(self, base_url: str) -> str:
        base = base_url.rstrip("/")
        return f"{base}/{self.repo}/resolve/{quote(self.revision)}/{quote(self.file)}"


@dataclass(frozen=True)
class DownloadableModel:
    """One catalogue entry."""

    id: str
    name: str
    family: str
    size_label: str
    licence: str
    licence_url: str
    repo: str
    gated: bool
    note: str
    files: tuple[DownloadFile, ...]
    shape: Mapping[str, Any] = dataclasses.field(default_factory=dict, hash=False)

    @property
    def model_file(self) -> DownloadFile:
        return next(f for f in self.files if f.role == "model")

    @property
    def projector_file(self) -> DownloadFile | None:
        return next((f for f in self.files if f.role == "mmproj"), None)

    @property
    def total_size(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def verifiable(self) -> bool:
        """Every file has a published hash Hearth knows: only then is it downloaded."""
        return all(f.verifiable for f in self.files)

    @property
    def architecture(self) -> str:
        return "gemma3" if self.family == "gemma3" else str(self.shape.get("architecture", ""))

    @property
    def runnable(self) -> bool:
        """This build's header reader accepts the model's architecture (no point fetching
        gigabytes it would then refuse)."""
        return _can_run(self.architecture)

    def source_host(self, base_url: str) -> str:
        return urlsplit(base_url).hostname or base_url

    def memory(self, n_ctx: int, kv_type: str = "f16", checkpoint_mib: int = 0) -> MemoryEstimate:
        """What running it at ``n_ctx`` needs (weights from the file size, KV cache from the
        shape), capped at the model's context limit."""
        info = self._info()
        limit = info.context_length or n_ctx
        return estimate_memory(
            info,
            min(n_ctx, limit),
            kv_type=kv_type,
            checkpoint_budget_bytes=checkpoint_mib << 20,
        )

    def total_bytes(self, n_ctx: int, kv_type: str = "f16", checkpoint_mib: int = 0) -> int:
        projector = self.projector_file
        extra = projector.size if projector is not None else 0
        return self.memory(n_ctx, kv_type, checkpoint_mib).total_bytes + extra

    def _info(self) -> GGUFInfo:
        """A header-like description, so ``estimate_memory`` treats it like a real file."""
        values: dict[str, Any]
        if self.family == "gemma3":
            size = next(s for s in GEMMA3_SIZES if s.label == self.size_label)
            values = {
                "architecture": "gemma3",
                "block_count": size.block_count,
                "embedding_length": size.embedding_length,
                "head_count": size.head_count,
                "head_count_kv": size.head_count_kv,
                "key_length": size.head_dim,
                "value_length": size.head_dim,
                "feed_forward_length": size.feed_forward_length,
                "sliding_window": size.sliding_window,
                "context_length": size.context_length,
                "vocab_size": GEMMA3_VOCAB,
            }
        else:
            shape = self.shape
            values = {
                "architecture": str(shape["architecture"]),
                "block_count": int(shape["block_count"]),
                "embedding_length": int(shape["embedding_length"]),
                "head_count": int(shape["head_count"]),
                "head_count_kv": int(shape["head_count_kv"]),
                "key_length": int(shape["head_dim"]),
                "value_length": int(shape["head_dim"]),
                "context_length": int(shape["context_length"]),
                "vocab_size": int(shape["vocab_size"]),
            }
        values.update(
            path=Path(self.model_file.target_name),
            file_size=self.model_file.size,
            version=3,
            name=self.name,
            size_label=self.size_label,
            metadata={},
            tensors=(),
            arrays={},
            has_vision_encoder=False,
            tensor_count=0,
        )
        # Every other header field is unknown here.
        for spec in dataclasses.fields(GGUFInfo):
            values.setdefault(spec.name, None)
        return GGUFInfo(**values)


def _can_run(name: str) -> bool:
    """Whether this build's header reader accepts the architecture ``name``.

    With the any-architecture reader (``engine.model.architectures``, issue 12 items 1-2) that
    is every architecture the pinned llama.cpp can load; before it, the fixed list of the
    header reader.
    """
    try:
        module = importlib.import_module("engine.model.architectures")
    except ImportError:
        from engine.model import gguf_header

        return name in getattr(gguf_header, "TEXT_ARCHITECTURES", ())
    facts = module.architecture(name)
    return bool(facts is not None and facts.loadable and not facts.is_mmproj)


def _file(raw: Mapping[str, Any], repo: str, revision: str) -> DownloadFile:
    name = str(raw["file"])
    save_as = str(raw.get("save_as") or "")
    for candidate in (name, save_as or name):
        if not _SAFE_NAME.fullmatch(candidate):
            raise ValueError(f"unsafe file name {candidate!r}")
    sha = raw.get("sha256")
    if sha is not None and not (isinstance(sha, str) and _SHA256.fullmatch(sha)):
        raise ValueError(f"{name}: sha256 must be 64 lowercase hex digits or null")
    size = int(raw["size"])
    if size <= 0:
        raise ValueError(f"{name}: size must be positive")
    role = raw.get("role", "model")
    if role not in ("model", "mmproj"):
        raise ValueError(f"{name}: unknown role {role!r}")
    return DownloadFile(
        repo=repo,
        revision=revision,
        file=name,
        size=size,
        sha256=sha,
        role=role,
        save_as=save_as,
        size_exact=bool(raw.get("size_exact", False)),
    )


def parse_download_catalog(data: Mapping[str, Any]) -> tuple[DownloadableModel, ...]:
    """Entries of a catalogue document. Raises ValueError on a malformed entry."""
    models: list[DownloadableModel] = []
    for raw in data["models"]:
        repo = str(raw["repo"])
        if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repo):
            raise ValueError(f"bad repository name {repo!r}")
        revision = str(raw.get("revision", "main"))
        files = tuple(_file(item, repo, revision) for item in raw["files"])
        if [f.role for f in files].count("model") != 1:
            raise ValueError(f"{raw['id']}: exactly one model file expected")
        models.append(
            DownloadableModel(
                id=str(raw["id"]),
                name=str(raw["name"]),
                family=str(raw["family"]),
                size_label=str(raw["size_label"]),
                licence=str(raw["licence"]),
                licence_url=str(raw.get("licence_url", "")),
                repo=repo,
                gated=bool(raw.get("gated", False)),
                note=str(raw.get("note", "")),
                files=files,
                shape=dict(raw.get("shape") or {}),
            )
        )
    return tuple(models)


@cache
def load_download_catalog(path: Path = CATALOG_PATH) -> tuple[DownloadableModel, ...]:
    """The shipped catalogue. A broken data file is our bug, reported as such."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return parse_download_catalog(data)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise HearthError(
            f"The list of downloadable models ({path.name}) is damaged: {exc}"
        ) from exc
