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


def test_fast_jpeg_decoding_is_off_by_default_and_says_it_is_approximate(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    assert not dialog.fast_jpeg.isChecked()
    assert "approximate" in dialog.fast_jpeg.text().lower()
    assert dialog.fast_jpeg.accessibleName() and dialog.fast_jpeg.toolTip()
    dialog.fast_jpeg.setChecked(True)
    assert dialog.value().vision_fast_jpeg_decode_approximate is True
    dialog.load(Settings())
    assert dialog.value().vision_fast_jpeg_decode_approximate is False


def test_every_row_has_its_visible_label(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    label = dialog.appearance_form.labelForField(dialog.fast_jpeg)
    assert label is not None and label.text() == "JPEG decoding:"  # type: ignore[attr-defined]
    pan_scan = dialog.appearance_form.labelForField(dialog.pan_scan)
    assert pan_scan.text() == "Pan && Scan for new images:"  # type: ignore[attr-defined]
    for form in (dialog.model_form, dialog.generation_form, dialog.appearance_form):
        for row in range(form.rowCount()):
            field = form.itemAt(row, form.ItemRole.FieldRole)
            if field is None or field.widget() is dialog.custom_box:
                continue
            item = form.itemAt(row, form.ItemRole.LabelRole)
            assert item is not None and item.widget().text(), (form.objectName(), row)
