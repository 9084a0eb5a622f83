"""A real HTTP server on 127.0.0.1 for the download tests: serves files with Range support,
counts what it sent, and can cut the connection mid-file."""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_RANGE = re.compile(r"bytes=(\d+)-(\d*)")


@dataclass
class Served:
    """What the server did for one request."""

    path: str
    range_start: int | None
    status: int
    sent: int = 0


@dataclass
class FileServer:
    files: dict[str, Path]
    cut_after: list[int] = field(default_factory=list)
    """Byte counts after which to drop the connection, one per request, in order."""
    ignore_range: bool = False
    delay: float = 0.0
    """Seconds to wait after each 64 KiB block (a slow link, so a test can pause mid-file)."""
    log: list[Served] = field(default_factory=list)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def bytes_sent(self) -> int:
        return sum(item.sent for item in self.log)


def _handler(server: FileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: object) -> None:
            return None

        def do_GET(self) -> None:
            # The client may hang up (it restarts, or was cancelled).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._get()

        def _get(self) -> None:
            source = server.files.get(self.path)
            header = self.headers.get("Range")
            match = _RANGE.fullmatch(header) if header else None
            start = int(match.group(1)) if match else None
            if source is None:
                server.log.append(Served(self.path, start, 404))
                body = b"not found"
                self.send_response(404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            size = source.stat().st_size
            if start is not None and server.ignore_range:
                start = None
            if start is not None and start >= size:
                server.log.append(Served(self.path, start, 416))
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            offset = start or 0
            record = Served(self.path, start, 206 if start is not None else 200)
            server.log.append(record)
            self.send_response(record.status)
            if start is not None:
                self.send_header("Content-Range", f"bytes {offset}-{size - 1}/{size}")
            self.send_header("Content-Length", str(size - offset))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            limit = server.cut_after.pop(0) if server.cut_after else None
            with source.open("rb") as handle:
                handle.seek(offset)
                while block := handle.read(1 << 16):
                    if limit is not None and record.sent + len(block) > limit:
                        block = block[: limit - record.sent]
                        self.wfile.write(block)
                        record.sent += len(block)
                        self.wfile.flush()
                        self.close_connection = True
                        self.connection.shutdown(2)  # a hard cut mid-body
                        return
                    self.wfile.write(block)
                    record.sent += len(block)
                    if server.delay:
                        time.sleep(server.delay)

    return Handler


@contextmanager
def serve(files: dict[str, Path], **options: object) -> Iterator[FileServer]:
    """Run a ``FileServer`` on a free loopback port for the duration of the block."""
    state = FileServer(files, **options)  # type: ignore[arg-type]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, name="file-server", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)
