"""A real API server for the tests: the bundled 270M (with a tiny random projector, so images
work) behind the gate, uvicorn on 127.0.0.1 with an ephemeral port."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.api_server.gate import WorkerGate
from engine.api_server.routes import ServerConfig
from engine.api_server.server import ApiServer, start_gate_and_server
from engine.api_server.token import load_or_create_token
from engine.chat.sampling import GREEDY
from engine.worker import protocol as p
from engine.worker.client import EngineClient

BODY_LIMIT = 2 << 20


@dataclass
class LiveServer:
    client: EngineClient
    gate: WorkerGate
    server: ApiServer
    token: str

    @property
    def base_url(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def live_server(
    model_path: Path, tiny_mmproj_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("api")
    token = load_or_create_token(data / "api-token")
    with EngineClient(log_path=data / "worker.log") as client:
        client.load(
            p.ModelConfig(
                model_path=str(model_path),
                n_ctx=4096,
                mmproj_path=str(tiny_mmproj_path),
                allow_text_only_vision=True,
            )
        )
        config = ServerConfig(token=token, max_body_bytes=BODY_LIMIT, default_sampling=GREEDY)
        gate, server = start_gate_and_server(client, config, port=0, max_waiting=1)
        server.start()
        try:
            yield LiveServer(client, gate, server, token)
        finally:
            server.stop()
            gate.close()


def png_data_uri(size: tuple[int, int] = (640, 360), seed: int = 1) -> str:
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
