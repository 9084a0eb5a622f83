"""The version is declared once (pyproject) and reported the same everywhere."""

from __future__ import annotations

import platform
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

import engine
from engine.cli import main
from engine.version import UNKNOWN, read_version

ROOT = Path(__file__).resolve().parents[2]


def pyproject_version() -> str:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    assert isinstance(version, str)
    return version


def test_engine_version_is_pyprojects() -> None:
    assert engine.__version__ == pyproject_version()


def test_installed_metadata_agrees() -> None:
    # What a wheel or the frozen build (copy_metadata) reports.
    assert metadata.version("hearth") == pyproject_version()


def test_without_a_checkout_the_metadata_is_used(tmp_path: Path) -> None:
    assert read_version(tmp_path / "missing.toml") == metadata.version("hearth")


def test_a_foreign_pyproject_is_ignored(tmp_path: Path) -> None:
    other = tmp_path / "pyproject.toml"
    other.write_text('[project]\nname = "something-else"\nversion = "9.9"\n', encoding="utf-8")
    assert read_version(other) == metadata.version("hearth")
    broken = tmp_path / "broken.toml"
    broken.write_text("[project\nname=", encoding="utf-8")
    assert read_version(broken) == metadata.version("hearth")
    assert metadata.version("hearth") != UNKNOWN


def test_cli_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"hearth {pyproject_version()}\n"


def test_cli_version_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version", "--verbose"]) == 0
    lines = dict(
        (label.strip(), value.strip())
        for label, _, value in (
            line.partition(":") for line in capsys.readouterr().out.splitlines()
        )
    )
    assert lines["Hearth"] == pyproject_version()
    assert lines["Python"].endswith(platform.python_version())
    assert lines["llama-cpp-python"] == metadata.version("llama-cpp-python")
    assert lines["PySide6 (Qt)"] == metadata.version("PySide6")
    assert lines["llama.cpp backend"].startswith("CPU")
    assert lines["Build"] == "source / venv"
    assert "ggml (llama.cpp)" in lines
