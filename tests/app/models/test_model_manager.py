"""The model manager: what the headers say, memory at a chosen context, adding (validated),
projector pairing, refusing bad files, switching."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.models.model_manager import ModelManagerDialog
from app.models.registry import ModelRegistry
from engine.settings import Settings
from tests.app.conftest import WindowFactory


def _cells(dialog: ModelManagerDialog, row: int) -> list[str]:
    return [
        item.text() if (item := dialog.table.item(row, c)) is not None else ""
        for c in range(dialog.table.columnCount())
    ]


def test_lists_the_bundled_model_and_estimates_memory(
    qtbot: QtBot, tmp_path: Path, model_path: Path
) -> None:
    registry = ModelRegistry(tmp_path, tmp_path / "models", model_path)
    dialog = ModelManagerDialog(registry, Settings(), None)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    name, arch, size, file_size, quant, context, vision, ram = _cells(dialog, 0)[:8]
    assert "(bundled)" in name and arch == "gemma3" and size == "270M"
    assert quant == "Q4_K_M" and context == "32,768" and vision == "no"
    assert "MiB" in file_size and ram.endswith(("MiB", "GiB"))
    small = ram
    dialog.context.setValue(32768)  # a bigger context needs more memory (KV cache)
    assert _cells(dialog, 0)[7] != small
    dialog.table.selectRow(0)
    assert "KV cache" in dialog.details.text()
    assert not dialog.remove_button.isEnabled()  # the bundled model always stays


def test_add_validates_the_header_and_pairs_the_projector(
    qtbot: QtBot, tmp_path: Path, model_path: Path, tiny_mmproj_path: Path
) -> None:
    registry = ModelRegistry(tmp_path, tmp_path / "models", None)
    dialog = ModelManagerDialog(registry, Settings(), None, allow_text_only_projectors=True)
    qtbot.addWidget(dialog)
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 10)
    assert dialog.add_path(bad) is None
    assert "broken.gguf" in dialog.message.text()
    assert dialog.table.rowCount() == 0
    not_a_model = dialog.add_path(tiny_mmproj_path)
    assert not_a_model is None and "projector" in dialog.message.text()
    entry = dialog.add_path(model_path, tiny_mmproj_path)
    assert entry is not None and entry.vision
    assert dialog.table.rowCount() == 1 and _cells(dialog, 0)[6] == "yes"
    assert tiny_mmproj_path.name in dialog.message.text()
    # Remembered for the next start.
    again = ModelRegistry(tmp_path, tmp_path / "models", None).entries()
    assert [e.mmproj for e in again] == [tiny_mmproj_path]


@pytest.mark.model
def test_switch_model_from_the_window(
    qtbot: QtBot, make_window: WindowFactory, model_path: Path, tmp_path: Path
) -> None:
    window = make_window()
    copy = window.context.paths.models_dir / "copy-of-gemma.gguf"
    shutil.copyfile(model_path, copy)  # a second, distinct model file
    window.open_model_manager([])
    dialog = window.model_manager
    assert dialog.table.rowCount() == 2
    dialog.table.selectRow(1)
    with qtbot.waitSignal(dialog.use_model):
        dialog.use_button.click()
    assert window.status.loading.isVisibleTo(window)  # progress while the model loads
    assert not window.composer.send_button.isEnabled()
    qtbot.waitUntil(lambda: window._loaded and window._load_job is None, timeout=90000)
    assert window.model_info is not None and window.model_info.path == str(copy)
    assert window.context.settings.value.model_path == str(copy)
    assert window.model_picker.currentData() == str(copy)
