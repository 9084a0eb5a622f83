"""Dropped documents, from reading to summary: one card each, all work in background jobs.

Reading runs the engine's sandboxed extraction and counts tokens with the model's own
tokenizer; summarizing runs a summary job (a generator of progress events) through the same
``EngineJob`` bridge as chat, records its result in the store, and remembers running summaries
so that the next start can resume them.

"Ask about it" on a document that fits sends its whole text with the next message. On one that
does not fit (or whose scanned pages the vision model is to read), the next message's question
is answered over the whole document by the same job as a summary (``ask_whole_document``):
same progress, cancel and resume, and the answer cites its pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.chat.session import ChatSession
from app.composer.attachments import PendingDocument, document_block
from app.composer.composer import Composer
from app.documents.context import pick_context
from app.documents.document_card import CardState, DocumentCard
from app.documents.pending import PendingSummaries, PendingSummary, ScanTranscripts
from app.documents.summary import (
    ScansRead,
    SummaryCancelled,
    SummaryDone,
    SummaryEvent,
    SummaryProgress,
    map_reduce_summary,
    parse_cite,
)
from app.engine_bridge import EngineJob
from engine.chat.engine import ChatEngine
from engine.documents import (
    DocumentPlan,
    ExtractedDocument,
    ExtractProgress,
    iter_extract_document,
    plan_document,
)
from engine.documents.scans import with_page_texts
from engine.errors import HearthError
from engine.settings import Settings
from engine.store import AttachmentRef, HistoryStore
from engine.tokenizer import load_token_counter
from engine.worker import protocol as p

SummaryJobFactory = Callable[..., Iterator[SummaryEvent]]


class DocumentController(QObject):
    """Signals:
    busy_changed(bool): a summary started or ended (the chat waits meanwhile).
    notice(str): a calm sentence for the user.
    """

    busy_changed = Signal(bool)
    notice = Signal(str)

    def __init__(
        self,
        store: HistoryStore,
        client: ChatEngine,
        *,
        session: ChatSession,
        composer: Composer,
        settings: Callable[[], Settings],
        tokenizer_cache: Path,
        data_dir: Path,
        parent: QObject | None = None,
        summarizer: SummaryJobFactory = map_reduce_summary,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._client = client
        self._session = session
        self._composer = composer
        self._settings = settings
        self._tokenizer_cache = tokenizer_cache
        self._summarizer = summarizer
        self.pending = PendingSummaries(data_dir)
        self.transcripts = ScanTranscripts(data_dir)
        self.cards: list[DocumentCard] = []
        # The resumable job of a card (saved in ``pending``), forgotten when the card is closed.
        self._records: dict[DocumentCard, PendingSummary] = {}
        self.model_path: str | None = None
        self.n_ctx = 0
        self.vision: bool | None = None
        self._jobs: list[EngineJob] = []
        self._summary_job: EngineJob | None = None
        self._summary_card: DocumentCard | None = None
        self._cancel_requested = False
        self._documents: dict[str, ExtractedDocument] = {}
        self._transcribed: dict[str, ExtractedDocument] = {}
        self._waiting: list[tuple[DocumentCard, PendingSummary | None]] = []

    def set_model(self, model_path: str, n_ctx: int, vision: bool = False) -> None:
        """A model is loaded: documents are planned against its tokenizer and context, and
        their scanned pages can be read when it sees images (``vision``)."""
        self.model_path = model_path
        self.n_ctx = n_ctx
        self.vision = vision
        for card in self.cards:
            card.set_vision(vision)
        waiting, self._waiting = self._waiting, []
        for card, resume in waiting:
            if card in self.cards:
                self._read(card, resume)

    @property
    def busy(self) -> bool:
        return self._summary_job is not None

    # ---- Reading

    def add_paths(self, paths: list[Path]) -> None:
        for path in paths:
            self._add(PendingDocument(path))

    def _add(self, pending: PendingDocument, resume: PendingSummary | None = None) -> DocumentCard:
        card = DocumentCard(pending)
        if resume is not None:
            self._records[card] = resume
        card.set_vision(self.vision)
        card.answering = resume is not None and resume.question is not None
        card.summarize.connect(lambda: self.summarize(card))
        card.ask.connect(lambda: self._attach(card, "ask"))
        card.full_text.connect(lambda: self._attach(card, "full"))
        card.cancel.connect(self.cancel_summary)
        card.resume.connect(lambda: self.summarize(card, resume))
        card.closed.connect(lambda: self.remove_card(card))
        self.cards.append(card)
        self._composer.add_card(card)
        self._read(card, resume)
        return card

    def _read(self, card: DocumentCard, resume: PendingSummary | None) -> None:
        path = card.document.path
        model_path = self.model_path
        n_ctx = self.n_ctx
        if model_path is None or n_ctx <= 0:
            # Counting tokens needs the model's tokenizer: read once the model is loaded.
            self._waiting.append((card, resume))
            card.set_reading(0, None)
            return
        reserve = min(self._settings().max_tokens, max(256, n_ctx // 4))
        cache = self._tokenizer_cache

        def work() -> Iterator[object]:
            generator = iter_extract_document(path)
            while True:
                try:
                    yield next(generator)
                except StopIteration as stop:
                    document: ExtractedDocument = stop.value
                    break
            yield document
            counter = load_token_counter(model_path, cache_dir=cache)
            yield plan_document(document, counter.count, n_ctx, reserve_output=reserve)

        job = EngineJob(work, self)
        job.produced.connect(lambda event: self._on_read(card, event, resume))
        job.failed.connect(lambda failure: self._on_read_failed(card, failure))
        job.finished.connect(lambda: self._forget(job))
        self._jobs.append(job)
        card.set_reading(0, None)
        job.start()

    def _forget(self, job: EngineJob) -> None:
        if job in self._jobs:
            self._jobs.remove(job)

    def _on_read(self, card: DocumentCard, event: object, resume: PendingSummary | None) -> None:
        if isinstance(event, ExtractProgress):
            card.set_reading(event.done, event.total)
        elif isinstance(event, ExtractedDocument):
            card.document.document = event
            self._documents[event.sha256] = event
            if event.is_empty and not event.scanned_pages:
                card.set_failed(
                    self.tr("{name} has no text Hearth can read (a scanned document?).").format(
                        name=card.document.name
                    )
                )
        elif isinstance(event, DocumentPlan):
            card.document.plan = event
            if card.state is CardState.FAILED:
                return
            if resume is not None and resume.question is not None:
                card.set_paused(
                    self.tr(
                        "Answering your question about this document was interrupted when "
                        "Hearth closed. Finished parts are saved."
                    )
                )
            elif resume is not None:
                card.set_paused(
                    self.tr(
                        "The summary of this document was interrupted when Hearth closed. "
                        "Finished parts are saved."
                    )
                )
            else:
                card.set_ready()

    def _on_read_failed(self, card: DocumentCard, failure: object) -> None:
        message = failure.message if isinstance(failure, p.Failed) else str(failure)
        card.set_failed(message)

    def remove_card(self, card: DocumentCard) -> None:
        if card is self._summary_card and self.busy:
            return
        if card in self.cards:
            self.cards.remove(card)
        record = self._records.pop(card, None)
        if record is not None:  # closed: not offered again after a restart
            self.pending.remove(record.question_id)
        card.hide()
        card.deleteLater()

    def clear_cards(self) -> None:
        for card in list(self.cards):
            if card is not self._summary_card:
                self.remove_card(card)

    # ---- Using a document with the next message

    def _attach(self, card: DocumentCard, use: str) -> None:
        card.document.use = use
        if use == "full":
            card.set_done(self.tr("The whole text goes with your next message."))
        elif self._needs_job(card):
            card.set_done(
                self.tr(
                    "Ask your question: Hearth reads the whole document to answer it, with page "
                    "references."
                )
            )
        else:
            card.set_done(self.tr("Ask your question: the document goes with your next message."))
        self._composer.editor.setFocus()

    def attached(self) -> list[DocumentCard]:
        return [c for c in self.cards if c.document.use in ("ask", "full") and c.document.ready]

    @staticmethod
    def _needs_job(card: DocumentCard) -> bool:
        """A question about this document is answered by a whole-document job: it does not fit
        the context, or the vision model is to read its scanned pages first."""
        return card.document.use == "ask" and (
            not card.document.fits or card.reads_scans or card.scans_only
        )

    def ask_whole_document(self, question: str) -> bool:
        """Answer ``question`` over the whole of an attached document that needs it (see
        ``_needs_job``) in a background job, like a summary: the question goes into the chat and
        the answer follows with page citations.

        True when the message was taken care of here (the caller then sends nothing itself);
        False when the documents go with the message as text (``message_context``).
        """
        card = next((c for c in self.attached() if self._needs_job(c)), None)
        if card is None:
            return False
        if not question:
            self.notice.emit(
                self.tr("Type your question about {name} first.").format(name=card.document.name)
            )
            return True
        if self._start(card, question=question, read_scans=card.reads_scans):
            self._composer.editor.clear()
        return True

    def message_context(self, question: str, budget: int) -> tuple[str, list[AttachmentRef]]:
        """Text to append to the next message, and the attachments to save with it."""
        suffix = ""
        refs: list[AttachmentRef] = []
        for card in self.attached():
            pending = card.document
            assert pending.document is not None and pending.plan is not None
            picked = pick_context(pending.document, pending.plan, question, budget)
            note = ""
            if not picked.complete:
                note = "parts: " + ", ".join(picked.anchors)
                self.notice.emit(
                    self.tr(
                        "{name} is too long for the context, so only the parts that match your "
                        "question best were sent: {parts}."
                    ).format(name=pending.name, parts=", ".join(picked.anchors))
                )
            suffix += document_block(pending.name, picked.text, note)
            budget -= picked.tokens
            try:
                blob = self._store.put_file(pending.path, "application/octet-stream")
                refs.append(AttachmentRef(blob, "document", pending.name))
            except HearthError as exc:
                self.notice.emit(str(exc))
        for card in self.attached():
            self.remove_card(card)
        return suffix, refs

    # ---- Summaries

    def summarize(self, card: DocumentCard, resume: PendingSummary | None = None) -> None:
        """Summarize the document (or resume an interrupted summary or answer)."""
        self._start(card, read_scans=card.reads_scans, resume=resume)

    def _start(
        self,
        card: DocumentCard,
        *,
        question: str | None = None,
        read_scans: bool = False,
        resume: PendingSummary | None = None,
    ) -> bool:
        """Run the whole-document job: a summary, or the answer to ``question``."""
        pending = card.document
        if self.busy or self._session.busy or not pending.ready or self.model_path is None:
            return False
        assert pending.document is not None and pending.plan is not None
        document, plan = pending.document, pending.plan
        if resume is not None:
            question, read_scans = resume.question, resume.read_scans
            if read_scans:  # the pages the vision model has read already
                document = self._transcript(document.sha256) or document
        if read_scans and document.scanned_pages and not self.vision:
            self.notice.emit(
                self.tr(
                    "Reading the scanned pages needs a model that sees images: choose one in "
                    "Models, then try again."
                )
            )
            return False
        try:
            if resume is None:
                blob = self._store.put_file(pending.path, "application/octet-stream")
                ref = AttachmentRef(blob, "document", pending.name)
                conversation_id = self._session.ensure_conversation()
                text = question or self.tr("Summarize “{name}”.").format(name=pending.name)
                message = self._store.messages.add_user(conversation_id, text, attachments=[ref])
                record = PendingSummary(
                    conversation_id,
                    message.id,
                    pending.document.sha256,
                    pending.name,
                    str(pending.path),
                    question=question,
                    read_scans=read_scans,
                )
                self.pending.add(record)
                self._session.reload()
                self._session.history_changed.emit()
            else:
                record = resume
            self._records[card] = record
        except HearthError as exc:
            self.notice.emit(str(exc))
            return False
        client, store, model_path = self._client, self._store, self.model_path
        sampling = self._settings().sampling()
        max_tokens = self._settings().max_tokens
        self._cancel_requested = False

        def cancelled() -> bool:
            return self._cancel_requested

        def work() -> Iterator[SummaryEvent]:
            return self._summarizer(
                client,
                store,
                document=document,
                plan=plan,
                model_path=model_path,
                sampling=sampling,
                cancelled=cancelled,
                max_tokens=max_tokens,
                cache_dir=self._tokenizer_cache,
                question=question,
                read_scans=read_scans,
            )

        job = EngineJob(work, self)
        job.produced.connect(lambda event: self._on_summary_event(card, record, event))
        job.failed.connect(lambda failure: self._on_summary_failed(card, failure))
        job.finished.connect(self._on_summary_finished)
        self._summary_job = job
        self._summary_card = card
        card.answering = question is not None
        if read_scans and document.scanned_pages:
            card.set_progress(SummaryProgress("scan", 0, len(document.scanned_pages)))
        else:
            card.set_progress(SummaryProgress("map", 0, len(plan.chunks)))
        job.start()
        self.busy_changed.emit(True)
        return True

    def cancel_summary(self) -> None:
        if self.busy:
            self._cancel_requested = True
            self._client.cancel()

    def _on_summary_event(self, card: DocumentCard, record: PendingSummary, event: object) -> None:
        if isinstance(event, SummaryProgress):
            card.set_progress(event)
        elif isinstance(event, ScansRead):
            self._transcribed[event.document.sha256] = event.document
            self.transcripts.put(event.document)
        elif isinstance(event, SummaryDone):
            try:
                self._store.messages.add(
                    record.conversation_id,
                    "assistant",
                    event.text,
                    parent=record.question_id,
                    model=self._session.model_name,
                )
            except HearthError as exc:
                self.notice.emit(str(exc))
                return
            self.pending.remove(record.question_id)
            self._records.pop(card, None)
            if record.question is not None:
                card.set_done(self.tr("The answer is in the chat."))
            else:
                card.set_done(self.tr("The summary is in the chat."))
            if self._session.conversation_id == record.conversation_id:
                self._session.reload()
            self._session.history_changed.emit()
        elif isinstance(event, SummaryCancelled):
            if not event.total:
                message = self.tr("Stopped while reading the scanned pages.")
            elif record.question is not None:
                message = self.tr(
                    "Answering stopped after {done} of {total} parts; finished parts are kept."
                ).format(done=event.done, total=event.total)
            else:
                message = self.tr(
                    "Summary stopped after {done} of {total} parts; finished parts are kept."
                ).format(done=event.done, total=event.total)
            card.set_paused(message)
            card.resume.disconnect()
            card.resume.connect(lambda: self._start(card, resume=record))

    def _on_summary_failed(self, card: DocumentCard, failure: object) -> None:
        message = failure.message if isinstance(failure, p.Failed) else str(failure)
        card.set_failed(message)
        if isinstance(failure, p.Failed) and failure.kind == "bug":
            self.notice.emit(message)

    def _on_summary_finished(self) -> None:
        self._summary_job = None
        card = self._summary_card
        self._summary_card = None
        self.busy_changed.emit(False)
        if card is not None and card.state is CardState.DONE:
            self.remove_card(card)

    # ---- After a restart

    def resume_pending(self, conversation_id: int) -> None:
        """Show a card for each summary of this conversation that a restart interrupted."""
        shown = {c.document.path for c in self.cards}
        for record in self.pending.for_conversation(conversation_id):
            path = Path(record.path)
            if not path.exists():
                path = self._store.attachment_path(record.sha256)
            if path in shown or not path.exists():
                continue
            self._add(PendingDocument(path), record)

    # ---- Citations

    def show_citation(self, target: str, parent: QWidget) -> None:
        parsed = parse_cite(target)
        if parsed is None:
            return
        prefix, section, scans = parsed
        if scans:  # section numbers of the document with its scanned pages read
            transcribed = self._transcript(prefix)
            if transcribed is not None:
                self._show_section(transcribed, section, parent)
                return
        document = next((d for s, d in self._documents.items() if s.startswith(prefix)), None)
        if document is None:
            self._load_cited(prefix, section, scans, parent)
            return
        self._show_section(document, section, parent, scans)

    def _transcript(self, prefix: str) -> ExtractedDocument | None:
        """The document with its scanned pages read, from this session or saved earlier."""
        found = next((d for s, d in self._transcribed.items() if s.startswith(prefix)), None)
        return found or self.transcripts.get(prefix)

    def _load_cited(self, prefix: str, section: int, scans: bool, parent: QWidget) -> None:
        path: Path | None = None
        for row in self._session.model.rows():
            for attachment in row.message.attachments:
                if attachment.sha256.startswith(prefix):
                    path = self._store.attachment_path(attachment.sha256)
        if path is None or not path.exists():
            self.notice.emit(self.tr("The cited document is no longer stored."))
            return

        def work() -> Iterator[object]:
            generator = iter_extract_document(path)
            while True:
                try:
                    next(generator)
                except StopIteration as stop:
                    yield stop.value
                    return

        job = EngineJob(work, self)
        job.produced.connect(lambda doc: self._on_cited_loaded(doc, section, scans, parent))
        job.failed.connect(lambda failure: self.notice.emit(getattr(failure, "message", "")))
        job.finished.connect(lambda: self._forget(job))
        self._jobs.append(job)
        job.start()

    def _on_cited_loaded(
        self, document: object, section: int, scans: bool, parent: QWidget
    ) -> None:
        if isinstance(document, ExtractedDocument):
            self._documents[document.sha256] = document
            self._show_section(document, section, parent, scans)

    def _show_section(
        self, document: ExtractedDocument, index: int, parent: QWidget, scans: bool = False
    ) -> None:
        if scans and document.scanned_pages:
            # The model's reading of the scanned pages is gone: number the sections as they
            # were, and say so on those pages.
            gone = self.tr(
                "This page is a scanned image. The vision model read it for the answer, but "
                "its reading is no longer stored."
            )
            document = with_page_texts(document, dict.fromkeys(document.scanned_pages, gone))
        if not 0 <= index < len(document.sections):
            return
        section = document.sections[index]
        dialog = QDialog(parent)
        dialog.setObjectName("citationDialog")
        dialog.setWindowTitle(f"{Path(document.path).name} · {section.anchor}")
        browser = QTextBrowser(dialog)
        browser.setObjectName("citationText")
        browser.setAccessibleName(self.tr("Cited text"))
        browser.setPlainText(section.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(browser)
        layout.addWidget(buttons)
        dialog.resize(560, 420)
        dialog.open()
        self.citation_dialog = dialog

    def wait(self, msecs: int = 10000) -> None:
        for job in [*self._jobs, self._summary_job]:
            if job is not None:
                job.wait(msecs)
