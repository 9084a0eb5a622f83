"""Remote engines in the window: the picker lists them with their engine's name, a real server
(llama-cpp-python's, on 127.0.0.1) answers in the unchanged chat, the dialog saves engines and
keys without contacting anything until asked."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.main_window import MainWindow
from app.remote.engines_dialog import RemoteEnginesDialog
from engine.paths import AppPaths
from engine.remote.config import load_endpoints, save_endpoints
from engine.remote.endpoint import RemoteEndpoint
from engine.remote.factory import key_store
from engine.remote.launch import RunningServer
from tests.app.conftest import WindowFactory, ask
from tests.engine.remote.shape_server import ShapeServer

pytestmark = pytest.mark.model


def pick(window: MainWindow, label_start: str) -> None:
    picker = window.model_picker
    index = next(i for i in range(picker.count()) if picker.itemText(i).startswith(label_start))
    picker.setCurrentIndex(index)
    picker.activated.emit(index)


def test_a_remote_engine_answers_in_the_window(
    qtbot: QtBot,
    make_window: WindowFactory,
    data_paths: AppPaths,
    python_server: RunningServer,
    tmp_path: Path,
) -> None:
    save_endpoints(
        data_paths.remote_engines_path,
        [RemoteEndpoint(name="Workstation", base_url=python_server.url)],
    )
    window = make_window(max_tokens=16)
    labels = [window.model_picker.itemText(i) for i in range(window.model_picker.count())]
    assert "Workstation · remote" in labels  # no model chosen yet: the first one listed
    pick(window, "Workstation")
    qtbot.waitUntil(lambda: window._loaded and window._load_job is None, timeout=60000)
    assert window.model_info is not None and window.model_info.architecture == "remote"
    assert "Workstation: gemma-3-270m-it" in window.status.model_label.text()
    assert window.context.settings.value.remote_engine == "Workstation"

    ask(qtbot, window, "Write a poem about the sea.")
    conversation_id = window.session.conversation_id
    assert conversation_id is not None
    answer = window.context.store.messages.active_path(conversation_id)[-1]
    assert answer.status in {"complete", "cancelled"} and answer.content
    assert answer.model == "gemma-3-270m-it"
    assert answer.stats.extra["reuse_path"] == "remote"
    assert "first token" in window.status.ttft_label.text()
    window.grab().save(str(tmp_path / "remote-window.png"))

    # Back to the local model: the picker's first entry.
    pick(window, window.model_picker.itemText(0))
    qtbot.waitUntil(lambda: window._loaded and window._load_job is None, timeout=90000)
    assert window.model_info is not None and window.model_info.architecture != "remote"
    assert window.context.settings.value.remote_engine == ""


def test_the_dialog_saves_engines_and_keys_and_asks_only_when_told(
    qtbot: QtBot, data_paths: AppPaths, tmp_path: Path
) -> None:
    keys = key_store(data_paths)
    with ShapeServer() as server:
        dialog = RemoteEnginesDialog([], keys, data_paths.remote_engines_path)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.add_engine()
        dialog.name.setText("Team server")
        dialog.url.setText(server.url + "/v1")
        dialog.api_key.setText("sk-team")
        dialog.read_timeout.setValue(120)
        assert not server.requests and "readable only by you" in dialog.key_note.text()
        dialog.fetch_models()
        qtbot.waitUntil(lambda: dialog._job is None, timeout=10000)
        assert dialog.model.count() == len(ShapeServer.SHAPES)
        assert "lists" in dialog.status.text()
        dialog.model.setEditText("shape:ok")
        dialog.grab().save(str(tmp_path / "remote-dialog.png"))
        with qtbot.waitSignal(dialog.saved, timeout=5000):
            dialog.save()
    (saved,) = load_endpoints(data_paths.remote_engines_path).endpoints
    assert saved == RemoteEndpoint(
        name="Team server", base_url=server.url, model="shape:ok", read_timeout_s=120
    )
    assert keys.get("Team server") == "sk-team"
    assert stat.S_IMODE(os.stat(keys.fallback_path).st_mode) == 0o600
    assert "sk-team" not in data_paths.remote_engines_path.read_text()


def test_a_bad_address_is_explained_and_nothing_is_saved(
    qtbot: QtBot, data_paths: AppPaths
) -> None:
    dialog = RemoteEnginesDialog([], key_store(data_paths), data_paths.remote_engines_path)
    qtbot.addWidget(dialog)
    dialog.add_engine()
    dialog.url.setText("192.168.1.20:8080")
    dialog.save()
    assert "needs its scheme" in dialog.status.text()
    assert not data_paths.remote_engines_path.exists()
