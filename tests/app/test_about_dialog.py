"""Help ▸ About: version, build information and the licences, from this venv's real metadata."""

from __future__ import annotations

from importlib import metadata

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.about_dialog import AboutDialog
from engine import __version__
from engine.licenses import NOTES, bundled_licenses, normalize

from .conftest import WindowFactory


def open_dialog(qtbot: QtBot) -> AboutDialog:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=30000)
    return dialog


def build_rows(dialog: AboutDialog) -> dict[str, str]:
    rows = {}
    for row in range(dialog.build_table.rowCount()):
        label, value = dialog.build_table.item(row, 0), dialog.build_table.item(row, 1)
        assert label is not None and value is not None
        rows[label.text()] = value.text()
    return rows


def test_version_and_build_information(qtbot: QtBot, qapp: QApplication) -> None:
    dialog = open_dialog(qtbot)
    assert f"Hearth {__version__}" in dialog.heading.text()
    rows = build_rows(dialog)
    assert rows["Hearth"] == __version__
    assert rows["llama-cpp-python"] == metadata.version("llama-cpp-python")
    assert rows["llama.cpp backend"].startswith("CPU")
    assert rows["Qt (running)"]
    dialog.copy_build_info()
    copied = QGuiApplication.clipboard().text()
    assert f"Hearth: {__version__}" in copied and "llama.cpp backend: CPU" in copied


def test_every_bundled_component_is_listed_with_its_licence(
    qtbot: QtBot, qapp: QApplication
) -> None:
    dialog = open_dialog(qtbot)
    components = bundled_licenses()
    table = dialog.license_table
    assert table.rowCount() == len(NOTES) + len(components)
    listed = {}
    for row in range(table.rowCount()):
        name, licence = table.item(row, 0), table.item(row, 2)
        assert name is not None and licence is not None
        listed[normalize(name.text())] = licence.text()
    for component in components:
        assert listed[normalize(component.name)] == component.license
    assert listed["pyside6-essentials"] == metadata.metadata("PySide6_Essentials")["License"]


def test_selecting_a_component_shows_its_licence_text(qtbot: QtBot, qapp: QApplication) -> None:
    dialog = open_dialog(qtbot)
    dialog.tabs.setCurrentIndex(1)
    table = dialog.license_table
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}  # type: ignore[union-attr]
    table.selectRow(rows["Jinja2"])
    assert "Redistribution and use" in dialog.license_text.toPlainText()
    table.selectRow(0)  # the Qt note, with the relinking right and the LGPL text
    text = dialog.license_text.toPlainText()
    assert "replace them" in text and "GNU LESSER GENERAL PUBLIC LICENSE" in text
    table.selectRow(rows["PySide6"])  # its wheel has no licence file: the Qt note speaks for it
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in dialog.license_text.toPlainText()
    gemma = next(r for name, r in rows.items() if name.startswith("Gemma 3 270M"))
    table.selectRow(gemma)
    assert "https://ai.google.dev/gemma/terms" in dialog.license_text.toPlainText()


def test_the_help_menu_opens_it(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(wait=False)
    window.act_about.trigger()
    dialog = window.about_dialog
    assert isinstance(dialog, AboutDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=30000)
    dialog.reject()
