"""Vision fixtures: the tiny random-weight Gemma 3 projector and its broken variants.

Other test directories can reuse the generator without this conftest::

    path = TESTS / "engine" / "vision" / "tiny_mmproj.py"
    spec = importlib.util.spec_from_file_location("tiny_mmproj", path)
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DATA = REPO / "tests" / "data"
REAL_PHOTO = DATA / "f3-discovery-board.jpeg"
SCENARIOS = HERE / "vision_scenarios.py"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tiny_mmproj = _load("tiny_mmproj")


@pytest.fixture(scope="session")
def make_mmproj(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Write a projector variant: ``make_mmproj("name", projection_dim=1024, truncate=64)``."""
    directory = tmp_path_factory.mktemp("mmproj-variants")

    def make(name: str, **options: Any) -> Path:
        path: Path = tiny_mmproj.write_tiny_mmproj(directory / f"{name}.gguf", **options)
        return path

    return make


@pytest.fixture(scope="session")
def real_photo() -> Path:
    """A real camera JPEG not made for these tests (CC BY-SA 4.0, see its LICENSE file)."""
    return REAL_PHOTO


@pytest.fixture(scope="session")
def run_scenario() -> Callable[..., dict[str, Any]]:
    """Run a llama.cpp scenario of vision_scenarios.py in a fresh interpreter.

    A native abort (SIGABRT/SIGSEGV inside llama.cpp) then fails the test instead of killing
    pytest. The scenario prints one JSON object as its last stdout line.
    """

    def run(name: str, *args: object, timeout: float = 240) -> dict[str, Any]:
        env = dict(os.environ, GGML_NO_BACKTRACE="1", PYTHONPATH=str(REPO))
        proc = subprocess.run(
            [sys.executable, str(SCENARIOS), name, *map(str, args)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=REPO,
            check=False,
        )
        if proc.returncode != 0:
            pytest.fail(
                f"scenario {name} exited with {proc.returncode}\n"
                f"stdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-4000:]}"
            )
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        assert lines, f"scenario {name} printed no result; stderr:\n{proc.stderr[-4000:]}"
        result: dict[str, Any] = json.loads(lines[-1])
        return result

    return run
