"""With remote engines configured but not chosen, a whole local session opens no network socket:
the window, the bundled model, an answer, the engines dialog (nothing asked of the server)."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from engine.paths import AppPaths
from engine.remote.config import save_endpoints
from engine.remote.endpoint import RemoteEndpoint
from tests.app.conftest import WindowFactory, ask

pytestmark = pytest.mark.model


def test_a_local_session_opens_no_network_socket(
    qtbot: QtBot, make_window: WindowFactory, data_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_endpoints(
        data_paths.remote_engines_path,
        [RemoteEndpoint(name="Workstation", base_url="http://192.0.2.10:8080", model="m")],
    )
    attempts: list[str] = []
    real_init = socket.socket.__init__

    def guarded(self: socket.socket, family: Any = -1, *args: Any, **kwargs: Any) -> None:
        fileno = kwargs.get("fileno", args[2] if len(args) > 2 else None)
        if fileno is None and family in (-1, socket.AF_INET, socket.AF_INET6):
            attempts.append(f"socket(family={family})")
            raise PermissionError("network sockets are blocked in this test")
        real_init(self, family, *args, **kwargs)

    def no_connection(*args: Any, **_kw: Any) -> None:
        attempts.append(f"create_connection{args[:1]}")
        raise PermissionError("network connections are blocked in this test")

    monkeypatch.setattr(socket.socket, "__init__", guarded)
    monkeypatch.setattr(socket, "create_connection", no_connection)
    monkeypatch.setattr(socket, "getaddrinfo", no_connection)

    window = make_window(max_tokens=8)
    labels = [window.model_picker.itemText(i) for i in range(window.model_picker.count())]
    assert "m — Workstation · remote" in labels  # the feature is there, and off
    ask(qtbot, window, "Hello")
    conversation_id = window.session.conversation_id
    assert conversation_id is not None
    assert window.context.store.messages.active_path(conversation_id)[-1].content
    window.open_remote_engines()
    window.remote_dialog.reject()
    assert attempts == []
