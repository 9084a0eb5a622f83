"""The model manager: the known models with what their headers say, the memory each needs at
a chosen context, adding a GGUF (file dialog or drop; validated before it is listed, projector
paired automatically or chosen), models other apps downloaded (found on disk, used in place,
shown with their app and status), the download catalogue with a fit estimate for this machine,
and switching models.

Network access happens only on the Download tab, when the user clicks Download; the tab says
where the bytes come from."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.engine_bridge import EngineJob
from app.models.downloads import DownloadController
from app.models.registry import ModelEntry, ModelRegistry
from engine.errors import HearthError
from engine.model.download_catalog import DownloadableModel, load_download_catalog
from engine.model.downloader import Downloader
from engine.model.fit import fit_verdict, physical_memory_bytes
from engine.model.memory import format_bytes
from engine.model.references import ReferenceCheck
from engine.settings import Settings

COLUMNS = 10
CATALOG_COLUMNS = 6


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
        downloads: DownloadController | None = None,
        catalog: Sequence[DownloadableModel] | None = None,
        ram_bytes: int | None = None,
        scan_on_open: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("modelManager")
        self.setAcceptDrops(True)
        self._registry = registry
        self._settings = settings
        self._current = current
        self._allow_text_only = allow_text_only_projectors
        self.entries: list[ModelEntry] = []
        self.unavailable: list[ReferenceCheck] = []
        self.catalog: list[DownloadableModel] = list(
            load_download_catalog() if catalog is None else catalog
        )
        self.ram_bytes = physical_memory_bytes() if ram_bytes is None else ram_bytes
        if downloads is None:
            models_dir = registry.models_dir
            base_url = settings.download_base_url
            downloads = DownloadController(lambda: Downloader(models_dir, base_url), self)
        self.downloads = downloads
        self._scan_job: EngineJob | None = None
        self._scan_checks: list[ReferenceCheck] = []
        self._refused: list[ReferenceCheck] = []
        """Files the last scan found but cannot use (their reason is shown, not hidden)."""
        self._download_messages: dict[str, str] = {}

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
        self.context.valueChanged.connect(self._context_changed)
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

        self.scan_button = QPushButton(self)
        self.scan_button.setObjectName("scanModelsButton")
        self.scan_button.clicked.connect(self.scan)
        self.scan_status = QLabel(self)
        self.scan_status.setObjectName("scanStatus")
        self.scan_status.setWordWrap(True)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_button)
        scan_row.addWidget(self.scan_status, 1)

        local_page = QWidget(self)
        local = QVBoxLayout(local_page)
        local.addWidget(self.table, 1)
        local.addLayout(scan_row)
        local.addWidget(self.details)
        local.addWidget(self.message)
        local.addLayout(buttons_row)

        self.catalog_table = QTableWidget(0, CATALOG_COLUMNS, self)
        self.catalog_table.setObjectName("catalogTable")
        self.catalog_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.catalog_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.catalog_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.catalog_table.verticalHeader().hide()
        header = self.catalog_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, CATALOG_COLUMNS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.catalog_table.itemSelectionChanged.connect(self._update_download_panel)
        self.download_info = QLabel(self)
        self.download_info.setObjectName("downloadInfo")
        self.download_info.setWordWrap(True)
        self.download_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("downloadProgress")
        self.progress.setRange(0, 1000)
        self.download_message = QLabel(self)
        self.download_message.setObjectName("downloadMessage")
        self.download_message.setWordWrap(True)
        self.download_button = QPushButton(self)
        self.download_button.setObjectName("downloadButton")
        self.download_button.clicked.connect(self._download)
        self.pause_button = QPushButton(self)
        self.pause_button.setObjectName("pauseDownloadButton")
        self.pause_button.clicked.connect(self.downloads.pause)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("cancelDownloadButton")
        self.cancel_button.clicked.connect(self._cancel_download)
        download_row = QHBoxLayout()
        download_row.addWidget(self.progress, 1)
        download_row.addWidget(self.download_button)
        download_row.addWidget(self.pause_button)
        download_row.addWidget(self.cancel_button)
        download_page = QWidget(self)
        downloads_layout = QVBoxLayout(download_page)
        downloads_layout.addWidget(self.catalog_table, 1)
        downloads_layout.addWidget(self.download_info)
        downloads_layout.addLayout(download_row)
        downloads_layout.addWidget(self.download_message)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("modelTabs")
        self.tabs.addTab(local_page, "")
        self.tabs.addTab(download_page, "")

        self.downloads.progress.connect(self._on_download_progress)
        self.downloads.verifying.connect(self._on_download_verifying)
        self.downloads.finished.connect(self._on_download_finished)
        self.downloads.stopped.connect(self._on_download_stopped)
        self.downloads.failed.connect(self._on_download_failed)

        layout = QVBoxLayout(self)
        layout.addLayout(context_row)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close)
        self.resize(1040, 560)
        self._retranslate()
        self.refresh()
        self._fill_catalog()
        if scan_on_open and registry.search_roots:
            self.scan()

    # ---- Listing

    def refresh(self) -> None:
        """Read the registry again (each model's header, projectors beside it) and redraw."""
        selected = self.selected()
        self.entries = self._registry.entries()
        self._fill(selected)

    def _fill(self, selected: ModelEntry | None) -> None:
        """Draw the table from ``entries`` with the estimates for the chosen context."""
        n_ctx = self.context.value()
        self.unavailable = list(self._registry.unavailable)
        known = {check.reference.path for check in self.unavailable}
        known |= {str(entry.path) for entry in self.entries}
        self.unavailable += [c for c in self._refused if c.reference.path not in known]
        self.table.setRowCount(len(self.entries) + len(self.unavailable))
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
                self._source_text(entry),
                self._status_text(entry.status),
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(str(entry.path) if column == 0 else value)
                self.table.setItem(row, column, item)
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        for offset, check in enumerate(self.unavailable):
            row = len(self.entries) + offset
            reference = check.reference
            cells = [reference.name] + [""] * (COLUMNS - 3)
            cells[3] = format_bytes(reference.size)
            cells += [reference.source, self._status_text(check.status)]
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setForeground(muted)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                item.setToolTip(check.message or reference.path)
                self.table.setItem(row, column, item)
        if self._registry.problems:
            self.message.setText("\n".join(self._registry.problems))
        elif self.unavailable:
            self.message.setText("\n".join(c.message for c in self.unavailable if c.message))
        target = selected or self._current
        for row, entry in enumerate(self.entries):
            if target is not None and entry.path == target.path:
                self.table.selectRow(row)
        self._update_details()

    def _context_changed(self, _value: int) -> None:
        self._fill(self.selected())
        self._fill_catalog()

    def selected(self) -> ModelEntry | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        row = rows[0].row()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _source_text(self, entry: ModelEntry) -> str:
        if entry.bundled:
            return self.tr("Hearth (bundled)")
        if entry.found:
            return entry.source
        return self.tr("Hearth")

    def _status_text(self, status: str) -> str:
        return {
            "ready": self.tr("ready"),
            "changed": self.tr("ready (updated by its app)"),
            "moved": self.tr("ready (moved)"),
            "missing": self.tr("missing"),
            "unusable": self.tr("cannot be used"),
        }.get(status, status)

    # ---- Models of other apps

    def scan(self) -> None:
        """Look for other apps' models in the background, then redraw."""
        if self._scan_job is not None:
            return
        self.scan_button.setEnabled(False)
        self.scan_status.setText(self.tr("Looking for models other apps downloaded…"))
        self._scan_checks = []
        job = EngineJob(self._registry.discover, self)
        job.produced.connect(self._on_scan_result)
        job.failed.connect(self._on_scan_failed)
        job.finished.connect(self._on_scan_finished)
        self._scan_job = job
        job.start()

    @property
    def scanning(self) -> bool:
        return self._scan_job is not None

    def _on_scan_result(self, check: object) -> None:
        if isinstance(check, ReferenceCheck):
            self._scan_checks.append(check)

    def _on_scan_failed(self, failure: object) -> None:
        message = getattr(failure, "message", str(failure))
        self.scan_status.setText(message)

    def _on_scan_finished(self) -> None:
        job = self._scan_job
        self._scan_job = None
        if job is not None:
            job.deleteLater()
        self.scan_button.setEnabled(True)
        usable = [c for c in self._scan_checks if c.usable]
        apps = sorted({c.reference.source for c in usable})
        text = (
            self.tr(
                "Found {count} models from other apps ({apps}); they are used in place."
            ).format(count=len(usable), apps=", ".join(apps))
            if usable
            else self.tr("No models from other apps were found.")
        )
        missing = sum(c.status == "missing" for c in self._scan_checks)
        if missing:
            text += " " + self.tr("Missing now: {count} found earlier.").format(count=missing)
        self._refused = [c for c in self._scan_checks if c.status == "unusable"]
        if self._refused:
            text += " " + self.tr("{count} cannot be used (see the reason under the list).").format(
                count=len(self._refused)
            )
        self.scan_status.setText(text)
        self.refresh()

    def wait_for_jobs(self, msecs: int = 30000) -> None:
        if self._scan_job is not None:
            self._scan_job.wait(msecs)

    # ---- Download catalogue

    def _fill_catalog(self) -> None:
        n_ctx = self.context.value()
        selected = self.selected_download()
        self.catalog_table.setRowCount(len(self.catalog))
        for row, model in enumerate(self.catalog):
            try:
                need = model.total_bytes(
                    n_ctx, self._settings.kv_cache_type, self._settings.checkpoint_budget_mib
                )
                memory = format_bytes(need)
                verdict = fit_verdict(need, self.ram_bytes)
            except (HearthError, ValueError):
                memory, verdict = "?", None
            fit = {
                "fits": self.tr("fits"),
                "tight": self.tr("tight"),
                "too big": self.tr("too big"),
                None: self.tr("unknown"),
            }[verdict]
            values = [
                model.name,
                format_bytes(model.total_size),
                memory,
                fit,
                model.licence,
                self._download_status(model),
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(model.note if column == 0 else value)
                if column == 3 and self.ram_bytes:
                    item.setToolTip(
                        self.tr("Needs about {need} of this computer's {ram}").format(
                            need=memory, ram=format_bytes(self.ram_bytes)
                        )
                    )
                self.catalog_table.setItem(row, column, item)
        if selected is not None and selected in self.catalog:
            self.catalog_table.selectRow(self.catalog.index(selected))
        self._update_download_panel()

    def _download_status(self, model: DownloadableModel) -> str:
        active = self.downloads.active
        if active is not None and active.id == model.id:
            percent = 100 * self.downloads.done // max(self.downloads.total, 1)
            return self.tr("downloading {percent}%").format(percent=percent)
        if model.id in self._download_messages:
            return self._download_messages[model.id]
        downloader = self.downloads.downloader()
        if all(downloader.target(f).exists() for f in model.files):
            return self.tr("downloaded")
        partial = sum(downloader.partial_bytes(f) for f in model.files)
        if partial:
            percent = 100 * partial // max(model.total_size, 1)
            return self.tr("paused at {percent}%").format(percent=percent)
        if not model.verifiable:
            return self.tr("no verified hash")
        if not model.runnable:
            return self.tr("not supported yet")
        return ""

    def selected_download(self) -> DownloadableModel | None:
        model = self.catalog_table.selectionModel()
        rows = model.selectedRows() if model else []
        if not rows:
            return None
        row = rows[0].row()
        return self.catalog[row] if 0 <= row < len(self.catalog) else None

    def select_download(self, model_id: str) -> None:
        for row, model in enumerate(self.catalog):
            if model.id == model_id:
                self.catalog_table.selectRow(row)

    def _update_download_panel(self) -> None:
        model = self.selected_download()
        running = self.downloads.running
        active = self.downloads.active
        downloader = self.downloads.downloader()
        host = downloader.host
        if model is None:
            self.download_info.setText(
                self.tr(
                    "Choose a model to download. Hearth connects to the network only when you "
                    "click Download, and only to {host}."
                ).format(host=host)
            )
            self.download_button.setEnabled(False)
            self.pause_button.setEnabled(running)
            self.cancel_button.setEnabled(running)
            return
        have = all(downloader.target(f).exists() for f in model.files)
        partial = sum(downloader.partial_bytes(f) for f in model.files)
        files = ", ".join(f"{f.file} ({format_bytes(f.size)})" for f in model.files)
        lines = [
            self.tr("Downloads from {host}: {repo} — {files}").format(
                host=host, repo=model.repo, files=files
            ),
            self.tr("Licence: {licence} ({url})").format(
                licence=model.licence, url=model.licence_url
            ),
        ]
        if model.note:
            lines.append(model.note)
        if not model.verifiable:
            lines.append(
                self.tr(
                    "Hearth does not know this file's published SHA-256 yet, so it will not "
                    "download it: a file it cannot check is never made usable."
                )
            )
        if not model.runnable:
            lines.append(
                self.tr(
                    "This version of Hearth cannot run the {arch} architecture yet, so it does "
                    "not download it."
                ).format(arch=model.architecture)
            )
        self.download_info.setText("\n".join(lines))
        this_running = running and active is not None and active.id == model.id
        usable = model.verifiable and model.runnable
        self.download_button.setEnabled(usable and not running and not have)
        self.download_button.setText(
            self.tr("Resume") if partial and not this_running else self.tr("Download")
        )
        self.pause_button.setEnabled(this_running)
        self.cancel_button.setEnabled(this_running or bool(partial))
        if not this_running:
            total = max(model.total_size, 1)
            self.progress.setValue(1000 if have else 1000 * partial // total)

    def _download(self) -> None:
        model = self.selected_download()
        if model is None or not model.verifiable or not model.runnable:
            return
        self._download_messages.pop(model.id, None)
        self.download_message.setText("")
        if self.downloads.start(model):
            self._fill_catalog()

    def _cancel_download(self) -> None:
        model = self.selected_download()
        self.downloads.cancel(model)

    def _on_download_progress(self, model_id: str, done: object, total: object) -> None:
        assert isinstance(done, int) and isinstance(total, int)
        self.progress.setValue(1000 * done // max(total, 1))
        self.progress.setFormat(
            self.tr("{done} of {total}").format(done=format_bytes(done), total=format_bytes(total))
        )
        for row, model in enumerate(self.catalog):
            if model.id == model_id and (item := self.catalog_table.item(row, 5)) is not None:
                item.setText(self._download_status(model))

    def _on_download_verifying(self, _model_id: str) -> None:
        self.download_message.setText(self.tr("Checking the SHA-256 of the downloaded file…"))

    def _on_download_finished(self, _model_id: str, _paths: object) -> None:
        self.download_message.setText(
            self.tr("Downloaded and verified; the model is listed under On this computer.")
        )
        self.progress.setFormat("%p%")
        self.refresh()
        self._fill_catalog()

    def _on_download_stopped(self, _model_id: str, discarded: bool) -> None:
        self.download_message.setText(
            self.tr("Download cancelled; the partial file was deleted.")
            if discarded
            else self.tr("Download paused; Resume continues where it stopped.")
        )
        self.progress.setFormat("%p%")
        self._fill_catalog()

    def _on_download_failed(self, model_id: str, message: str) -> None:
        self._download_messages[model_id] = self.tr("failed")
        self.download_message.setText(message)
        self.progress.setFormat("%p%")
        self._fill_catalog()

    def _update_details(self) -> None:
        entry = self.selected()
        self.use_button.setEnabled(entry is not None)
        self.remove_button.setEnabled(entry is not None and not entry.bundled and not entry.found)
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
        where = f"{entry.path}"
        if entry.found:
            where = self.tr("{path} (kept by {app}, used in place)").format(
                path=entry.path, app=entry.source
            )
        self.details.setText(
            f"{where}\n"
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
                self.tr("Kept by"),
                self.tr("Status"),
            ]
        )
        self.catalog_table.setHorizontalHeaderLabels(
            [
                self.tr("Model"),
                self.tr("Download"),
                self.tr("Estimated RAM"),
                self.tr("Fits this computer?"),
                self.tr("Licence"),
                self.tr("Status"),
            ]
        )
        self.catalog_table.setAccessibleName(self.tr("Models to download"))
        self.tabs.setTabText(0, self.tr("On this computer"))
        self.tabs.setTabText(1, self.tr("Download"))
        self.scan_button.setText(self.tr("Look for models from other apps"))
        self.scan_button.setToolTip(
            self.tr(
                "Find GGUF models that Ollama, LM Studio, Jan, GPT4All, llama.cpp or the "
                "Hugging Face cache downloaded; they are used where they are, not copied"
            )
        )
        self.pause_button.setText(self.tr("Pause"))
        self.pause_button.setToolTip(self.tr("Stop for now; Resume continues where it stopped"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop and delete the partial download"))
        self.download_button.setToolTip(
            self.tr("Download the selected model, check its SHA-256, then list it")
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
            self._fill_catalog()
        super().changeEvent(event)

    def done(self, result: int) -> None:
        self.wait_for_jobs()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.wait_for_jobs()
        super().closeEvent(event)
