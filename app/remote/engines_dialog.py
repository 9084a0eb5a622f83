"""The remote engines dialog: the servers Hearth may use instead of the local model.

A list of engines on the left, the chosen one's form on the right: name, server address, API
key (kept in the system keyring, or a user-only file when there is none; the dialog says
which), model (typed, or picked from the list the server gives when "Ask the server" is
pressed), timeouts, TLS verification and a custom CA file, the model family and context size.
Nothing is contacted except when the user presses "Ask the server", and then only the address
in the form.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.engine_bridge import EngineJob
from engine.errors import HearthError
from engine.remote.client import RemoteEngineClient
from engine.remote.config import save_endpoints
from engine.remote.endpoint import (
    CONNECT_TIMEOUT_RANGE,
    CONTEXT_RANGE,
    READ_TIMEOUT_RANGE,
    RemoteEndpoint,
)
from engine.remote.secrets import ApiKeyStore
from engine.worker import protocol as p

__all__ = ["RemoteEnginesDialog"]

_FAMILIES = ("auto", "gemma3", "other")


class RemoteEnginesDialog(QDialog):
    """Edits the engines file and the keys. Signals: ``saved(list)``: the engines as saved."""

    saved = Signal(list)

    def __init__(
        self,
        endpoints: list[RemoteEndpoint],
        keys: ApiKeyStore,
        engines_path: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("remoteEnginesDialog")
        self._endpoints = list(endpoints)
        self._keys = keys
        self._path = engines_path
        self._row = -1
        self._job: EngineJob | None = None

        self.list = QListWidget(self)
        self.list.setObjectName("engineList")
        self.add_button = QPushButton(self)
        self.add_button.setObjectName("addEngine")
        self.remove_button = QPushButton(self)
        self.remove_button.setObjectName("removeEngine")
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        left.addLayout(buttons)

        self.name = QLineEdit(self)
        self.name.setObjectName("engineName")
        self.url = QLineEdit(self)
        self.url.setObjectName("engineUrl")
        self.url.setPlaceholderText("http://192.168.1.20:8080")
        self.api_key = QLineEdit(self)
        self.api_key.setObjectName("engineApiKey")
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_note = QLabel(self)
        self.key_note.setObjectName("keyNote")
        self.key_note.setWordWrap(True)
        self.model = QComboBox(self)
        self.model.setObjectName("engineModel")
        self.model.setEditable(True)
        self.fetch_button = QPushButton(self)
        self.fetch_button.setObjectName("fetchModels")
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(self.fetch_button)
        self.connect_timeout = QDoubleSpinBox(self)
        self.connect_timeout.setObjectName("connectTimeout")
        self.connect_timeout.setRange(*CONNECT_TIMEOUT_RANGE)
        self.read_timeout = QDoubleSpinBox(self)
        self.read_timeout.setObjectName("readTimeout")
        self.read_timeout.setRange(*READ_TIMEOUT_RANGE)
        self.verify_tls = QCheckBox(self)
        self.verify_tls.setObjectName("verifyTls")
        self.ca_file = QLineEdit(self)
        self.ca_file.setObjectName("caFile")
        self.ca_button = QPushButton(self)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(self.ca_button)
        self.family = QComboBox(self)
        self.family.setObjectName("modelFamily")
        for family in _FAMILIES:
            self.family.addItem("", family)
        self.context = QSpinBox(self)
        self.context.setObjectName("engineContext")
        self.context.setRange(0, CONTEXT_RANGE[1])
        self.context.setSingleStep(1024)
        self.status = QLabel(self)
        self.status.setObjectName("engineStatus")
        self.status.setWordWrap(True)

        self.form = QFormLayout()
        fields: list[QWidget | QHBoxLayout] = [
            self.name, self.url, self.api_key, self.key_note, model_row,
            self.connect_timeout, self.read_timeout, self.verify_tls, ca_row,
            self.family, self.context,
        ]  # fmt: skip
        self._labels: list[QLabel] = []
        for field in fields:
            label = QLabel(self)
            self._labels.append(label)
            self.form.addRow(label, field)
        self.form_widget = QWidget(self)
        self.form_widget.setLayout(self.form)
        right = QVBoxLayout()
        right.addWidget(self.form_widget)
        right.addWidget(self.status)
        right.addStretch(1)

        self.box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 5)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.box)

        self.list.currentRowChanged.connect(self._select)
        self.add_button.clicked.connect(self.add_engine)
        self.remove_button.clicked.connect(self.remove_engine)
        self.fetch_button.clicked.connect(self.fetch_models)
        self.ca_button.clicked.connect(self._choose_ca)
        self.name.textChanged.connect(self._rename_item)
        self.box.accepted.connect(self.save)
        self.box.rejected.connect(self.reject)

        self._keys_typed: dict[str, str] = {}
        self._retranslate()
        self._fill()
        self.resize(760, 460)

    # ------------------------------------------------------------------ list

    def _fill(self) -> None:
        self.list.clear()
        for endpoint in self._endpoints:
            self.list.addItem(endpoint.name)
        self.form_widget.setEnabled(bool(self._endpoints))
        self.remove_button.setEnabled(bool(self._endpoints))
        if self._endpoints:
            self.list.setCurrentRow(0)

    def _select(self, row: int) -> None:
        if 0 <= self._row < len(self._endpoints) and self._row != row:
            self._store_form()
        self._row = row
        if not 0 <= row < len(self._endpoints):
            return
        endpoint = self._endpoints[row]
        self.name.setText(endpoint.name)
        self.url.setText(endpoint.base_url)
        key = self._keys_typed.get(endpoint.name)
        if key is None:
            try:
                key = self._keys.get(endpoint.name)
            except HearthError as exc:
                self.status.setText(str(exc))
                key = ""
        self.api_key.setText(key)
        self.model.clear()
        self.model.setEditText(endpoint.model)
        self.connect_timeout.setValue(endpoint.connect_timeout_s)
        self.read_timeout.setValue(endpoint.read_timeout_s)
        self.verify_tls.setChecked(endpoint.verify_tls)
        self.ca_file.setText(endpoint.ca_file)
        self.family.setCurrentIndex(_FAMILIES.index(endpoint.family))
        self.context.setValue(endpoint.context_size)

    def _rename_item(self, text: str) -> None:
        item = self.list.currentItem()
        if item is not None:
            item.setText(text)

    def _form_endpoint(self) -> RemoteEndpoint:
        """The form as an endpoint. Raises EndpointError (a sentence) for a bad value."""
        return RemoteEndpoint(
            name=self.name.text(),
            base_url=self.url.text(),
            model=self.model.currentText(),
            connect_timeout_s=self.connect_timeout.value(),
            read_timeout_s=self.read_timeout.value(),
            verify_tls=self.verify_tls.isChecked(),
            ca_file=self.ca_file.text(),
            family=self.family.currentData(),
            context_size=self.context.value() if self.context.value() >= CONTEXT_RANGE[0] else 0,
        )

    def _store_form(self) -> bool:
        """Keep the form's values in the list; False (and a message) when one is bad."""
        if not 0 <= self._row < len(self._endpoints):
            return True
        old = self._endpoints[self._row]
        try:
            endpoint = self._form_endpoint()
        except HearthError as exc:
            self.status.setText(str(exc))
            return False
        self._endpoints[self._row] = endpoint
        self._keys_typed.pop(old.name, None)
        self._keys_typed[endpoint.name] = self.api_key.text().strip()
        return True

    def add_engine(self) -> None:
        if not self._store_form():
            return
        taken = {e.name.casefold() for e in self._endpoints}
        number = 1
        name = self.tr("Remote engine")
        while name.casefold() in taken:
            number += 1
            name = self.tr("Remote engine {n}").format(n=number)
        self._endpoints.append(RemoteEndpoint(name=name, base_url="http://127.0.0.1:8080"))
        self._row = -1
        self.list.addItem(name)
        self.form_widget.setEnabled(True)
        self.remove_button.setEnabled(True)
        self.list.setCurrentRow(len(self._endpoints) - 1)
        self.url.setFocus()
        self.url.selectAll()

    def remove_engine(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._endpoints):
            return
        gone = self._endpoints.pop(row)
        self._keys_typed[gone.name] = ""  # saving deletes its key
        self._row = -1
        self.list.takeItem(row)
        if not self._endpoints:
            self.form_widget.setEnabled(False)
            self.remove_button.setEnabled(False)

    def _choose_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("CA certificates"), "", self.tr("PEM files (*.pem *.crt);;All (*)")
        )
        if path:
            self.ca_file.setText(path)

    # ------------------------------------------------------------------ the server

    def fetch_models(self) -> None:
        """Ask the server in the form (and only it) which models it serves."""
        try:
            endpoint = self._form_endpoint()
        except HearthError as exc:
            self.status.setText(str(exc))
            return
        key = self.api_key.text().strip()
        self.status.setText(self.tr("Asking {url}…").format(url=endpoint.base_url))
        self.fetch_button.setEnabled(False)

        def work() -> object:
            with RemoteEngineClient(endpoint, key) as client:
                yield client.list_models()  # one item: the whole list

        job = EngineJob(work, self)
        job.produced.connect(self._on_models)
        job.failed.connect(self._on_fetch_failed)
        job.finished.connect(self._on_fetch_finished)
        self._job = job
        job.start()

    def _on_models(self, models: object) -> None:
        typed = self.model.currentText()
        self.model.clear()
        ids = [m.id for m in models] if isinstance(models, list) else []
        self.model.addItems(ids)
        self.model.setEditText(typed if typed in ids else (ids[0] if ids else typed))
        self.status.setText(self.tr("The server lists {n} model(s).").format(n=len(ids)))

    def _on_fetch_failed(self, failure: object) -> None:
        message = failure.message if isinstance(failure, p.Failed) else str(failure)
        self.status.setText(message)

    def _on_fetch_finished(self) -> None:
        self._job = None
        self.fetch_button.setEnabled(True)

    # ------------------------------------------------------------------ saving

    def endpoints(self) -> list[RemoteEndpoint]:
        return list(self._endpoints)

    def save(self) -> None:
        if not self._store_form():
            return
        try:
            save_endpoints(self._path, self._endpoints)
            names = {e.name for e in self._endpoints}
            for name, key in self._keys_typed.items():
                if name in names:
                    self._keys.set(name, key)
                elif not key:
                    self._keys.delete(name)
        except HearthError as exc:
            self.status.setText(str(exc))
            return
        self.saved.emit(self.endpoints())
        self.accept()

    def done(self, result: int) -> None:
        if self._job is not None:
            self._job.wait(2000)
        super().done(result)

    # ------------------------------------------------------------------ texts

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Remote engines"))
        self.add_button.setText(self.tr("Add"))
        self.remove_button.setText(self.tr("Remove"))
        self.fetch_button.setText(self.tr("Ask the server"))
        self.fetch_button.setToolTip(
            self.tr("Contacts only the address above and lists the models it serves")
        )
        self.ca_button.setText(self.tr("Choose…"))
        self.verify_tls.setText(self.tr("Verify the server's TLS certificate"))
        self.ca_file.setPlaceholderText(self.tr("the system's certificates"))
        self.api_key.setPlaceholderText(self.tr("none"))
        self.context.setSpecialValueText(self.tr("as the server says"))
        self.connect_timeout.setSuffix(" s")
        self.read_timeout.setSuffix(" s")
        names = {
            "auto": self.tr("Decide from the model name"),
            "gemma3": self.tr("Gemma 3 (Pan & Scan tiles, Gemma tokenizer)"),
            "other": self.tr("Other (plain images, estimated token counts)"),
        }
        for index, family in enumerate(_FAMILIES):
            self.family.setItemText(index, names[family])
        if self._keys.where == "keyring":
            note = self.tr("Keys are kept in the system keyring.")
        else:
            note = self.tr(
                "This system has no keyring: keys are kept in {path}, readable only by you."
            ).format(path=self._keys.fallback_path)
        self.key_note.setText(note)
        labels = [
            self.tr("Name"),
            self.tr("Server address"),
            self.tr("API key"),
            "",
            self.tr("Model"),
            self.tr("Connect timeout"),
            self.tr("Read timeout"),
            self.tr("TLS"),
            self.tr("CA file"),
            self.tr("Model family"),
            self.tr("Context size"),
        ]
        for label, text in zip(self._labels, labels, strict=True):
            label.setText(text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
