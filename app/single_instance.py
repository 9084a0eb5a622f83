"""One Hearth window per data directory: a second launch hands its files to the first.

The first process listens on a ``QLocalServer`` whose name is derived from the application id,
the user and the data directory (so a test's private data directory is a separate instance).
The socket is created with ``UserAccessOption``: only the same user may connect. A later launch
connects, sends one JSON line ``{"hearth": 1, "files": [...]}`` with absolute paths, waits for
the ``{"ok": true}`` reply and exits 0; the first window raises itself and opens the files.

Who is first is decided by a ``QLockFile`` in the data directory, not by the socket: Qt
creates a user-only socket in a private directory and renames it into place, so ``listen``
would silently replace a live instance's socket when two launches race. The lock holder is the
instance; a lock left by a crashed Hearth is stale (its process is gone) and taken over, and
its leftover socket is removed with ``QLocalServer.removeServer`` before listening. A launch
that finds the lock held hands its files over, retrying while the holder is still starting.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from functools import partial
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QDir, QLockFile, QObject, QThread, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from engine.resources import APP_ID

PROTOCOL = 1
MAX_MESSAGE = 1 << 20  # bytes; a million characters of paths is far beyond any real launch
CONNECT_TIMEOUT_MS = 1000
REPLY_TIMEOUT_MS = 10000
"""The first instance answers from its event loop, which starts once its window is built."""
STARTUP_WAIT_MS = 10000
"""How long a later launch retries while the lock holder has not started listening yet."""
LOCK_NAME = "instance.lock"


def server_name(data_dir: Path) -> str:
    """A short per-user, per-data-directory socket name (Unix socket paths are limited to
    about 100 bytes, so the directory is hashed)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    digest = hashlib.sha256(f"{user}\0{data_dir.resolve()}".encode()).hexdigest()[:16]
    return f"{APP_ID}-{digest}"


def server_path(name: str) -> str:
    """Where Qt puts the socket of ``name`` on Unix (the system temp directory)."""
    return os.path.join(QDir.tempPath(), name)


def encode_message(files: list[Path]) -> bytes:
    body = {"hearth": PROTOCOL, "files": [str(path.absolute()) for path in files]}
    return json.dumps(body).encode("utf-8") + b"\n"


def decode_message(data: bytes) -> list[Path] | None:
    """The files of a well-formed message, else None (the message is ignored)."""
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(body, dict) or body.get("hearth") != PROTOCOL:
        return None
    files = body.get("files")
    if not isinstance(files, list) or not all(isinstance(item, str) for item in files):
        return None
    return [Path(item) for item in files if item]


class InstanceNotResponding(Exception):
    """A Hearth is listening but did not take the files in time."""


def hand_over(name: str, files: list[Path]) -> bool:
    """Give ``files`` to the Hearth listening on ``name``. True: it took them (this launch is
    done). False: nobody listens. Raises InstanceNotResponding when it connects but gets no
    reply."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        socket.abort()
        return False
    socket.write(encode_message(files))
    socket.flush()
    socket.waitForBytesWritten(REPLY_TIMEOUT_MS)
    reply = b""
    while b"\n" not in reply and socket.waitForReadyRead(REPLY_TIMEOUT_MS):
        reply += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    if b"\n" not in reply:
        raise InstanceNotResponding(name)
    return True


class InstanceServer(QObject):
    """The first instance's end: receives the files of later launches."""

    files_received = Signal(list)
    """list[Path]; an empty list means "just show yourself"."""

    def __init__(
        self, name: str, lock: QLockFile | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.lock = lock
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}
        self.removed_stale = False

    def listen(self) -> bool:
        return self.server.listen(self.name)

    def full_path(self) -> str:
        return self.server.fullServerName()

    def close(self) -> None:
        self.server.close()
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(partial(self._read, socket))
            socket.disconnected.connect(partial(self._drop, socket))
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        if len(data) > MAX_MESSAGE:
            socket.abort()
            self._drop(socket)
            return
        self._buffers[socket] = data
        if b"\n" not in data:
            return
        line = data.split(b"\n", 1)[0]
        files = decode_message(line)
        ok = files is not None
        socket.write(json.dumps({"ok": ok}).encode("utf-8") + b"\n")
        socket.flush()
        socket.disconnectFromServer()
        if files is not None:
            self.files_received.emit(files)

    def _drop(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()


def claim(name: str, files: list[Path], lock_path: Path) -> InstanceServer | None:
    """Become the instance for ``name``, or hand ``files`` to the one that already is.

    Returns the server (listening unless the platform refused a local socket: then Hearth
    runs without single-instance), or None when a running Hearth took the files (the caller
    exits 0). Raises InstanceNotResponding when a running Hearth does not take them.
    """
    lock = QLockFile(str(lock_path))
    lock.setStaleLockTime(0)  # stale only when its process is gone, however old
    if lock.tryLock(0):
        server = InstanceServer(name, lock)
        if os.path.exists(server_path(name)):
            server.removed_stale = True  # a crashed instance's socket
        QLocalServer.removeServer(name)
        server.listen()
        return server
    deadline = QDeadlineTimer(STARTUP_WAIT_MS)
    while not deadline.hasExpired():
        if hand_over(name, files):
            return None
        if lock.tryLock(0):  # the holder exited meanwhile: take over
            lock.unlock()
            return claim(name, files, lock_path)
        QThread.msleep(100)
    raise InstanceNotResponding(name)
