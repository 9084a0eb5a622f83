"""The card shown for a dropped document: pages, tokens, whether it fits, and what to do.

States: reading (extraction progress) → ready (choices) → summarizing (progress bar with
phase, part i/N and time left, cancellable) → done; or failed (one calm sentence), or paused
(a summary interrupted by a restart, with "Resume"). The same progress shows while a question
is answered over the whole document (``answering``).

Pages without a text layer (scans) are named on the card; when the loaded model sees images,
"Read scanned pages" lets it transcribe them before summarizing or answering, otherwise the card
says that reading them needs a vision model.
"""

from __future__ import annotations

from enum import Enum, auto

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.composer.attachments import PendingDocument
from app.documents.summary import SummaryProgress
from engine.documents.document import RANGE_DASH


class CardState(Enum):
    READING = auto()
    READY = auto()
    SUMMARIZING = auto()
    PAUSED = auto()
    FAILED = auto()
    DONE = auto()


def page_ranges(pages: tuple[int, ...] | list[int]) -> str:
    """``"2, 5-7"`` (with an en dash): page numbers, consecutive runs joined."""
    runs: list[list[int]] = []
    for page in sorted(set(pages)):
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}{RANGE_DASH}{r[-1]}" for r in runs)


def format_eta(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min {seconds % 60:02d} s"


class DocumentCard(QFrame):
    """Signals: summarize(), ask(), full_text(), cancel(), resume(), closed()."""

    summarize = Signal()
    ask = Signal()
    full_text = Signal()
    cancel = Signal()
    resume = Signal()
    closed = Signal()

    def __init__(self, document: PendingDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.document = document
        self.state = CardState.READING
        self.answering = False
        """The running job answers a question (rather than summarizing)."""
        self.vision: bool | None = None
        """Whether the loaded model sees images (None: not known yet)."""
        self._reading: tuple[int, int | None] = (0, None)
        self._progress: SummaryProgress | None = None
        self._message = ""

        icon = QLabel(self)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon).pixmap(28, 28))
        self.title = QLabel(self)
        self.title.setObjectName("documentTitle")
        self.details = QLabel(self)
        self.details.setObjectName("documentDetails")
        self.details.setWordWrap(True)
        self.close_button = QPushButton("✕", self)
        self.close_button.setObjectName("closeDocumentButton")
        self.close_button.setFlat(True)
        self.close_button.clicked.connect(self.closed)

        self.summarize_button = QPushButton(self)
        self.summarize_button.setObjectName("summarizeButton")
        self.summarize_button.clicked.connect(self.summarize)
        self.ask_button = QPushButton(self)
        self.ask_button.setObjectName("askButton")
        self.ask_button.clicked.connect(self.ask)
        self.full_button = QPushButton(self)
        self.full_button.setObjectName("fullTextButton")
        self.full_button.clicked.connect(self.full_text)
        self.resume_button = QPushButton(self)
        self.resume_button.setObjectName("resumeSummaryButton")
        self.resume_button.clicked.connect(self.resume)

        self.scans_label = QLabel(self)
        self.scans_label.setObjectName("scannedPagesNotice")
        self.scans_label.setWordWrap(True)
        self.read_scans_check = QCheckBox(self)
        self.read_scans_check.setObjectName("readScansCheck")
        self.read_scans_check.toggled.connect(lambda _checked: self._refresh())

        self.progress = QProgressBar(self)
        self.progress.setObjectName("summaryProgress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.progress_label = QLabel(self)
        self.progress_label.setObjectName("summaryProgressLabel")
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("cancelSummaryButton")
        self.cancel_button.clicked.connect(self.cancel)

        head = QHBoxLayout()
        head.addWidget(icon)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.title)
        texts.addWidget(self.details)
        head.addLayout(texts, 1)
        head.addWidget(self.close_button)

        buttons = QHBoxLayout()
        buttons.addWidget(self.summarize_button)
        buttons.addWidget(self.ask_button)
        buttons.addWidget(self.full_button)
        buttons.addWidget(self.resume_button)
        buttons.addStretch(1)

        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(head)
        layout.addWidget(self.scans_label)
        layout.addWidget(self.read_scans_check)
        layout.addLayout(buttons)
        layout.addWidget(self.progress_label)
        layout.addLayout(progress_row)
        self._retranslate()

    # ---- State changes

    def set_reading(self, done: int, total: int | None) -> None:
        self.state = CardState.READING
        self._reading = (done, total)
        self._refresh()

    def set_ready(self) -> None:
        self.state = CardState.READY
        self._refresh()

    def set_failed(self, message: str) -> None:
        self.state = CardState.FAILED
        self._message = message
        self._refresh()

    def set_progress(self, progress: SummaryProgress) -> None:
        self.state = CardState.SUMMARIZING
        self._progress = progress
        self._refresh()

    def set_paused(self, message: str) -> None:
        self.state = CardState.PAUSED
        self._message = message
        self._refresh()

    def set_done(self, message: str) -> None:
        self.state = CardState.DONE
        self._message = message
        self._refresh()

    def set_vision(self, vision: bool | None) -> None:
        """The loaded model sees images (or not): scanned pages can be read (or not)."""
        self.vision = vision
        self._refresh()

    # ---- Scanned pages

    @property
    def scanned_pages(self) -> tuple[int, ...]:
        document = self.document.document
        return document.scanned_pages if document is not None else ()

    @property
    def scans_only(self) -> bool:
        """Every page is a scan: there is no text until the vision model reads them."""
        document = self.document.document
        return document is not None and document.is_empty and bool(document.scanned_pages)

    @property
    def reads_scans(self) -> bool:
        """The summary or answer starts by letting the vision model read the scanned pages."""
        if not self.scanned_pages or not self.vision:
            return False
        return self.scans_only or self.read_scans_check.isChecked()

    @property
    def usable(self) -> bool:
        """There is text to work with, or scanned pages the model can read."""
        return not self.scans_only or bool(self.vision)

    def _scans_text(self) -> str:
        pages = self.scanned_pages
        text = self.tr(
            "%n page(s) without a text layer (scanned): p. {pages}.", "", len(pages)
        ).format(pages=page_ranges(pages))
        if not self.vision:
            text += " " + self.tr(
                "Reading them needs a model that sees images (Gemma 3 4B, 12B or 27B with its "
                "projector); you can choose one in Models."
            )
        elif self.scans_only:
            text += " " + self.tr("The vision model reads them first.")
        return text

    # ---- Drawing the state

    def _details_text(self) -> str:
        doc = self.document
        if self.state is CardState.READING:
            done, total = self._reading
            if total:
                return self.tr("Reading… page {done} of {total}").format(done=done, total=total)
            return self.tr("Reading…")
        if self.state in (CardState.FAILED, CardState.PAUSED, CardState.DONE) or not doc.ready:
            return self._message
        assert doc.document is not None and doc.plan is not None
        parts = []
        if doc.document.pages:
            parts.append(self.tr("%n page(s)", "", doc.document.pages))
        if self.scans_only:
            parts.append(self.tr("no text layer"))
            return " · ".join(parts)
        parts.append(self.tr("{tokens} tokens").format(tokens=f"{doc.plan.document_tokens:,}"))
        if doc.plan.fits_in_context:
            parts.append(
                self.tr("fits in the context ({n} tokens)").format(n=f"{doc.plan.n_ctx:,}")
            )
        else:
            parts.append(
                self.tr(
                    "does not fit in the context ({n} tokens): it will be summarized in "
                    "{chunks} parts"
                ).format(n=f"{doc.plan.n_ctx:,}", chunks=len(doc.plan.chunks))
            )
        return " · ".join(parts)

    def _progress_text(self) -> str:
        progress = self._progress
        if progress is None:
            return ""
        if progress.phase == "scan":
            text = self.tr("Reading scanned page {done} of {total}").format(
                done=min(progress.done + 1, progress.total), total=progress.total
            )
        elif progress.phase == "map" and self.answering:
            text = self.tr("Reading part {done} of {total} for your question").format(
                done=min(progress.done + 1, progress.total), total=progress.total
            )
            if progress.done >= progress.total:
                text = self.tr("Read all {total} parts").format(total=progress.total)
        elif progress.phase == "map":
            text = self.tr("Summarizing part {done} of {total}").format(
                done=min(progress.done + 1, progress.total), total=progress.total
            )
            if progress.done >= progress.total:
                text = self.tr("Summarized all {total} parts").format(total=progress.total)
        elif progress.total <= 1:  # one pass over the whole document
            answer, summary = self.tr("Writing the answer"), self.tr("Writing the summary")
            text = answer if self.answering else summary
        elif self.answering:
            text = self.tr("Writing the answer from the notes of the {total} parts").format(
                total=progress.total
            )
        else:
            text = self.tr("Combining the {total} part summaries").format(total=progress.total)
        if progress.cached:
            text += " · " + self.tr("%n part(s) resumed from before", "", progress.cached)
        eta = format_eta(progress.eta_s)
        running = progress.phase in ("map", "scan") and progress.done < progress.total
        if eta is not None and running:
            text += " · " + self.tr("about {eta} left").format(eta=eta)
        return text

    def _refresh(self) -> None:
        doc = self.document
        self.title.setText(f"<b>{doc.name}</b>")
        self.details.setText(self._details_text())
        ready = self.state is CardState.READY
        scans = bool(self.scanned_pages) and ready
        self.scans_label.setVisible(scans)
        if scans:
            self.scans_label.setText(self._scans_text())
        self.read_scans_check.setVisible(scans and bool(self.vision) and not self.scans_only)
        self.summarize_button.setVisible(ready and self.usable)
        self.ask_button.setVisible(ready and self.usable)
        whole = doc.fits and not self.scans_only and not self.reads_scans
        self.full_button.setVisible(ready and whole)
        self.resume_button.setVisible(self.state is CardState.PAUSED)
        if self.answering:
            self.resume_button.setText(self.tr("Resume answer"))
            self.resume_button.setToolTip(self.tr("Continue answering where it stopped"))
            self.resume_button.setAccessibleName(self.tr("Resume answering the question"))
        else:
            self.resume_button.setText(self.tr("Resume summary"))
            self.resume_button.setToolTip(self.tr("Continue the summary where it stopped"))
            self.resume_button.setAccessibleName(self.tr("Resume summary"))
        summarizing = self.state is CardState.SUMMARIZING
        reading = self.state is CardState.READING
        self.progress.setVisible(summarizing or reading)
        self.cancel_button.setVisible(summarizing)
        self.progress_label.setVisible(summarizing)
        self.close_button.setEnabled(not summarizing)
        if reading:
            done, total = self._reading
            self.progress.setRange(0, total or 0)
            self.progress.setValue(done)
        elif summarizing and self._progress is not None:
            progress = self._progress
            if progress.phase == "scan":  # one step per scanned page
                total, value = progress.total, progress.done
            else:  # map parts count one each; the combining step counts as one more
                total = progress.total + (1 if progress.total > 1 else 0)
                value = progress.done + (1 if progress.phase != "map" else 0)
            self.progress.setRange(0, max(1, total))
            self.progress.setValue(min(value, total))
            self.progress_label.setText(self._progress_text())
        self.progress.setAccessibleDescription(self._progress_text() or self._details_text())

    def _retranslate(self) -> None:
        self.summarize_button.setText(self.tr("Summarize"))
        self.summarize_button.setToolTip(
            self.tr("Summarize the whole document, part by part, with page references")
        )
        self.summarize_button.setAccessibleName(self.tr("Summarize the document"))
        self.ask_button.setText(self.tr("Ask about it"))
        self.ask_button.setToolTip(
            self.tr("Ask a question about the document; the answer cites its pages")
        )
        self.ask_button.setAccessibleName(self.tr("Ask about the document"))
        self.full_button.setText(self.tr("Put the whole text in the chat"))
        self.full_button.setToolTip(self.tr("Send the complete text with your next message"))
        self.full_button.setAccessibleName(self.tr("Put the whole text in the chat"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop summarizing (finished parts are kept)"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the summary"))
        self.close_button.setToolTip(self.tr("Remove the document"))
        self.close_button.setAccessibleName(self.tr("Remove the document"))
        self.progress.setAccessibleName(self.tr("Summary progress"))
        self.read_scans_check.setText(self.tr("Read scanned pages"))
        self.read_scans_check.setToolTip(
            self.tr(
                "Let the vision model read the scanned pages first, so they are part of the "
                "summary or answer (one model call per page)"
            )
        )
        self.read_scans_check.setAccessibleName(self.tr("Read scanned pages"))
        self.scans_label.setToolTip(self.tr("Pages that are images without a text layer"))
        self.scans_label.setAccessibleName(self.tr("Scanned pages"))
        self.setAccessibleName(self.tr("Document {name}").format(name=self.document.name))
        self._refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
