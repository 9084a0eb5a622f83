"""Shared fixtures: the real bundled model (assembled once per machine) and private data dirs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.model.bundled import bundled_model_path
from engine.paths import AppPaths, resolve_paths

# ggml spawns gdb for a backtrace on abort; never do that in tests.
os.environ.setdefault("GGML_NO_BACKTRACE", "1")
# Real Qt, no screen needed.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_SHARED_MODELS = Path(
    os.environ.get("HEARTH_TEST_MODELS", Path.home() / ".cache/hearth-test-models")
)


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The real Gemma 3 270M GGUF, assembled once and shared by every test run on this machine."""
    return bundled_model_path(_SHARED_MODELS)


@pytest.fixture()
def app_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppPaths]:
    """A private data directory for one test (also exported as HEARTH_DATA_DIR)."""
    data_dir = tmp_path / "hearth-data"
    monkeypatch.setenv("HEARTH_DATA_DIR", str(data_dir))
    yield resolve_paths(data_dir).ensure()
