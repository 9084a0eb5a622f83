"""The model manager's found models and downloads, end to end in the real dialog: an Ollama
store built in tmp_path from the real bundled model, and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.models.model_manager import ModelManagerDialog
from app.models.registry import ModelEntry, ModelRegistry
from engine.model.bundled import sha256_file
from engine.model.discovery import SearchRoot
from engine.model.download_catalog import DownloadableModel, DownloadFile
from engine.settings import Settings
from tests.app.conftest import WindowFactory
from tests.engine.model.file_server import FileServer, serve
from tests.engine.model.test_discovery import build_ollama

GIB = 1 << 30
REPO = "test-org/gemma-3-270m-GGUF"
FILE = "gemma-3-270m-it-test.gguf"


def _cells(table: object, row: int) -> list[str]:
    from PySide6.QtWidgets import QTableWidget

    assert isinstance(table, QTableWidget)
    return [
        item.text() if (item := table.item(row, c)) is not None else ""
        for c in range(table.columnCount())
    ]


def catalogue(model_path: Path, sha: str | None) -> list[DownloadableModel]:
    file = DownloadFile(REPO, "main", FILE, model_path.stat().st_size, sha, size_exact=True)
    return [
        DownloadableModel(
            id="test-270m", name="Gemma 3 270M (test copy)", family="gemma3",
            size_label="270M", licence="Gemma Terms of Use",
            licence_url="https://ai.google.dev/gemma/terms", repo=REPO, gated=False,
            note="", files=(file,),
        )
    ]  # fmt: skip


@pytest.fixture()
def server(model_path: Path) -> Iterator[FileServer]:
    with serve({f"/{REPO}/resolve/main/{FILE}": model_path}) as running:
        yield running


def make_dialog(
    qtbot: QtBot, tmp_path: Path, model_path: Path, *, roots: list[SearchRoot] | None = None,
    catalog: list[DownloadableModel] | None = None, base_url: str = "http://127.0.0.1:9",
) -> ModelManagerDialog:  # fmt: skip
    registry = ModelRegistry(
        tmp_path / "data", tmp_path / "data" / "models", model_path, search_roots=roots or ()
    )
    dialog = ModelManagerDialog(
        registry,
        Settings(download_base_url=base_url),
        None,
        catalog=catalog if catalog is not None else [],
        ram_bytes=16 * GIB,
    )
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.scanning, timeout=30000)
    return dialog


def test_an_ollama_model_is_found_listed_with_its_app_and_usable(
    qtbot: QtBot, tmp_path: Path, model_path: Path
) -> None:
    store = tmp_path / "ollama"
    blob = build_ollama(store, model_path, name="gemma3", tag="270m-copy")
    # The bundled model is listed too: use a different file so both rows show.
    dialog = make_dialog(qtbot, tmp_path, model_path, roots=[SearchRoot("Ollama", store, "ollama")])
    rows = [_cells(dialog.table, row) for row in range(dialog.table.rowCount())]
    # The same bytes as the bundled model, but a different file: listed once as found.
    found = [row for row in rows if row[8] == "Ollama"]
    assert len(found) == 1
    assert found[0][0] == "gemma3:270m-copy" and found[0][9] == "ready"
    assert "Found 1 models from other apps (Ollama)" in dialog.scan_status.text()
    row = rows.index(found[0])
    dialog.table.selectRow(row)
    assert "kept by Ollama, used in place" in dialog.details.text()
    assert not dialog.remove_button.isEnabled()  # Hearth does not own the file
    with qtbot.waitSignal(dialog.use_model) as signal:
        dialog.use_button.click()
    entry = signal.args[0]
    assert isinstance(entry, ModelEntry) and entry.path == blob and entry.source == "Ollama"


def test_a_model_the_other_app_deleted_is_shown_as_missing(
    qtbot: QtBot, tmp_path: Path, model_path: Path
) -> None:
    store = tmp_path / "ollama"
    blob = build_ollama(store, model_path)
    roots = [SearchRoot("Ollama", store, "ollama")]
    dialog = make_dialog(qtbot, tmp_path, model_path, roots=roots)
    assert any(_cells(dialog.table, r)[8] == "Ollama" for r in range(dialog.table.rowCount()))
    blob.unlink()
    dialog.scan_button.click()
    qtbot.waitUntil(lambda: not dialog.scanning, timeout=30000)
    rows = [_cells(dialog.table, row) for row in range(dialog.table.rowCount())]
    (missing,) = [row for row in rows if row[8] == "Ollama"]
    assert missing[0] == "gemma3:270m" and missing[9] == "missing"
    assert "Missing now: 1" in dialog.scan_status.text()
    assert "no longer at" in dialog.message.text()
    dialog.table.selectRow(rows.index(missing))
    assert dialog.selected() is None  # a missing model cannot be chosen


def test_download_from_the_catalogue_verifies_and_lists_the_model(
    qtbot: QtBot, tmp_path: Path, model_path: Path, server: FileServer
) -> None:
    dialog = make_dialog(
        qtbot, tmp_path, model_path, catalog=catalogue(model_path, sha256_file(model_path)),
        base_url=server.base_url,
    )  # fmt: skip
    dialog.tabs.setCurrentIndex(1)
    _name, _size, _ram, fit, licence, status = _cells(dialog.catalog_table, 0)
    assert fit == "fits" and licence == "Gemma Terms of Use" and status == ""
    assert server.log == []  # listing the catalogue touched no network
    dialog.catalog_table.selectRow(0)
    assert "Downloads from 127.0.0.1" in dialog.download_info.text()
    assert dialog.download_button.isEnabled()
    with qtbot.waitSignal(dialog.downloads.finished, timeout=120000):
        dialog.download_button.click()
    assert _cells(dialog.catalog_table, 0)[5] == "downloaded"
    assert not dialog.download_button.isEnabled()
    assert "verified" in dialog.download_message.text()
    target = tmp_path / "data" / "models" / FILE
    assert sha256_file(target) == sha256_file(model_path)
    listed = [entry.path for entry in dialog.entries]
    assert target in listed  # usable right away, under "On this computer"


def test_pause_then_resume_fetches_only_the_rest(
    qtbot: QtBot, tmp_path: Path, model_path: Path
) -> None:
    size = model_path.stat().st_size
    with serve({f"/{REPO}/resolve/main/{FILE}": model_path}, delay=0.002) as server:
        dialog = make_dialog(
            qtbot, tmp_path, model_path, catalog=catalogue(model_path, sha256_file(model_path)),
            base_url=server.base_url,
        )  # fmt: skip
        dialog.tabs.setCurrentIndex(1)
        dialog.catalog_table.selectRow(0)
        dialog.download_button.click()
        qtbot.waitUntil(lambda: dialog.downloads.done > 4 << 20, timeout=60000)
        assert dialog.pause_button.isEnabled()
        assert _cells(dialog.catalog_table, 0)[5].startswith("downloading")
        with qtbot.waitSignal(dialog.downloads.stopped, timeout=30000):
            dialog.pause_button.click()
        assert "paused" in dialog.download_message.text()
        assert _cells(dialog.catalog_table, 0)[5].startswith("paused at")
        assert dialog.download_button.text() == "Resume"
        server.delay = 0.0
        with qtbot.waitSignal(dialog.downloads.finished, timeout=120000):
            dialog.download_button.click()
        _first, second = server.log
        assert second.range_start is not None and second.range_start > 0
        assert second.sent == size - second.range_start


def test_cancel_deletes_the_partial_file(qtbot: QtBot, tmp_path: Path, model_path: Path) -> None:
    with serve({f"/{REPO}/resolve/main/{FILE}": model_path}, delay=0.002) as server:
        dialog = make_dialog(
            qtbot, tmp_path, model_path, catalog=catalogue(model_path, sha256_file(model_path)),
            base_url=server.base_url,
        )  # fmt: skip
        dialog.tabs.setCurrentIndex(1)
        dialog.catalog_table.selectRow(0)
        dialog.download_button.click()
        qtbot.waitUntil(lambda: dialog.downloads.done > 1 << 20, timeout=60000)
        with qtbot.waitSignal(dialog.downloads.stopped, timeout=30000) as signal:
            dialog.cancel_button.click()
        assert signal.args == ["test-270m", True]
    assert list((tmp_path / "data" / "models").iterdir()) == []
    assert "cancelled" in dialog.download_message.text()
    assert _cells(dialog.catalog_table, 0)[5] == ""


def test_a_model_without_a_verified_hash_cannot_be_downloaded(
    qtbot: QtBot, tmp_path: Path, model_path: Path, server: FileServer
) -> None:
    dialog = make_dialog(
        qtbot, tmp_path, model_path, catalog=catalogue(model_path, None),
        base_url=server.base_url,
    )  # fmt: skip
    dialog.catalog_table.selectRow(0)
    assert _cells(dialog.catalog_table, 0)[5] == "no verified hash"
    assert not dialog.download_button.isEnabled()
    assert "does not know this file's published SHA-256" in dialog.download_info.text()


def test_a_404_is_shown_calmly(qtbot: QtBot, tmp_path: Path, model_path: Path) -> None:
    with serve({}) as server:
        dialog = make_dialog(
            qtbot, tmp_path, model_path, catalog=catalogue(model_path, sha256_file(model_path)),
            base_url=server.base_url,
        )  # fmt: skip
        dialog.catalog_table.selectRow(0)
        with qtbot.waitSignal(dialog.downloads.failed, timeout=30000):
            dialog.download_button.click()
    assert "HTTP 404" in dialog.download_message.text()
    assert _cells(dialog.catalog_table, 0)[5] == "failed"
    assert dialog.download_button.isEnabled()  # try again


def test_the_shipped_catalogue_shows_fit_for_this_machine(
    qtbot: QtBot, tmp_path: Path, model_path: Path
) -> None:
    registry = ModelRegistry(tmp_path / "data", tmp_path / "data" / "models", model_path)
    dialog = ModelManagerDialog(registry, Settings(), None, ram_bytes=8 * GIB)
    qtbot.addWidget(dialog)
    fits = {_cells(dialog.catalog_table, r)[0]: _cells(dialog.catalog_table, r)[3]
            for r in range(dialog.catalog_table.rowCount())}  # fmt: skip
    assert fits["Gemma 3 27B instruct (Q4_K_M), sees images"] == "too big"
    assert fits["Gemma 3 1B instruct (Q4_K_M)"] == "fits"
    dialog.catalog_table.selectRow(0)
    assert "Downloads from huggingface.co" in dialog.download_info.text()
    # A family this build cannot run yet is not offered for download (no wasted gigabytes).
    row = [m.id for m in dialog.catalog].index("smollm2-1.7b-instruct")
    dialog.catalog_table.selectRow(row)
    runs_llama = dialog.catalog[row].runnable  # True once the header reader runs any family
    assert _cells(dialog.catalog_table, row)[5] == ("" if runs_llama else "not supported yet")
    assert dialog.download_button.isEnabled() is runs_llama


def test_a_found_file_that_cannot_be_used_is_listed_with_its_reason(
    qtbot: QtBot, tmp_path: Path, model_path: Path
) -> None:
    folder = tmp_path / "lmstudio" / "someone" / "repo"
    folder.mkdir(parents=True)
    with model_path.open("rb") as source:
        (folder / "cut-short.gguf").write_bytes(source.read(1 << 20))
    dialog = make_dialog(
        qtbot, tmp_path, model_path, roots=[SearchRoot("LM Studio", tmp_path / "lmstudio")]
    )
    rows = [_cells(dialog.table, row) for row in range(dialog.table.rowCount())]
    (refused,) = [row for row in rows if row[8] == "LM Studio"]
    assert refused[0] == "cut-short" and refused[9] == "cannot be used"
    assert "1 cannot be used" in dialog.scan_status.text()
    assert "cut-short.gguf" in dialog.message.text()


@pytest.mark.model
def test_the_window_offers_found_models_in_its_picker(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, model_path: Path
) -> None:
    store = tmp_path / "ollama"
    blob = build_ollama(store, model_path, name="gemma3", tag="found")
    window = make_window()
    window.context.registry.search_roots = (SearchRoot("Ollama", store, "ollama"),)
    window.look_for_other_apps_models()  # what start-up does once the first model is loaded
    qtbot.waitUntil(lambda: window._discover_job is None, timeout=30000)
    paths = [window.model_picker.itemData(i) for i in range(window.model_picker.count())]
    assert str(blob) in paths
