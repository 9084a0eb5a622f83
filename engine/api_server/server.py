"""uvicorn serving the API app on 127.0.0.1 only, in the foreground or on a thread."""

from __future__ import annotations

import socket
import threading
from typing import Final

import uvicorn

from engine.api_server.gate import WorkerGate
from engine.api_server.routes import ServerConfig, build_app
from engine.errors import HearthError

LOOPBACK: Final = "127.0.0.1"


def bind_loopback(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:``port`` (0: any free port).

    Raises:
        HearthError: the port is taken or not allowed.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise HearthError(
            f"The API server cannot listen on {LOOPBACK}:{port} ({exc.strerror}); "
            "another program may be using that port. Choose another port in Settings or "
            "with --port."
        ) from exc
    sock.set_inheritable(False)
    return sock


class ApiServer:
    """The API server for one gate. ``serve_forever()`` blocks; ``start()`` runs it on a thread."""

    def __init__(self, gate: WorkerGate, config: ServerConfig, *, port: int = 0) -> None:
        self.gate = gate
        self.config = config
        self._socket = bind_loopback(port)
        self.port: int = self._socket.getsockname()[1]
        self._server = uvicorn.Server(
            uvicorn.Config(
                build_app(gate, config),
                loop="asyncio",
                http="h11",
                lifespan="off",
                log_level="warning",
                access_log=False,
                timeout_graceful_shutdown=3,
            )
        )
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        """Where the server listens (always 127.0.0.1)."""
        host, port = self._socket.getsockname()[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/v1"

    def serve_forever(self) -> None:
        """Serve until ``stop()`` (or Ctrl+C in the main thread)."""
        try:
            self._server.run(sockets=[self._socket])
        finally:
            self._socket.close()

    def start(self, timeout: float = 30.0) -> ApiServer:
        self._thread = threading.Thread(target=self.serve_forever, name="hearth-api", daemon=True)
        self._thread.start()
        waited = 0.0
        while not self._server.started:
            if not self._thread.is_alive():
                raise HearthError("The API server stopped while starting.")
            if waited >= timeout:
                raise HearthError("The API server did not start in time.")
            threading.Event().wait(0.02)
            waited += 0.02
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        self._socket.close()

    def __enter__(self) -> ApiServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def start_gate_and_server(
    client: object, config: ServerConfig, *, port: int = 0, max_waiting: int = 8
) -> tuple[WorkerGate, ApiServer]:
    """Both halves for ``client`` (an ``EngineClient`` with its model loaded)."""
    from engine.worker.client import EngineClient

    assert isinstance(client, EngineClient)
    gate = WorkerGate(client, max_waiting=max_waiting).start()
    try:
        server = ApiServer(gate, config, port=port)
    except BaseException:
        gate.close()
        raise
    return gate, server
