"""Find the vision projector (mmproj) that belongs to a model file.

Gemma 3 vision models ship as two GGUF files: the language model and ``mmproj-*.gguf``. When
the user picks only the model, Hearth looks beside it for projectors, checks each with the
bounded header reader and keeps the ones whose projection width fits the model.
"""

from __future__ import annotations

from pathlib import Path

from engine.errors import ModelFileError
from engine.model.catalog import check_mmproj_pair
from engine.model.gguf_header import GGUFInfo, read_gguf_header


def candidate_projectors(model_path: Path) -> list[Path]:
    """``mmproj*.gguf`` files in the model's folder, the one sharing the model's name first."""
    folder = model_path.parent
    found = [
        path
        for path in folder.iterdir()
        if path.is_file()
        and path.suffix.lower() == ".gguf"
        and "mmproj" in path.name.lower()
        and path != model_path
    ]
    stem = model_path.stem.lower().split("-q")[0]
    return sorted(found, key=lambda path: (stem not in path.name.lower(), path.name))


def find_projector(
    model_path: Path, model: GGUFInfo | None = None, *, allow_text_only: bool = False
) -> Path | None:
    """The first projector beside ``model_path`` that pairs with it, or None.

    ``allow_text_only``: see ``check_mmproj_pair`` (test fixtures only).
    """
    model = model or read_gguf_header(model_path)
    try:
        candidates = candidate_projectors(model_path)
    except OSError:
        return None
    for candidate in candidates:
        try:
            check_mmproj_pair(model, read_gguf_header(candidate), allow_text_only=allow_text_only)
        except ModelFileError:
            continue
        return candidate
    return None
