"""References to model files other apps keep: used in place, never copied.

A reference records where the file is, which app keeps it, and its identity (size, mtime and
``engine.model.identity.model_identity``, a hash of the size and the first and last 8 MiB). It is
stored in ``found-models.json`` in Hearth's data folder. Checking a reference never crashes:

* ``ready`` — the file is where it was, unchanged (size and mtime; no bytes read);
* ``changed`` — same path, different size or mtime: its identity is computed again and its
  header validated again (a model the app updated in place);
* ``moved`` — the path is gone but a newly found file has the same identity; the reference
  follows it;
* ``missing`` — the path is gone and no found file matches (the other app deleted it);
* ``unusable`` — the file is there but its header is refused (truncated, not a model,
  an architecture this build cannot run); the sentence says why.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal

from engine.errors import HearthError
from engine.model.catalog import check_mmproj_pair, model_limits
from engine.model.discovery import FoundModel
from engine.model.gguf_header import GGUFInfo, read_gguf_header
from engine.model.identity import model_identity

__all__ = [
    "REFERENCES_FILENAME",
    "ModelReference",
    "ReferenceCheck",
    "ReferenceStore",
    "Status",
    "projector_fits",
    "validate_model_file",
]

REFERENCES_FILENAME: Final = "found-models.json"
Status = Literal["ready", "changed", "moved", "missing", "unusable"]


@dataclass(frozen=True)
class ModelReference:
    """A model file kept by another app, as Hearth last saw it."""

    path: str
    source: str
    name: str
    size: int
    mtime_ns: int
    identity: str
    mmproj: str | None = None
    sha256: str | None = None  # what the other app's store names it by (unverified)


@dataclass(frozen=True)
class ReferenceCheck:
    """What checking one reference found; ``reference`` is the up-to-date record."""

    reference: ModelReference
    status: Status
    message: str = ""
    info: GGUFInfo | None = None

    @property
    def usable(self) -> bool:
        return self.status in ("ready", "changed", "moved") and self.info is not None


def validate_model_file(path: Path) -> GGUFInfo:
    """Read and check a text model's header. Raises ModelFileError with one sentence."""
    info = read_gguf_header(path)
    model_limits(info)  # refuses a projector or a model without a context length
    return info


@lru_cache(maxsize=256)
def _header(path: str, size: int, mtime_ns: int) -> GGUFInfo:
    """``validate_model_file`` once per file version: a Gemma header holds a 262,144-token
    vocabulary, and the model list is redrawn often. Refusals are not cached."""
    del size, mtime_ns  # part of the cache key only
    return validate_model_file(Path(path))


@lru_cache(maxsize=256)
def _pair_fits(
    model: str, model_key: tuple[int, int], mmproj: str, mmproj_key: tuple[int, int], text: bool
) -> bool:
    try:
        check_mmproj_pair(
            _header(model, *model_key), read_gguf_header(mmproj), allow_text_only=text
        )
    except HearthError:
        return False
    del mmproj_key  # part of the cache key only
    return True


def _key(path: Path) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns


def projector_fits(model: Path, mmproj: Path, *, allow_text_only: bool = False) -> bool:
    """Whether the projector another app pairs with a model (Ollama's projector layer) is
    one Hearth can use with it; checked once per file version. ``allow_text_only``: see
    ``check_mmproj_pair`` (test fixtures only)."""
    try:
        return _pair_fits(str(model), _key(model), str(mmproj), _key(mmproj), allow_text_only)
    except OSError:
        return False


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


class ReferenceStore:
    """The references, persisted as a small JSON list (atomic writes)."""

    def __init__(self, data_dir: Path) -> None:
        self._file = data_dir / REFERENCES_FILENAME

    @property
    def file(self) -> Path:
        return self._file

    def load(self) -> list[ModelReference]:
        try:
            raw = json.loads(self._file.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return []
        if not isinstance(raw, list):
            return []
        references: list[ModelReference] = []
        for item in raw:
            try:
                references.append(
                    ModelReference(
                        path=str(item["path"]),
                        source=str(item["source"]),
                        name=str(item["name"]),
                        size=int(item["size"]),
                        mtime_ns=int(item["mtime_ns"]),
                        identity=str(item["identity"]),
                        mmproj=str(item["mmproj"]) if item.get("mmproj") else None,
                        sha256=str(item["sha256"]) if item.get("sha256") else None,
                    )
                )
            except (KeyError, TypeError, ValueError, AttributeError):
                continue  # one damaged record never hides the others
        return references

    def save(self, references: Sequence[ModelReference]) -> None:
        # A scan thread and the GUI thread may both save: each writes its own temporary file.
        temp = self._file.with_name(f"{self._file.name}.{os.getpid()}-{threading.get_ident()}.tmp")
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            temp.write_text(
                json.dumps([asdict(ref) for ref in references], indent=2), encoding="utf-8"
            )
            os.replace(temp, self._file)
        except OSError as exc:
            raise HearthError(
                f"Could not save the list of found models to {self._file}: {exc.strerror}."
            ) from exc

    # ------------------------------------------------------------------ checking

    def check(self, reference: ModelReference) -> ReferenceCheck:
        """Where the reference stands now, without looking anywhere else (no rescan)."""
        path = Path(reference.path)
        info = _stat(path)
        if info is None:
            return ReferenceCheck(
                reference, "missing", f"{reference.name} is no longer at {reference.path}."
            )
        status: Status = "ready"
        current = reference
        if (info.st_size, info.st_mtime_ns) != (reference.size, reference.mtime_ns):
            status = "changed"
            try:
                identity = model_identity(path)
            except OSError as exc:
                return ReferenceCheck(reference, "unusable", f"{path.name}: {exc.strerror}.")
            current = replace(
                reference, size=info.st_size, mtime_ns=info.st_mtime_ns, identity=identity
            )
        try:
            header = _header(str(path), info.st_size, info.st_mtime_ns)
        except HearthError as exc:
            return ReferenceCheck(current, "unusable", str(exc))
        return ReferenceCheck(current, status, "", header)

    def reference_for(self, found: FoundModel) -> ModelReference:
        """A fresh reference to a found file (its identity reads up to 16 MiB of it)."""
        info = os.stat(found.path)
        return ModelReference(
            path=str(found.path),
            source=found.source,
            name=found.name,
            size=info.st_size,
            mtime_ns=info.st_mtime_ns,
            identity=model_identity(found.path),
            mmproj=str(found.mmproj) if found.mmproj else None,
            sha256=found.sha256,
        )

    def update(self, found: Sequence[FoundModel]) -> list[ReferenceCheck]:
        """Merge a fresh discovery into the references and check every one.

        Known paths keep their record (re-identified when changed); a missing file whose
        identity matches a newly found one is ``moved`` there; new files get a reference once
        their header is valid (unusable new files are reported but not remembered). Returns
        the check of every reference plus the refused new files; saves the result.
        """
        old = self.load()
        by_path = {ref.path: ref for ref in old}
        new_found = [item for item in found if str(item.path) not in by_path]
        identities: dict[str, FoundModel] = {}
        fresh: dict[str, ModelReference] = {}
        refused: list[ReferenceCheck] = []
        for item in new_found:
            try:
                reference = self.reference_for(item)
            except OSError:
                continue
            fresh[str(item.path)] = reference
            identities.setdefault(reference.identity, item)

        checks: list[ReferenceCheck] = []
        claimed: set[str] = set()
        for reference in old:
            check = self.check(reference)
            if check.status == "missing":
                match = identities.get(reference.identity)
                if match is not None and str(match.path) not in claimed:
                    claimed.add(str(match.path))
                    recheck = self.check(fresh[str(match.path)])
                    status: Status = "moved" if recheck.usable else recheck.status
                    message = (
                        f"{reference.name} moved from {reference.path} to {match.path}."
                        if recheck.usable
                        else recheck.message
                    )
                    check = ReferenceCheck(recheck.reference, status, message, recheck.info)
            checks.append(check)
        for path, reference in fresh.items():
            if path in claimed:
                continue
            check = self.check(reference)
            if check.usable:
                checks.append(check)
            else:
                refused.append(check)
        self.save([check.reference for check in checks])
        return checks + refused

    def check_all(self) -> list[ReferenceCheck]:
        """Check every stored reference in place (no rescan); saves re-identified records."""
        old = self.load()
        checks = [self.check(reference) for reference in old]
        if any(check.reference != ref for check, ref in zip(checks, old, strict=True)):
            self.save([check.reference for check in checks])
        return checks

    def forget(self, path: str) -> None:
        self.save([ref for ref in self.load() if ref.path != path])
