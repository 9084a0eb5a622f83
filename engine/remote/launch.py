"""Start a real OpenAI-compatible server on 127.0.0.1 for the tests and the remote benchmark.

Two servers are known: llama-cpp-python's own (``python -m llama_cpp.server``, installed with the
dev extras) and upstream ``llama-server`` built from the llama.cpp the project pins
(``packaging/bootstrap.py llama-server``; the path is found the way bootstrap caches it).
Hearth itself never starts a server for the user: this is developer tooling.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import httpx

__all__ = [
    "RunningServer",
    "free_port",
    "llama_cpp_python_server",
    "llama_server_binary",
    "running_server",
    "upstream_llama_server",
]

_BOOTSTRAP = Path(__file__).resolve().parents[2] / "packaging" / "bootstrap.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _bootstrap() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hearth_bootstrap", _BOOTSTRAP)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {_BOOTSTRAP}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def llama_server_binary(*, build: bool = False) -> Path | None:
    """The cached upstream llama-server (``HEARTH_LLAMA_SERVER`` overrides); built when
    ``build`` and missing (minutes, once per machine)."""
    override = os.environ.get("HEARTH_LLAMA_SERVER")
    if override:
        return Path(override)
    if not _BOOTSTRAP.exists():
        return None
    bootstrap = _bootstrap()
    target = bootstrap.llama_server_cache_dir(bootstrap.llama_cmake_args())
    binary = Path(target) / "llama-server"
    if binary.exists():
        return binary
    if build:
        return Path(bootstrap.cached_llama_server(Path(sys.executable)))
    return None


@dataclass
class RunningServer:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-3000:]
        return ""


def _wait_ready(server: RunningServer, api_key: str, timeout_s: float) -> None:
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited at start:\n{server.log_tail()}")
        try:
            response = httpx.get(server.url + "/v1/models", headers=headers, timeout=2)
            if response.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"the server did not start in {timeout_s:.0f} s:\n{server.log_tail()}")


@contextlib.contextmanager
def running_server(
    command: Sequence[str],
    port: int,
    log: Path,
    *,
    api_key: str = "",
    timeout_s: float = 120,
    niceness: int = 0,
) -> Iterator[RunningServer]:
    """``niceness``: run the server at that lower CPU priority (POSIX), e.g. the worker's own,
    for a fair comparison with the local worker on a busy machine."""
    log.parent.mkdir(parents=True, exist_ok=True)
    if niceness and os.name == "posix":
        command = ["nice", "-n", str(niceness), *command]
    env = dict(os.environ, GGML_NO_BACKTRACE="1")
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(command), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
        )
    server = RunningServer(process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_ready(server, api_key, timeout_s)
        yield server
    finally:
        server.stop()


def llama_cpp_python_server(
    model: Path,
    log: Path,
    *,
    n_ctx: int = 2048,
    api_key: str = "",
    alias: str = "gemma-3-270m-it",
    threads: int | None = None,
    niceness: int = 0,
) -> contextlib.AbstractContextManager[RunningServer]:
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model), "--model_alias", alias,
        "--chat_format", "gemma",  # the bundled GGUF carries no chat template
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(n_ctx), "--verbose", "False",
    ]  # fmt: skip
    if threads:
        command += ["--n_threads", str(threads)]
    if api_key:
        command += ["--api_key", api_key]
    return running_server(command, port, log, api_key=api_key, niceness=niceness)


def upstream_llama_server(
    binary: Path,
    model: Path,
    log: Path,
    *,
    n_ctx: int = 2048,
    api_key: str = "",
    mmproj: Path | None = None,
    alias: str = "gemma-3-270m-it",
    threads: int | None = None,
    niceness: int = 0,
) -> contextlib.AbstractContextManager[RunningServer]:
    port = free_port()
    command = [
        str(binary), "-m", str(model), "--alias", alias,
        # The bundled GGUF carries no chat template: llama.cpp's built-in Gemma one (a named
        # built-in template is only recognised by the non-Jinja formatter).
        "--no-jinja", "--chat-template", "gemma",
        "--host", "127.0.0.1", "--port", str(port),
        "-c", str(n_ctx), "-np", "1", "--no-warmup",
    ]  # fmt: skip
    if threads:
        command += ["-t", str(threads)]
    if api_key:
        command += ["--api-key", api_key]
    if mmproj is not None:
        command += ["--mmproj", str(mmproj)]
    return running_server(command, port, log, api_key=api_key, niceness=niceness)
