"""The models Hearth knows: the bundled one, GGUF files in the models folder, files the
user added from elsewhere (remembered in ``models.json``) and models other apps downloaded,
used in place (``engine.model.discovery`` finds them, ``engine.model.references`` remembers
them in ``found-models.json`` with their identity). No Qt here.

Every file's header is read and validated (``engine.model.gguf_header``) before it is listed
as usable; a vision projector is paired automatically when one next to the model fits it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from engine.errors import HearthError
from engine.model.catalog import check_mmproj_pair, model_limits
from engine.model.discovery import SearchRoot, discover
from engine.model.gguf_header import GGUFInfo, read_gguf_header
from engine.model.memory import MemoryEstimate, estimate_memory
from engine.model.pairing import find_projector
from engine.model.references import ReferenceCheck, ReferenceStore, projector_fits

REGISTRY_FILENAME = "models.json"


@dataclass(frozen=True)
class ModelEntry:
    """One usable text model and what its header says."""

    path: Path
    info: GGUFInfo
    mmproj: Path | None
    bundled: bool = False
    source: str = "Hearth"
    """Which app keeps the file: "Hearth" (models folder or added by hand) or, for a model
    found on disk, the app that downloaded it ("Ollama", "LM Studio", …)."""
    status: str = "ready"
    """For a found model: "ready", "changed" (updated in place) or "moved" (followed)."""
    found_name: str | None = None
    """The other app's name for it (Ollama's "gemma3:4b", a Hub repo path)."""

    @property
    def name(self) -> str:
        return self.found_name or self.info.name or self.path.stem

    @property
    def found(self) -> bool:
        """Kept by another app and used in place."""
        return self.source != "Hearth"

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

    def __init__(
        self,
        data_dir: Path,
        models_dir: Path,
        bundled: Path | None,
        *,
        search_roots: Sequence[SearchRoot] = (),
    ) -> None:
        self._file = data_dir / REGISTRY_FILENAME
        self._models_dir = models_dir
        self._bundled = bundled
        self.search_roots = tuple(search_roots)
        self.references = ReferenceStore(data_dir)
        self.problems: list[str] = []
        self.unavailable: list[ReferenceCheck] = []
        """Found models that cannot be used now (missing, unusable), shown as such."""

    @property
    def models_dir(self) -> Path:
        return self._models_dir

    def discover(self) -> list[ReferenceCheck]:
        """Look for other apps' models and update the references (slow: walks folders and
        reads up to 16 MiB of each new file; call it off the GUI thread)."""
        return self.references.update(discover(self.search_roots))

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
        found += self._found_entries(seen)
        return found

    def _found_entries(self, seen: set[Path]) -> list[ModelEntry]:
        """The referenced models of other apps that are usable now; the others go to
        ``unavailable`` with their status and reason."""
        self.unavailable = []
        entries: list[ModelEntry] = []
        stored = self.references.load()
        checks = [self.references.check(reference) for reference in stored]
        if any(c.reference != r for c, r in zip(checks, stored, strict=True)):
            try:
                self.references.save([check.reference for check in checks])
            except HearthError as exc:
                self.problems.append(str(exc))
        for check in checks:
            reference = check.reference
            path = Path(reference.path)
            if not check.usable or check.info is None:
                self.unavailable.append(check)
                continue
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            mmproj = Path(reference.mmproj) if reference.mmproj else None
            if mmproj is not None and not projector_fits(path, mmproj):
                mmproj = None  # gone, or not a projector Hearth can pair with this model
            if mmproj is None:
                try:
                    mmproj = find_projector(path, check.info)
                except (OSError, HearthError):
                    mmproj = None
            entries.append(
                ModelEntry(
                    path,
                    check.info,
                    mmproj,
                    source=reference.source,
                    status=check.status,
                    found_name=reference.name,
                )
            )
        return entries

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
        entry = ModelEntry(path, info, mmproj, bundled=path == self._bundled)
        reference = next((r for r in self.references.load() if r.path == str(path)), None)
        if reference is not None:  # a found model with a projector chosen by hand
            entry = replace(entry, source=reference.source, found_name=reference.name)
        return entry

    def remove(self, path: Path) -> None:
        self._save([item for item in self._load() if Path(str(item["path"])) != path])
