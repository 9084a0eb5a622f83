"""A small real HTTP server (stdlib) on 127.0.0.1 that answers in the failure shapes the real
servers cannot be made to produce on demand: 500, 429, malformed SSE, a stream cut mid-answer,
a non-SSE answer, a server that never answers.

The shape is chosen by the model name in the request (``shape:<name>``), so one server serves
every case; ``requests`` records what the client sent.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WORDS = ["Once", " upon", " a", " time", " there", " was", " a", " fox", "."]


def _chunk(text: str | None, finish: str | None = None) -> bytes:
    delta = {"content": text} if text is not None else {}
    body = {
        "id": "x",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


class _Handler(BaseHTTPRequestHandler):
    server: ShapeServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _json(self, status: int, payload: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/v1/models":
            models = [{"id": f"shape:{name}"} for name in ShapeServer.SHAPES]
            self._json(200, {"object": "list", "data": models})
        else:
            self._json(404, {"error": {"message": "Not found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self.server.requests.append(
            {"path": self.path, "body": body, "headers": dict(self.headers)}
        )
        if self.path != "/v1/chat/completions":
            self._json(404, {"error": {"message": "Not found"}})
            return
        shape = str(body.get("model", "")).removeprefix("shape:")
        if shape == "http500":
            self._json(500, {"error": {"message": "CUDA out of memory", "code": 500}})
        elif shape == "http429":
            self._json(429, {"error": {"message": "slow down"}}, {"Retry-After": "7"})
        elif shape == "http401":
            self._json(401, {"error": {"message": "Invalid API Key"}})
        elif shape == "html":
            data = b"<html><body>Welcome to nginx</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif shape == "hang":
            time.sleep(self.server.hang_s)
            self.close_connection = True
        else:
            self._stream(shape)

    def _stream(self, shape: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(_chunk(""))  # the role chunk, no text
            for index, word in enumerate(WORDS):
                if shape == "cut" and index == 4:
                    self.wfile.flush()
                    return  # the connection closes without the final event
                if shape == "malformed" and index == 3:
                    self.wfile.write(b"data: {this is not json\n\n")
                    self.wfile.flush()
                    return
                if shape == "slow" and index == 2:
                    self.server.slow_started.set()
                    if not self.server.release.wait(30):
                        return
                self.wfile.write(b": keep-alive\n\n")
                self.wfile.write(_chunk(word))
                self.wfile.flush()
            self.wfile.write(_chunk(None, "stop"))
            if shape != "nousage":
                usage = {"prompt_tokens": 11, "completion_tokens": len(WORDS), "total_tokens": 20}
                tail = {"id": "x", "choices": [], "usage": usage}
                self.wfile.write(f"data: {json.dumps(tail)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.server.client_went_away.set()


class ShapeServer(ThreadingHTTPServer):
    SHAPES = ("ok", "nousage", "http500", "http429", "http401", "html", "hang", "cut",
              "malformed", "slow")  # fmt: skip
    daemon_threads = True

    def __init__(self, hang_s: float = 5.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict[str, Any]] = []
        self.hang_s = hang_s
        self.slow_started = threading.Event()
        self.release = threading.Event()
        self.client_went_away = threading.Event()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> ShapeServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()
