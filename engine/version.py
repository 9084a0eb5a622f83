"""Hearth's version, declared once: ``version`` in pyproject.toml.

A source checkout reads pyproject.toml itself (so an editable install never shows a stale
number after the version is bumped); an installed or frozen build reads its distribution
metadata, which the wheel build and PyInstaller's ``copy_metadata("hearth")`` carry along.
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "hearth"
UNKNOWN = "0+unknown"
_PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _from_pyproject(path: Path) -> str | None:
    try:
        project = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    if project.get("name") != DISTRIBUTION:
        return None
    version = project.get("version")
    return version if isinstance(version, str) and version else None


def read_version(pyproject: Path = _PYPROJECT) -> str:
    """The checkout's pyproject version, else the installed metadata, else ``0+unknown``."""
    found = _from_pyproject(pyproject)
    if found:
        return found
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return UNKNOWN
