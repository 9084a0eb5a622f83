"""One conversation at a time, wired to the store and the inference worker.

Every message goes through ``HistoryStore``: the user's turn is committed before generation,
the answer is committed empty in 'streaming' state, recorded incrementally by its
``AnswerRecorder`` on the job's thread, and finished with its status and stats. Regenerate and
edit add siblings in the message tree, and the worker gets the messages of the active branch;
it finds its cached state for them by their tokens (whichever conversation they belong to).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from PySide6.QtCore import QObject, Signal

from app.chat.model import ChatModel
from app.engine_bridge import EngineJob
from engine.chat.engine import ChatEngine
from engine.chat.session import AnswerSaved, attachment_refs, branch_messages, record_answer
from engine.errors import HearthError
from engine.settings import Settings
from engine.store import AnswerRecorder, AttachmentRef, HistoryStore, Message
from engine.worker import protocol as p

PAGE_SIZE = 200
"""Messages loaded when a conversation opens; older ones load when scrolling up."""


class ChatSession(QObject):
    """Signals:
    busy_changed(bool): an answer started or ended.
    conversation_changed(int): another conversation is shown (0: a new, unsaved one).
    history_changed(): the conversation list should be refreshed (new title, new message).
    stats_received(object): ``GenerationStats`` of the answer that just finished.
    progress(object): a worker ``Progress`` (prefill, image encoding).
    failed(object): a ``Failed`` event; environment problems are shown inline.
    answer_finished(int): id of the answer that just ended.
    """

    busy_changed = Signal(bool)
    conversation_changed = Signal(int)
    history_changed = Signal()
    stats_received = Signal(object)
    progress = Signal(object)
    failed = Signal(object)
    answer_finished = Signal(int)

    def __init__(
        self,
        store: HistoryStore,
        client: ChatEngine,
        settings: Callable[[], Settings],
        model: ChatModel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._client = client
        self._settings = settings
        self.model = model
        self.conversation_id: int | None = None
        self.model_name: str | None = None
        self._job: EngineJob | None = None
        self._recorder: AnswerRecorder | None = None
        self._streaming_conversation: int | None = None
        self._has_older = False

    # ---- State

    @property
    def busy(self) -> bool:
        """True from the start of an answer until its last event has been handled."""
        return self._job is not None

    def title(self) -> str:
        if self.conversation_id is None:
            return ""
        return self._store.conversations.get(self.conversation_id).title

    # ---- Opening

    def open(self, conversation_id: int | None) -> None:
        """Show a conversation (None: a new, empty one that is created on the first send)."""
        self.conversation_id = conversation_id
        self.reload()
        self.conversation_changed.emit(conversation_id or 0)

    def reload(self) -> None:
        if self.conversation_id is None:
            self.model.clear()
            self._has_older = False
            return
        path = self._store.messages.active_path(self.conversation_id, limit=PAGE_SIZE + 1)
        self._has_older = len(path) > PAGE_SIZE
        if self._has_older:
            path = path[1:]
        self.model.set_messages(path, self._store.messages.sibling_infos(path))
        self._sync_streaming_row()

    def load_older(self) -> int:
        """Prepend up to ``PAGE_SIZE`` older messages; returns how many were added."""
        rows = self.model.rows()
        if not self._has_older or not rows or rows[0].message.parent_id is None:
            return 0
        older = self._store.messages.path_to(rows[0].message.parent_id, limit=PAGE_SIZE + 1)
        self._has_older = len(older) > PAGE_SIZE
        if self._has_older:
            older = older[1:]
        self.model.prepend_messages(older, self._store.messages.sibling_infos(older))
        return len(older)

    def _sync_streaming_row(self) -> None:
        recorder = self._recorder
        if recorder is None or self._streaming_conversation != self.conversation_id:
            return
        position = self.model.position_of(recorder.message_id)
        if position is not None:
            row = self.model.row_at(position)
            row.text = recorder.text
            row.streaming = True
            row.revision += 1

    # ---- Asking

    def ensure_conversation(self) -> int:
        """The shown conversation's id, creating it (in the store) if it is still new."""
        if self.conversation_id is None:
            conversation = self._store.conversations.create(model=self.model_name)
            self.conversation_id = conversation.id
            self.conversation_changed.emit(conversation.id)
        return self.conversation_id

    def send(
        self,
        text: str,
        attachments: Sequence[AttachmentRef] = (),
    ) -> bool:
        """Commit the user's message and start the answer. False if an answer is running."""
        if self.busy or not (text.strip() or attachments):
            return False
        conversation_id = self.ensure_conversation()
        user = self._store.messages.add_user(conversation_id, text.strip(), attachments=attachments)
        self._answer(user)
        return True

    def regenerate(self, answer_id: int) -> bool:
        """A new answer to the same question, kept as a sibling of the old one."""
        if self.busy or self.conversation_id is None:
            return False
        answer = self._store.messages.get(answer_id)
        if answer.role != "assistant" or answer.parent_id is None:
            return False
        self._answer(self._store.messages.get(answer.parent_id))
        return True

    def edit(self, user_message_id: int, text: str) -> bool:
        """Resend an edited question as a sibling of the original; the old branch stays."""
        if self.busy or self.conversation_id is None or not text.strip():
            return False
        original = self._store.messages.get(user_message_id)
        if original.role != "user":
            return False
        edited = self._store.messages.add_user(
            self.conversation_id,
            text.strip(),
            parent=original.parent_id,
            attachments=attachment_refs(original),  # the images go with the edited question
        )
        self._answer(edited)
        return True

    def continue_answer(self, answer_id: int) -> bool:
        """Go on with an answer that stopped early, in the same message: the model continues
        its own unfinished turn (no "please continue" question is added)."""
        if self.busy or self.conversation_id is None:
            return False
        answer = self._store.messages.get(answer_id)
        if answer.role != "assistant" or answer.parent_id is None:
            return False
        recorder = self._store.messages.resume_assistant(answer_id, model=self.model_name)
        self._start(recorder, self._store.messages.path_to(answer_id), continued=answer)
        return True

    def switch_sibling(self, message_id: int, step: int) -> bool:
        """Show the previous (-1) or next (+1) version of a message."""
        if self.busy or self.conversation_id is None:
            return False
        info = self._store.messages.siblings(message_id)
        target = info.index + step
        if not 0 <= target < info.count:
            return False
        self._store.messages.switch_to(info.ids[target])
        self.reload()
        return True

    def stop(self) -> None:
        if self.busy:
            self._client.cancel()

    def wait(self, msecs: int = 10000) -> None:
        """Block until the running answer's thread ends (used when closing)."""
        job = self._job
        if job is not None:
            job.wait(msecs)

    # ---- The answer job

    def _answer(self, question: Message) -> None:
        assert self.conversation_id is not None
        recorder = self._store.messages.start_assistant(
            self.conversation_id, parent=question.id, model=self.model_name
        )
        self._start(recorder, self._store.messages.path_to(question.id))

    def _start(
        self,
        recorder: AnswerRecorder,
        path: Sequence[Message],
        continued: Message | None = None,
    ) -> None:
        """Stream an answer into ``recorder``'s message; ``path`` is what the model reads
        (ending with the answer itself when ``continued``)."""
        assert self.conversation_id is not None
        settings = self._settings()
        conversation_id = self.conversation_id
        # Every turn's images come from the store with their recipes; the worker decodes the
        # bytes and cuts the tiles (a decoder crash stays there).
        messages = branch_messages(self._store, path, settings.system_prompt)
        self._recorder = recorder
        self._streaming_conversation = conversation_id
        if not self._show_new_answer(path, recorder.message_id, continued is not None):
            self.reload()
        self.history_changed.emit()
        max_tokens = settings.max_tokens
        sampling = settings.sampling()
        client = self._client

        def work() -> Iterator[object]:
            events = client.chat(
                messages,
                sampling,
                max_tokens=max_tokens,
                continue_answer=continued is not None,
            )
            return record_answer(events, recorder, continued=continued)

        job = EngineJob(work, self)
        job.produced.connect(self._on_event)
        job.failed.connect(self._on_job_failed)
        job.finished.connect(self._on_job_finished)
        self._job = job
        job.start()
        self.busy_changed.emit(True)

    def _show_new_answer(self, path: Sequence[Message], answer_id: int, continued: bool) -> bool:
        """Show the new turn without reloading the list (only the new rows are laid out).
        False when it is not a plain addition at the end (regenerate, edit): reload then."""
        rows = self.model.rows()
        if continued:
            if not rows or rows[-1].message.id != answer_id:
                return False
            self.model.replace_message(self._store.messages.get(answer_id), streaming=True)
            self._sync_streaming_row()
            return True
        question = path[-1]
        shown_leaf = rows[-1].message.id if rows else None
        if question.parent_id != shown_leaf or self.model.position_of(question.id) is not None:
            return False
        self.model.append_messages([question, self._store.messages.get(answer_id)])
        return True

    def _showing_stream(self) -> bool:
        return (
            self._recorder is not None
            and self._streaming_conversation == self.conversation_id
            and self.model.rowCount() > 0
            and self.model.row_at(self.model.rowCount() - 1).message.id == self._recorder.message_id
        )

    def _on_event(self, event: object) -> None:
        if isinstance(event, p.Token):
            if self._showing_stream():
                self.model.append_stream(event.text)
        elif isinstance(event, p.Progress):
            self.progress.emit(event)
        elif isinstance(event, p.Done):
            if event.stats is not None:
                self.stats_received.emit(event.stats)
        elif isinstance(event, p.Failed):
            self.failed.emit(event)
        elif (
            isinstance(event, AnswerSaved) and self._streaming_conversation == self.conversation_id
        ):
            if event.message is not None:
                self.model.replace_message(event.message)
            else:
                self.model.mark_finished(event.message_id, event.status, event.finish_reason)

    def _on_job_failed(self, failure: object) -> None:
        recorder = self._recorder
        if recorder is not None and not recorder.finished:
            try:
                saved = recorder.finish("error", error=getattr(failure, "message", None))
            except HearthError:
                saved = None
            self._on_event(AnswerSaved(recorder.message_id, saved, "error", None))
        self.failed.emit(failure)

    def _on_job_finished(self) -> None:
        self._job = None
        recorder = self._recorder
        self._recorder = None
        self._streaming_conversation = None
        self.busy_changed.emit(False)
        self.history_changed.emit()
        if recorder is not None:
            self.answer_finished.emit(recorder.message_id)
