"""Help ▸ About Hearth: the version, what this build is made of (llama.cpp and the CPU kernel
set it loaded, Python, Qt) and the licences of everything it ships.

The licence list comes from the installed distributions' metadata (``engine.licenses``), read
off the GUI thread with the build report, so opening the dialog never blocks the window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.app_icon import app_icon
from app.engine_bridge import EngineJob
from engine import __version__
from engine.licenses import NOTES, ComponentLicense, LicenseNote, bundled_licenses, note_for
from engine.version_report import build_report

ICON_SIZE = 64


class AboutData:
    """What the dialog shows, gathered in one background call."""

    def __init__(self) -> None:
        self.build = build_report()
        self.components = bundled_licenses()


def _read_only_table(columns: int, parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, columns, parent)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    return table


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About Hearth"))
        self.data: AboutData | None = None
        self.entries: list[ComponentLicense | LicenseNote] = []

        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(ICON_SIZE, ICON_SIZE))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.heading = QLabel(self)
        self.heading.setObjectName("aboutHeading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.heading.setText(
            self.tr(
                "<h2>Hearth {version}</h2>"
                "<p>An offline assistant for local Gemma 3 models.<br>"
                "Nothing you type, drop or store leaves this computer.</p>"
            ).format(version=__version__)
        )
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(self.heading, 1)

        self.tabs = QTabWidget(self)
        self.build_table = _read_only_table(2, self)
        self.build_table.setObjectName("aboutBuildTable")
        self.build_table.setAccessibleName(self.tr("Build information"))
        self.build_table.setHorizontalHeaderLabels([self.tr("Component"), self.tr("Version")])
        self.build_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.build_table.horizontalHeader().setStretchLastSection(True)
        self.copy_button = QPushButton(self.tr("Copy build information"), self)
        self.copy_button.setObjectName("aboutCopyBuild")
        self.copy_button.clicked.connect(self.copy_build_info)
        self.copy_button.setEnabled(False)
        build_page = QWidget(self)
        build_layout = QVBoxLayout(build_page)
        build_layout.addWidget(self.build_table)
        build_layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignRight)
        self.tabs.addTab(build_page, self.tr("Build"))

        self.license_table = _read_only_table(3, self)
        self.license_table.setObjectName("aboutLicenseTable")
        self.license_table.setAccessibleName(self.tr("Bundled components and their licences"))
        self.license_table.setHorizontalHeaderLabels(
            [self.tr("Component"), self.tr("Version"), self.tr("Licence")]
        )
        header = self.license_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.license_table.itemSelectionChanged.connect(self._show_selected)
        self.license_text = QPlainTextEdit(self)
        self.license_text.setObjectName("aboutLicenseText")
        self.license_text.setAccessibleName(self.tr("Licence text"))
        self.license_text.setReadOnly(True)
        self.license_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.license_table)
        splitter.addWidget(self.license_text)
        splitter.setSizes([260, 220])
        self.tabs.addTab(splitter, self.tr("Licences"))

        self.status = QLabel(self.tr("Reading the build information…"), self)
        self.status.setObjectName("aboutStatus")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(720, 620)

        self._job: EngineJob | None = EngineJob(AboutData, self)
        self._job.produced.connect(self._on_data)
        self._job.failed.connect(self._on_failed)
        self._job.finished.connect(self._on_finished)
        self._job.start()

    @property
    def loaded(self) -> bool:
        return self.data is not None

    def _on_data(self, data: object) -> None:
        if not isinstance(data, AboutData):
            return
        self.data = data
        rows = [*data.build, ("Qt (running)", qVersion())]
        self.build_table.setRowCount(len(rows))
        for row, (label, value) in enumerate(rows):
            self.build_table.setItem(row, 0, QTableWidgetItem(label))
            self.build_table.setItem(row, 1, QTableWidgetItem(value))
        self.copy_button.setEnabled(True)
        self.entries = [*NOTES, *data.components]
        self.license_table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            if isinstance(entry, LicenseNote):
                cells = (entry.component, "", entry.license)
            else:
                cells = (entry.name, entry.version, entry.license)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.license_table.setItem(row, column, item)
        self.status.setText(
            self.tr(
                "{count} components, listed from their own package metadata, and {notes} notes."
            ).format(count=len(data.components), notes=len(NOTES))
        )
        self.license_table.selectRow(0)

    def _on_failed(self, failure: object) -> None:
        message = getattr(failure, "message", str(failure))
        self.status.setText(
            self.tr("The build information could not be read: {error}").format(error=message)
        )

    def _on_finished(self) -> None:
        if self._job is not None:
            self._job.wait()
            self._job = None

    def license_text_for(self, row: int) -> str:
        entry = self.entries[row]
        if isinstance(entry, LicenseNote):
            parts = [f"{entry.component}\n{entry.license} — {entry.url}\n\n{entry.text}"]
            parts += [f"\n──── {text.name} ────\n{text.text.rstrip()}" for text in entry.texts()]
            return "\n".join(parts)
        parts = [
            f"{entry.name} {entry.version}",
            self.tr("Licence: {license}").format(license=entry.license),
        ]
        if entry.homepage:
            parts.append(entry.homepage)
        for text in entry.texts:
            parts.append(f"\n──── {text.name} ────\n{text.text.rstrip()}")
        note = note_for(entry)
        if not entry.texts and note is not None:
            parts += [
                "",
                self.tr("Its licence is given in the note “{note}”:").format(note=note.component),
                "",
                note.text,
            ]
            parts += [f"\n──── {text.name} ────\n{text.text.rstrip()}" for text in note.texts()]
        elif not entry.texts:
            parts += ["", self.tr("This package ships no licence file in its metadata.")]
        return "\n".join(parts)

    def _show_selected(self) -> None:
        rows = self.license_table.selectionModel().selectedRows()
        if rows:
            self.license_text.setPlainText(self.license_text_for(rows[0].row()))
            self.license_text.moveCursor(self.license_text.textCursor().MoveOperation.Start)

    def build_info_text(self) -> str:
        rows = [
            (self.build_table.item(r, 0), self.build_table.item(r, 1))
            for r in range(self.build_table.rowCount())
        ]
        return "\n".join(f"{a.text()}: {b.text()}" for a, b in rows if a and b)

    def copy_build_info(self) -> None:
        QGuiApplication.clipboard().setText(self.build_info_text())

    def done(self, result: int) -> None:
        if self._job is not None:
            self._job.wait()
        super().done(result)
