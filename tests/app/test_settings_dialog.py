"""The settings dialog edits the declared settings and the window applies them."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.settings_dialog import SettingsDialog
from engine.settings import Settings, load_settings
from tests.app.conftest import WindowFactory


def test_presets_fill_the_custom_values(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.preset.setCurrentIndex(dialog.preset.findData("precise"))
    assert dialog.temperature.value() == pytest.approx(0.3)
    assert not dialog.custom_box.isEnabled()
    dialog.preset.setCurrentIndex(dialog.preset.findData("custom"))
    assert dialog.custom_box.isEnabled()
    dialog.temperature.setValue(0.7)
    dialog.system_prompt.setPlainText("Answer briefly.")
    value = dialog.value()
    assert value.sampling_preset == "custom" and value.custom_temperature == pytest.approx(0.7)
    assert value.sampling().temperature == pytest.approx(0.7)
    assert value.system_prompt == "Answer briefly."
    for widget in (dialog.context_size, dialog.theme, dialog.language, dialog.kv_cache):
        assert widget.accessibleName() and widget.toolTip()


@pytest.mark.model
def test_saved_and_applied_by_the_window(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    window.open_settings()
    dialog = window.settings_dialog
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.font_size.setValue(13)
    dialog.pan_scan.setCurrentIndex(dialog.pan_scan.findData("off"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    QApplication.processEvents()
    saved = load_settings(window.context.settings.path).settings
    assert saved.theme == "dark" and saved.font_size == 13 and saved.pan_and_scan == "off"
    palette = QApplication.palette()
    assert palette.color(palette.ColorRole.Base).lightness() < 128
    assert QApplication.font().pointSize() == 13
    assert window.composer.pan_scan_default.value == "off"
    # A model setting reloads the model with the new context.
    window.context.settings.update(context_size=1024)
    qtbot.waitUntil(lambda: window._loaded and window._load_job is None, timeout=90000)
    assert window.model_info is not None and window.model_info.n_ctx == 1024
