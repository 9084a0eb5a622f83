"""Refuse network sockets in this process (tests only): AF_UNIX sockets and socketpairs, which
the worker's pipes use, still work; anything else is logged and raises OSError."""

from __future__ import annotations

import os
import socket
import traceback
from typing import Any

_installed: dict[str, Any] = {}


def _log(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line.rstrip("\n") + "\n")


def install(log_path: str) -> None:
    """Block network sockets and name lookups in this process; log attempts to ``log_path``."""
    if _installed:
        return
    real_socket = socket.socket
    real_getaddrinfo = socket.getaddrinfo

    class GuardedSocket(real_socket):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if self.family != socket.AF_UNIX:
                family = self.family
                self.close()
                where = "".join(traceback.format_stack(limit=6)[:-1]).replace("\n", " | ")
                _log(log_path, f"blocked pid={os.getpid()} family={family!r} at {where}")
                raise OSError(f"network access blocked by the test (socket family {family!r})")

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        _log(log_path, f"blocked pid={os.getpid()} getaddrinfo {host!r}")
        raise OSError(f"network access blocked by the test (name lookup of {host!r})")

    _installed.update(socket=real_socket, getaddrinfo=real_getaddrinfo)
    socket.socket = GuardedSocket  # type: ignore[misc]
    socket.getaddrinfo = guarded_getaddrinfo
    _log(log_path, f"armed pid={os.getpid()}")


def uninstall() -> None:
    if _installed:
        socket.socket = _installed.pop("socket")  # type: ignore[misc]
        socket.getaddrinfo = _installed.pop("getaddrinfo")
