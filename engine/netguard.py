"""A fence against network sockets, for proving that the default install opens none.

``HEARTH_NO_NETWORK=1`` in the environment makes every Hearth child process (the inference
worker, the document sandbox) call ``forbid_network_for_good()`` at its entry; tests use
``forbid_network()`` in their own process. Only ``AF_UNIX`` sockets (``socketpair``, which
``multiprocessing`` pipes use) may be created; anything else raises ``NetworkForbidden``.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable
from typing import Any, Final

NO_NETWORK_ENV: Final = "HEARTH_NO_NETWORK"
_ALLOWED_FAMILIES: Final = frozenset({getattr(socket, "AF_UNIX", -1)})


class NetworkForbidden(PermissionError):
    """A network socket was about to be created where none may be."""


def _check(family: object) -> None:
    if family is None or family == -1:
        family = socket.AF_INET  # socket.socket()'s default
    if family not in _ALLOWED_FAMILIES:
        raise NetworkForbidden(f"network socket (family {family!r}) created while forbidden")


def network_forbidden_by_env() -> bool:
    return os.environ.get(NO_NETWORK_ENV, "") not in ("", "0")


def forbid_network() -> Callable[[], None]:
    """Refuse non-AF_UNIX sockets in this process until the returned undo is called."""
    original = socket.socket.__init__

    def guarded(self: socket.socket, family: Any = -1, *args: Any, **kwargs: Any) -> None:
        fileno = kwargs.get("fileno", args[2] if len(args) > 2 else None)
        if fileno is None:
            _check(family)
        else:  # wrapping an existing fd: check what it really is
            original(self, family, *args, **kwargs)
            _check(self.family)
            return
        original(self, family, *args, **kwargs)

    socket.socket.__init__ = guarded  # type: ignore[method-assign]

    def undo() -> None:
        socket.socket.__init__ = original  # type: ignore[method-assign]

    return undo


def forbid_network_for_good() -> None:
    """Refuse non-AF_UNIX sockets for the rest of this process (also below ``socket.socket``,
    through an audit hook: ``_socket.socket`` itself is covered)."""

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "socket.__new__":
            _check(args[1] if len(args) > 1 else None)
        elif event in ("socket.connect", "socket.bind") and args:
            sock = args[0]
            if getattr(sock, "family", None) not in _ALLOWED_FAMILIES:
                raise NetworkForbidden(f"{event} on a network socket while forbidden")

    sys.addaudithook(hook)


def apply_env_fence() -> None:
    """Child entry points call this: fence the process when ``HEARTH_NO_NETWORK`` is set."""
    if network_forbidden_by_env():
        forbid_network_for_good()


def network_socket_possible() -> bool:
    """Whether this process can make a network socket right now (made and closed at once)."""
    import _socket

    try:
        _socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except NetworkForbidden:
        return False
    return True


def fenced_child_probe(connection: Any) -> None:
    """A spawned child's entry for tests: fence by the environment, then report whether a
    network socket could still be made (and that a socketpair still works)."""
    apply_env_fence()
    left, right = socket.socketpair()
    left.close()
    right.close()
    connection.send(network_socket_possible())
    connection.close()
