"""The default install makes no network connection unless a download is started: a whole
local session (chat, an image, a document summary, search, the model manager with its
download catalogue) runs with network sockets blocked in this process and in the spawned
worker (a sitecustomize hook the worker loads through PYTHONPATH)."""

from __future__ import annotations

import importlib.util
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.documents.document_card import CardState
from tests.app.conftest import WindowFactory, ask, drop_files, load_pdf_builder

pytestmark = pytest.mark.model

GUARD_DIR = Path(__file__).resolve().parents[1] / "network_guard"


def _guard_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("network_block", GUARD_DIR / "network_block.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def network_blocked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    log = tmp_path / "network.log"
    monkeypatch.setenv("HEARTH_TEST_BLOCK_NETWORK", str(log))
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(GUARD_DIR), os.environ.get("PYTHONPATH")]))
    )
    guard = _guard_module()
    guard.install(str(log))
    try:
        yield log
    finally:
        guard.uninstall()


def test_a_whole_local_session_opens_no_network_socket(  # noqa: PLR0917
    qtbot: QtBot,
    make_window: WindowFactory,
    network_blocked: Path,
    model_path: Path,
    tiny_mmproj_path: Path,
    real_photo: Path,
    tmp_path: Path,
) -> None:
    # The guard works: a connection attempt in this process is refused and logged.
    with pytest.raises(OSError, match="blocked by the test"):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    probe_lines = network_blocked.read_text().splitlines()
    assert any(line.startswith("blocked") for line in probe_lines)
    network_blocked.write_text("")  # from here on, nothing may try

    window = make_window(max_tokens=8)
    ask(qtbot, window, "Say hello.")
    assert window.chat_model.rows()[-1].message.status == "complete", window.notice.text()

    # An image, with the tiny vision projector.
    entry = window.context.registry.add(model_path, tiny_mmproj_path, allow_text_only=True)
    window.switch_model(entry)
    qtbot.waitUntil(lambda: window._loaded and window._load_job is None, timeout=90000)
    drop_files(window.composer, [real_photo])
    window.composer.editor.setPlainText("What is this?")
    window.send()
    qtbot.waitUntil(lambda: window.session.busy, timeout=10000)
    qtbot.waitUntil(lambda: not window.session.busy, timeout=120000)
    assert window.chat_model.rows()[-1].message.status == "complete", window.notice.text()

    # A document summary (map-reduce over a PDF that does not fit).
    builder = load_pdf_builder()
    pdf = tmp_path / "report.pdf"
    lines = [[f"Page {p} line {n}. The lighthouse keeper logged every storm." for n in range(18)]
             for p in range(1, 5)]  # fmt: skip
    pdf.write_bytes(builder.build_pdf(lines, title="Report"))
    drop_files(window, [pdf])
    documents = window.documents
    qtbot.waitUntil(
        lambda: documents.cards and documents.cards[0].state is not CardState.READING,
        timeout=60000,
    )
    qtbot.waitUntil(lambda: not documents._jobs)
    documents.cards[0].summarize_button.click()
    qtbot.waitUntil(lambda: not documents.busy, timeout=240000)
    question, summary = window.chat_model.rows()[-2:]
    assert question.text == "Summarize “report.pdf”."
    assert summary.message.status == "complete" and summary.text, window.notice.text()

    # Search the history.
    sidebar = window.sidebar
    qtbot.keyClicks(sidebar.search_box, "hello")
    qtbot.keyClick(sidebar.search_box, Qt.Key.Key_Return)
    qtbot.wait(300)

    # The model manager lists the download catalogue without fetching anything.
    window.open_model_manager([])
    dialog = window.model_manager
    qtbot.waitUntil(lambda: not dialog.scanning, timeout=30000)
    dialog.tabs.setCurrentIndex(1)
    dialog.catalog_table.selectRow(0)
    assert dialog.catalog_table.rowCount() >= 12
    dialog.close()
    window.close()

    lines = network_blocked.read_text().splitlines()
    assert not [line for line in lines if line.startswith("blocked")], lines
    # The spawned worker loaded the guard too (it logs "armed" with its own pid).
    armed = {line.split("pid=")[1] for line in lines if line.startswith("armed")}
    assert armed - {str(os.getpid())}, lines
