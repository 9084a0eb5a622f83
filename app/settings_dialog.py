"""The settings dialog: a form over ``engine.settings.Settings`` (declared there once, typed,
with defaults and bounds; this only edits a copy and hands it back)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.api_server_page import ApiServerPage
from app.translations import LANGUAGE_NAMES
from engine.chat.sampling import (
    MIN_P_RANGE,
    REPEAT_PENALTY_RANGE,
    SAMPLING_PRESETS,
    TEMPERATURE_RANGE,
    TOP_K_RANGE,
    TOP_P_RANGE,
)
from engine.settings import Settings


def _bounds(name: str) -> tuple[float, float]:
    for spec in dataclasses.fields(Settings):
        if spec.name == name:
            bounds = spec.metadata.get("bounds")
            if bounds is not None:
                return bounds  # type: ignore[no-any-return]
    raise KeyError(name)


class SettingsDialog(QDialog):
    """Signals: accepted_settings(object): the new ``Settings`` (only when OK was pressed)."""

    accepted_settings = Signal(object)

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        api_token_path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self._original = settings
        self.tabs = QTabWidget(self)

        # ---- Model
        self.context_size = QSpinBox(self)
        self.context_size.setObjectName("contextSize")
        low, high = _bounds("context_size")
        self.context_size.setRange(int(low), int(high))
        self.context_size.setSingleStep(1024)
        self.threads_auto = QCheckBox(self)
        self.threads_auto.setObjectName("threadsAuto")
        self.threads = QSpinBox(self)
        self.threads.setObjectName("threads")
        self.threads.setRange(1, 256)
        self.threads_auto.toggled.connect(lambda on: self.threads.setEnabled(not on))
        self.kv_cache = QComboBox(self)
        self.kv_cache.setObjectName("kvCacheType")
        self.kv_cache.addItem("f16", "f16")
        self.kv_cache.addItem("q8_0", "q8_0")
        threads_row = QHBoxLayout()
        threads_row.addWidget(self.threads_auto)
        threads_row.addWidget(self.threads)
        model_page = QWidget(self)
        self.model_form = QFormLayout(model_page)
        self.model_form.addRow("", self.context_size)
        self.model_form.addRow("", threads_row)
        self.model_form.addRow("", self.kv_cache)

        # ---- Generation
        self.preset = QComboBox(self)
        self.preset.setObjectName("samplingPreset")
        for name in ("gemma", "precise", "creative", "custom"):
            self.preset.addItem("", name)
        self.preset.currentIndexChanged.connect(self._on_preset)
        self.temperature = self._double(TEMPERATURE_RANGE, 0.05, "temperature")
        self.top_k = QSpinBox(self)
        self.top_k.setObjectName("topK")
        self.top_k.setRange(int(TOP_K_RANGE[0]), int(TOP_K_RANGE[1]))
        self.top_p = self._double(TOP_P_RANGE, 0.01, "topP")
        self.min_p = self._double(MIN_P_RANGE, 0.01, "minP")
        self.repeat_penalty = self._double(REPEAT_PENALTY_RANGE, 0.05, "repeatPenalty")
        self.max_tokens = QSpinBox(self)
        self.max_tokens.setObjectName("maxTokens")
        low, high = _bounds("max_tokens")
        self.max_tokens.setRange(int(low), int(high))
        self.system_prompt = QPlainTextEdit(self)
        self.system_prompt.setObjectName("systemPrompt")
        self.system_prompt.setTabChangesFocus(True)
        self.system_prompt.setMaximumHeight(110)
        self.custom_box = QGroupBox(self)
        custom_form = QFormLayout(self.custom_box)
        self.custom_labels = [QLabel(self) for _ in range(5)]
        for label, field in zip(
            self.custom_labels,
            (self.temperature, self.top_k, self.top_p, self.min_p, self.repeat_penalty),
            strict=True,
        ):
            label.setBuddy(field)
            custom_form.addRow(label, field)
        generation_page = QWidget(self)
        self.generation_form = QFormLayout(generation_page)
        self.generation_form.addRow("", self.preset)
        self.generation_form.addRow(self.custom_box)
        self.generation_form.addRow("", self.max_tokens)
        self.generation_form.addRow("", self.system_prompt)

        # ---- Vision and appearance
        self.pan_scan = QComboBox(self)
        self.pan_scan.setObjectName("panScanDefault")
        self.pan_scan.addItem("", "auto")
        self.pan_scan.addItem("", "off")
        self.fast_jpeg = QCheckBox(self)
        self.fast_jpeg.setObjectName("fastJpegDecodeApproximate")
        self.theme = QComboBox(self)
        self.theme.setObjectName("theme")
        for name in ("system", "light", "dark"):
            self.theme.addItem("", name)
        self.language = QComboBox(self)
        self.language.setObjectName("language")
        self.language.addItem("", "system")
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.font_size = QSpinBox(self)
        self.font_size.setObjectName("fontSize")
        low, high = _bounds("font_size")
        self.font_size.setRange(int(low), int(high))
        appearance_page = QWidget(self)
        self.appearance_form = QFormLayout(appearance_page)
        self.appearance_form.addRow("", self.pan_scan)
        self.appearance_form.addRow("", self.fast_jpeg)
        self.appearance_form.addRow("", self.theme)
        self.appearance_form.addRow("", self.language)
        self.appearance_form.addRow("", self.font_size)

        self.tabs.addTab(model_page, "")
        self.tabs.addTab(generation_page, "")
        self.tabs.addTab(appearance_page, "")
        self.api_server = ApiServerPage(api_token_path, self)
        self.tabs.addTab(self.api_server, "")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            lambda: self.load(Settings())
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)
        self._retranslate()
        self.load(settings)

    def _double(self, bounds: tuple[float, float], step: float, name: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox(self)
        box.setObjectName(name)
        box.setRange(bounds[0], bounds[1])
        box.setSingleStep(step)
        box.setDecimals(2)
        return box

    # ---- Values

    def load(self, settings: Settings) -> None:
        self.context_size.setValue(settings.context_size)
        self.threads_auto.setChecked(settings.threads is None)
        self.threads.setValue(settings.resolved_threads())
        self.threads.setEnabled(settings.threads is not None)
        self.kv_cache.setCurrentIndex(self.kv_cache.findData(settings.kv_cache_type))
        self.preset.setCurrentIndex(self.preset.findData(settings.sampling_preset))
        self.temperature.setValue(settings.custom_temperature)
        self.top_k.setValue(settings.custom_top_k)
        self.top_p.setValue(settings.custom_top_p)
        self.min_p.setValue(settings.custom_min_p)
        self.repeat_penalty.setValue(settings.custom_repeat_penalty)
        self.max_tokens.setValue(settings.max_tokens)
        self.system_prompt.setPlainText(settings.system_prompt)
        self.pan_scan.setCurrentIndex(self.pan_scan.findData(settings.pan_and_scan))
        self.fast_jpeg.setChecked(settings.vision_fast_jpeg_decode_approximate)
        self.theme.setCurrentIndex(self.theme.findData(settings.theme))
        self.language.setCurrentIndex(self.language.findData(settings.language))
        self.font_size.setValue(settings.font_size)
        self.api_server.load(settings.api_server_enabled, settings.api_server_port)
        self._on_preset()

    def value(self) -> Settings:
        return dataclasses.replace(
            self._original,
            context_size=self.context_size.value(),
            threads=None if self.threads_auto.isChecked() else self.threads.value(),
            kv_cache_type=self.kv_cache.currentData(),
            sampling_preset=self.preset.currentData(),
            custom_temperature=self.temperature.value(),
            custom_top_k=self.top_k.value(),
            custom_top_p=self.top_p.value(),
            custom_min_p=self.min_p.value(),
            custom_repeat_penalty=self.repeat_penalty.value(),
            max_tokens=self.max_tokens.value(),
            system_prompt=self.system_prompt.toPlainText(),
            pan_and_scan=self.pan_scan.currentData(),
            vision_fast_jpeg_decode_approximate=self.fast_jpeg.isChecked(),
            theme=self.theme.currentData(),
            language=self.language.currentData(),
            font_size=self.font_size.value(),
            api_server_enabled=self.api_server.enabled.isChecked(),
            api_server_port=self.api_server.port.value(),
        )

    def _on_preset(self) -> None:
        name = self.preset.currentData()
        custom = name == "custom"
        self.custom_box.setEnabled(custom)
        if not custom and name in SAMPLING_PRESETS:
            params = SAMPLING_PRESETS[name]
            self.temperature.setValue(params.temperature)
            self.top_k.setValue(params.top_k)
            self.top_p.setValue(params.top_p)
            self.min_p.setValue(params.min_p)
            self.repeat_penalty.setValue(params.repeat_penalty)

    def accept(self) -> None:
        self.accepted_settings.emit(self.value())
        super().accept()

    # ---- Texts

    def _label(self, form: QFormLayout, row: int, text: str) -> None:
        """Set the label of ``row``; ``addRow("", field)`` makes none, so it is made here."""
        item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        label = item.widget() if item is not None else None
        if not isinstance(label, QLabel):
            label = QLabel(self)
            form.setWidget(row, QFormLayout.ItemRole.LabelRole, label)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            buddy = field.widget() if field is not None else None
            if buddy is not None:
                label.setBuddy(buddy)
        label.setText(text.replace("&", "&&"))  # a literal "&" (Pan & Scan), not a mnemonic

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        self.tabs.setTabText(0, self.tr("Model"))
        self.tabs.setTabText(1, self.tr("Answers"))
        self.tabs.setTabText(2, self.tr("Images and appearance"))
        self.tabs.setTabText(3, self.tr("Local API server"))
        self._label(self.model_form, 0, self.tr("Context size (tokens):"))
        self._label(self.model_form, 1, self.tr("Threads:"))
        self._label(self.model_form, 2, self.tr("KV cache type:"))
        self.threads_auto.setText(self.tr("Automatic (one per physical core)"))
        self._label(self.generation_form, 0, self.tr("Sampling preset:"))
        self._label(self.generation_form, 2, self.tr("Answer length limit (tokens):"))
        self._label(self.generation_form, 3, self.tr("System prompt:"))
        self.preset.setItemText(0, self.tr("Gemma default"))
        self.preset.setItemText(1, self.tr("Precise"))
        self.preset.setItemText(2, self.tr("Creative"))
        self.preset.setItemText(3, self.tr("Custom"))
        self.custom_box.setTitle(self.tr("Custom sampling"))
        for label, text in zip(
            self.custom_labels,
            (
                self.tr("Temperature:"),
                self.tr("Top-k:"),
                self.tr("Top-p:"),
                self.tr("Min-p:"),
                self.tr("Repeat penalty:"),
            ),
            strict=True,
        ):
            label.setText(text)
        self._label(self.appearance_form, 0, self.tr("Pan & Scan for new images:"))
        self._label(self.appearance_form, 1, self.tr("JPEG decoding:"))
        self._label(self.appearance_form, 2, self.tr("Theme:"))
        self._label(self.appearance_form, 3, self.tr("Language:"))
        self._label(self.appearance_form, 4, self.tr("Font size (0: system):"))
        self.fast_jpeg.setText(self.tr("Faster, approximate (big photos at reduced size)"))
        self.pan_scan.setItemText(0, self.tr("Auto"))
        self.pan_scan.setItemText(1, self.tr("Off"))
        self.theme.setItemText(0, self.tr("System"))
        self.theme.setItemText(1, self.tr("Light"))
        self.theme.setItemText(2, self.tr("Dark"))
        self.language.setItemText(0, self.tr("System language"))
        tips = {
            self.context_size: self.tr(
                "How many tokens the model can see at once; more needs more memory"
            ),
            self.threads: self.tr("CPU threads used for the model"),
            self.threads_auto: self.tr("Let Hearth pick the number of threads"),
            self.kv_cache: self.tr("q8_0 halves the memory of the context cache"),
            self.preset: self.tr("How adventurous the answers are"),
            self.temperature: self.tr("Higher is more varied; 0 always picks the likeliest word"),
            self.top_k: self.tr("Only the k likeliest words are considered (0: all)"),
            self.top_p: self.tr("Only the likeliest words adding up to this share are considered"),
            self.min_p: self.tr("Words less likely than this share of the best are dropped"),
            self.repeat_penalty: self.tr("Above 1 discourages repeating words (1: off)"),
            self.max_tokens: self.tr("The longest answer Hearth lets the model write"),
            self.system_prompt: self.tr("Instructions placed before every conversation"),
            self.pan_scan: self.tr("Whether elongated images get extra crops by default"),
            self.fast_jpeg: self.tr(
                "Saves a fraction of a second per big photo, but the model sees slightly "
                "different pixels than the reference preprocessing. Changing it reloads the model."
            ),
            self.theme: self.tr("Light, dark, or follow the system"),
            self.language: self.tr("The language of Hearth's own texts"),
            self.font_size: self.tr("Text size in points"),
        }
        for widget, tip in tips.items():
            widget.setToolTip(tip)
        names = {
            self.context_size: self.tr("Context size"),
            self.threads: self.tr("Threads"),
            self.threads_auto: self.tr("Automatic threads"),
            self.kv_cache: self.tr("KV cache type"),
            self.preset: self.tr("Sampling preset"),
            self.temperature: self.tr("Temperature"),
            self.top_k: self.tr("Top-k"),
            self.top_p: self.tr("Top-p"),
            self.min_p: self.tr("Min-p"),
            self.repeat_penalty: self.tr("Repeat penalty"),
            self.max_tokens: self.tr("Answer length limit"),
            self.system_prompt: self.tr("System prompt"),
            self.pan_scan: self.tr("Pan and Scan default"),
            self.fast_jpeg: self.tr("Fast approximate JPEG decoding"),
            self.theme: self.tr("Theme"),
            self.language: self.tr("Language"),
            self.font_size: self.tr("Font size"),
        }
        for widget, name in names.items():
            widget.setAccessibleName(name)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
