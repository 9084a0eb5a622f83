"""The model manager: the known models with what their headers say, the memory each needs at
a chosen context, adding a GGUF (file dialog or drop; validated before it is listed, projector
paired automatically or chosen), and switching models."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.models.registry import ModelEntry, ModelRegistry
from engine.errors import HearthError
from engine.model.memory import format_bytes
from engine.settings import Settings

COLUMNS = 8


class ModelManagerDialog(QDialog):
    """Signals: use_model(object): switch to this ``ModelEntry``."""

    use_model = Signal(object)

    def __init__(
        self,
        registry: ModelRegistry,
        settings: Settings,
        current: ModelEntry | None,
        parent: QWidget | None = None,
        *,
        allow_text_only_projectors: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("modelManager")
        self.setAcceptDrops(True)
        self._registry = registry
        self._settings = settings
        self._current = current
        self._allow_text_only = allow_text_only_projectors
        self.entries: list[ModelEntry] = []

        self.table = QTableWidget(0, COLUMNS, self)
        self.table.setObjectName("modelTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, COLUMNS):
            self.table.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents
            )
        self.table.itemSelectionChanged.connect(self._update_details)
        self.table.itemDoubleClicked.connect(lambda _item: self._use())

        self.context = QSpinBox(self)
        self.context.setObjectName("estimateContext")
        self.context.setRange(512, 131072)
        self.context.setSingleStep(1024)
        self.context.setValue(settings.context_size)
        # Only the estimates change: no file is read again.
        self.context.valueChanged.connect(lambda _value: self._fill(self.selected()))
        self.context_label = QLabel(self)
        self.context_label.setBuddy(self.context)
        self.details = QLabel(self)
        self.details.setObjectName("modelDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel(self)
        self.message.setObjectName("modelMessage")
        self.message.setWordWrap(True)

        self.add_button = QPushButton(self)
        self.add_button.setObjectName("addModelButton")
        self.add_button.clicked.connect(self._choose_model)
        self.projector_button = QPushButton(self)
        self.projector_button.setObjectName("chooseProjectorButton")
        self.projector_button.clicked.connect(self._choose_projector)
        self.remove_button = QPushButton(self)
        self.remove_button.setObjectName("removeModelButton")
        self.remove_button.clicked.connect(self._remove)
        self.use_button = QPushButton(self)
        self.use_button.setObjectName("useModelButton")
        self.use_button.clicked.connect(self._use)

        context_row = QHBoxLayout()
        context_row.addWidget(self.context_label)
        context_row.addWidget(self.context)
        context_row.addStretch(1)
        buttons_row = QHBoxLayout()
        for button in (self.add_button, self.projector_button, self.remove_button):
            buttons_row.addWidget(button)
        buttons_row.addStretch(1)
        buttons_row.addWidget(self.use_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(context_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.message)
        layout.addLayout(buttons_row)
        layout.addWidget(close)
        self.resize(900, 440)
        self._retranslate()
        self.refresh()

    # ---- Listing

    def refresh(self) -> None:
        """Read the registry again (each model's header, projectors beside it) and redraw."""
        selected = self.selected()
        self.entries = self._registry.entries()
        self._fill(selected)

    def _fill(self, selected: ModelEntry | None) -> None:
        """Draw the table from ``entries`` with the estimates for the chosen context."""
        n_ctx = self.context.value()
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            info = entry.info
            name = entry.name + (self.tr(" (bundled)") if entry.bundled else "")
            if self._current is not None and entry.path == self._current.path:
                name = "● " + name
            try:
                memory = format_bytes(
                    entry.total_bytes(
                        n_ctx,
                        self._settings.kv_cache_type,
                        self._settings.checkpoint_budget_mib,
                    )
                )
            except (HearthError, ValueError):
                memory = "?"
            vision = (
                self.tr("yes")
                if entry.vision
                else self.tr("needs a projector")
                if entry.vision_capable
                else self.tr("no")
            )
            values = [
                name,
                info.architecture,
                entry.label.split(" · ")[0].removeprefix("Gemma 3 "),
                format_bytes(info.file_size),
                info.quantization or "?",
                f"{entry.max_context:,}",
                vision,
                memory,
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(str(entry.path) if column == 0 else value)
                self.table.setItem(row, column, item)
        if self._registry.problems:
            self.message.setText("\n".join(self._registry.problems))
        target = selected or self._current
        for row, entry in enumerate(self.entries):
            if target is not None and entry.path == target.path:
                self.table.selectRow(row)
        self._update_details()

    def selected(self) -> ModelEntry | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        row = rows[0].row()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _update_details(self) -> None:
        entry = self.selected()
        self.use_button.setEnabled(entry is not None)
        self.remove_button.setEnabled(entry is not None and not entry.bundled)
        self.projector_button.setEnabled(entry is not None)
        if entry is None:
            self.details.setText("")
            return
        try:
            estimate = entry.memory(
                self.context.value(),
                self._settings.kv_cache_type,
                self._settings.checkpoint_budget_mib,
            )
            memory = estimate.describe()
        except (HearthError, ValueError) as exc:
            memory = str(exc)
        projector = (
            self.tr("Vision projector: {name}").format(name=entry.mmproj.name)
            if entry.mmproj
            else self.tr("No vision projector")
        )
        self.details.setText(
            f"{entry.path}\n"
            + self.tr("Estimated memory {memory}").format(memory=memory)
            + f"\n{projector}"
        )

    # ---- Adding

    def _choose_model(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Add a model"), "", self.tr("GGUF models (*.gguf)")
        )
        if name:
            self.add_path(Path(name))

    def add_path(self, path: Path, mmproj: Path | None = None) -> ModelEntry | None:
        """Validate and add a model; a calm message explains a refusal."""
        try:
            entry = self._registry.add(path, mmproj, allow_text_only=self._allow_text_only)
        except HearthError as exc:
            self.message.setText(str(exc))
            return None
        if entry.mmproj is not None:
            self.message.setText(
                self.tr("Added {name} with its vision projector {mmproj}.").format(
                    name=path.name, mmproj=entry.mmproj.name
                )
            )
        else:
            self.message.setText(self.tr("Added {name}.").format(name=path.name))
        self._current = self._current or entry
        self.refresh()
        for row, listed in enumerate(self.entries):
            if listed.path == entry.path:
                self.table.selectRow(row)
        return entry

    def _choose_projector(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the vision projector"),
            str(entry.path.parent),
            self.tr("GGUF projectors (*.gguf)"),
        )
        if name:
            self.add_path(entry.path, Path(name))

    def _remove(self) -> None:
        entry = self.selected()
        if entry is None or entry.bundled:
            return
        try:
            self._registry.remove(entry.path)
        except HearthError as exc:
            self.message.setText(str(exc))
        self.refresh()

    def _use(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.use_model.emit(entry)
            self.accept()

    # ---- Drops

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.add_path(Path(url.toLocalFile()))
        event.acceptProposedAction()

    # ---- Texts

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Models"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Model"),
                self.tr("Architecture"),
                self.tr("Size"),
                self.tr("File"),
                self.tr("Quantization"),
                self.tr("Max context"),
                self.tr("Vision"),
                self.tr("Estimated RAM"),
            ]
        )
        self.table.setAccessibleName(self.tr("Known models"))
        self.table.setToolTip(
            self.tr("Double-click a model to use it; drop a .gguf here to add it")
        )
        self.context_label.setText(self.tr("Estimate memory for a context of"))
        self.context.setSuffix(self.tr(" tokens"))
        self.context.setToolTip(self.tr("The context size the memory estimate is for"))
        self.context.setAccessibleName(self.tr("Context size for the estimate"))
        self.add_button.setText(self.tr("Add a GGUF…"))
        self.add_button.setToolTip(self.tr("Add a Gemma 3 GGUF file (its header is checked first)"))
        self.add_button.setAccessibleName(self.tr("Add a model"))
        self.projector_button.setText(self.tr("Choose projector…"))
        self.projector_button.setToolTip(
            self.tr("Pick the vision projector (mmproj) for this model")
        )
        self.projector_button.setAccessibleName(self.tr("Choose the vision projector"))
        self.remove_button.setText(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Forget this model (the file is not deleted)"))
        self.remove_button.setAccessibleName(self.tr("Remove the model from the list"))
        self.use_button.setText(self.tr("Use this model"))
        self.use_button.setToolTip(self.tr("Load the selected model"))
        self.use_button.setAccessibleName(self.tr("Use this model"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self.refresh()
        super().changeEvent(event)
