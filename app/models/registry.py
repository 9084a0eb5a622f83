"""The models Hearth knows: the bundled one, GGUF files in the models folder, and files the
user added from elsewhere (remembered in ``models.json``). No Qt here.

Every file's header is read and validated (``engine.model.gguf_header``) before it is listed
as usable; a vision projector is paired automatically when one next to the model fits it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from engine.errors import HearthError
from engine.model.catalog import check_mmproj_pair, model_limits
from engine.model.gguf_header import GGUFInfo, read_gguf_header
from engine.model.memory import MemoryEstimate, estimate_memory
from engine.model.pairing import find_projector

REGISTRY_FILENAME = "models.json"


@dataclass(frozen=True)
class ModelEntry:
    """One usable text model and what its header says."""

    path: Path
    info: GGUFInfo
    mmproj: Path | None
    bundled: bool = False

    @property
    def name(self) -> str:
        return self.info.name or self.path.stem

    @property
    def label(self) -> str:
        limits = model_limits(self.info)
        quantization = self.info.quantization or "?"
        if self.info.architecture != "gemma3":
            return f"{self.name} · {quantization}"
        size = limits.label or self.info.size_label or "?"
        return f"Gemma 3 {size} · {quantization}"

    @property
    def max_context(self) -> int:
        return model_limits(self.info).max_context

    @property
    def vision(self) -> bool:
        """True when a projector is paired (the model can see images)."""
        return self.mmproj is not None

    @property
    def vision_capable(self) -> bool | None:
        return model_limits(self.info).vision

    def memory(self, n_ctx: int, kv_type: str = "f16", checkpoint_mib: int = 0) -> MemoryEstimate:
        return estimate_memory(
            self.info,
            min(n_ctx, self.max_context),
            kv_type=kv_type,
            checkpoint_budget_bytes=checkpoint_mib << 20,
        )

    def total_bytes(self, n_ctx: int, kv_type: str = "f16", checkpoint_mib: int = 0) -> int:
        extra = self.mmproj.stat().st_size if self.mmproj and self.mmproj.exists() else 0
        return self.memory(n_ctx, kv_type, checkpoint_mib).total_bytes + extra


def inspect_model(
    path: Path, mmproj: Path | None = None, *, allow_text_only: bool = False
) -> GGUFInfo:
    """Read and check a text model's header (and its projector's, when given).

    Raises:
        ModelFileError: one sentence on why the file (or the pair) cannot be used.
    """
    info = read_gguf_header(path)
    model_limits(info)  # refuses a projector given as a model
    if mmproj is not None:
        check_mmproj_pair(info, read_gguf_header(mmproj), allow_text_only=allow_text_only)
    return info


class ModelRegistry:
    """Known models, persisted as a small JSON list of paths (and chosen projectors)."""

    def __init__(self, data_dir: Path, models_dir: Path, bundled: Path | None) -> None:
        self._file = data_dir / REGISTRY_FILENAME
        self._models_dir = models_dir
        self._bundled = bundled
        self.problems: list[str] = []

    def _load(self) -> list[dict[str, str | None]]:
        try:
            raw = json.loads(self._file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        if not isinstance(raw, list):
            return []
        return [
            item for item in raw if isinstance(item, dict) and isinstance(item.get("path"), str)
        ]

    def _save(self, items: list[dict[str, str | None]]) -> None:
        temp = self._file.with_name(self._file.name + ".tmp")
        try:
            temp.write_text(json.dumps(items, indent=2), encoding="utf-8")
            os.replace(temp, self._file)
        except OSError as exc:
            raise HearthError(
                f"Could not save the list of models to {self._file}: {exc.strerror}."
            ) from exc

    def entries(self) -> list[ModelEntry]:
        """Every usable model, bundled first; unusable files are reported in ``problems``."""
        self.problems = []
        seen: set[Path] = set()
        found: list[ModelEntry] = []
        wanted: list[tuple[Path, Path | None, bool]] = []
        if self._bundled is not None:
            wanted.append((self._bundled, None, True))
        for item in self._load():
            saved = item.get("mmproj")
            wanted.append((Path(str(item["path"])), Path(saved) if saved else None, False))
        try:
            local = sorted(self._models_dir.glob("*.gguf"))
        except OSError:
            local = []
        wanted += [(path, None, False) for path in local if "mmproj" not in path.name.lower()]
        for path, chosen, bundled in wanted:
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            try:
                info = inspect_model(path)
            except HearthError as exc:
                self.problems.append(str(exc))
                continue
            mmproj = chosen if chosen is not None and chosen.exists() else None
            if mmproj is None and not bundled:
                mmproj = find_projector(path, info)
            found.append(ModelEntry(path, info, mmproj, bundled))
        return found

    def add(
        self, path: Path, mmproj: Path | None = None, *, allow_text_only: bool = False
    ) -> ModelEntry:
        """Validate and remember a model file (and projector). Raises ModelFileError."""
        info = inspect_model(path, mmproj, allow_text_only=allow_text_only)
        if mmproj is None:
            mmproj = find_projector(path, info, allow_text_only=allow_text_only)
        items = [item for item in self._load() if Path(str(item["path"])) != path]
        items.append({"path": str(path), "mmproj": str(mmproj) if mmproj else None})
        self._save(items)
        return ModelEntry(path, info, mmproj, bundled=path == self._bundled)

    def remove(self, path: Path) -> None:
        self._save([item for item in self._load() if Path(str(item["path"])) != path])
