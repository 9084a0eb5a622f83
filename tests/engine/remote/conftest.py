"""Real inference servers on 127.0.0.1, started by the tests, serving the bundled model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.remote.launch import (
    RunningServer,
    llama_cpp_python_server,
    llama_server_binary,
    upstream_llama_server,
)

API_KEY = "hearth-test-key-5b1f"


@pytest.fixture(scope="session")
def llama_server_path() -> Path:
    """Upstream llama-server from the pinned llama.cpp (built once per machine, then cached)."""
    binary = llama_server_binary(build=True)
    assert binary is not None and binary.exists(), "llama-server could not be built"
    return binary


@pytest.fixture(scope="session")
def python_server(
    model_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    log = tmp_path_factory.mktemp("llama-cpp-python-server") / "server.log"
    with llama_cpp_python_server(model_path, log) as server:
        yield server


@pytest.fixture(scope="session")
def upstream_server(
    llama_server_path: Path, model_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """llama-server with an API key (requests without the right one get 401)."""
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with upstream_llama_server(llama_server_path, model_path, log, api_key=API_KEY) as server:
        yield server


@pytest.fixture(scope="session")
def vision_server(
    llama_server_path: Path,
    model_path: Path,
    tiny_mmproj_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RunningServer]:
    """llama-server with the tests' tiny random Gemma 3 projector."""
    log = tmp_path_factory.mktemp("llama-server-vision") / "server.log"
    with upstream_llama_server(
        llama_server_path, model_path, log, mmproj=tiny_mmproj_path, n_ctx=4096
    ) as server:
        yield server
