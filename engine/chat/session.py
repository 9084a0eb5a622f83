"""A stored conversation talking to the inference worker: one turn at a time, nothing lost.

``ChatSession.send`` is the one path every front end uses (CLI ``ask``/``batch``, the GUI):

1. the user's message is committed to the store before anything is generated (an edit is a
   new sibling of the edited message, a regenerate reuses the last user message);
2. an empty assistant message is committed in "streaming" state and the answer is recorded
   incrementally while it streams (a killed process leaves it marked interrupted);
3. the worker gets the active branch and reuses its cache for it (found by the tokens);
4. the answer is finished as complete, cancelled or error, with the worker's figures.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.chat.engine import ChatEngine
from engine.chat.messages import ChatMessage
from engine.chat.sampling import SamplingParams
from engine.errors import HearthError
from engine.model.identity import model_identity
from engine.store import (
    AnswerRecorder,
    Attachment,
    AttachmentRef,
    HistoryStore,
    ImageRecipe,
    Message,
    MessageStatus,
    StoredBlob,
    StoreError,
)
from engine.store import GenerationStats as StoredStats
from engine.vision.attachment import ImageAttachment
from engine.vision.image_loading import probe_image
from engine.vision.pan_scan import plan_tiles
from engine.worker import protocol as p


def stored_stats(stats: p.GenerationStats, continued: Message | None = None) -> StoredStats:
    """The worker's figures in the store's shape.

    For a continued answer (``continued``: the answer before this part) the completion tokens
    and generation time add up and ``extra["continued"]`` counts the continuations; the other
    figures are the last part's.
    """
    completion = stats.completion_tokens
    generation_ms = round((stats.ttft_s + stats.generation_s) * 1000)
    extra = stats.as_dict()
    if continued is not None:
        completion += continued.stats.completion_tokens or 0
        generation_ms += continued.stats.generation_ms or 0
        previous = continued.stats.extra.get("continued", 0) if continued.stats.extra else 0
        extra["continued"] = (previous if isinstance(previous, int) else 0) + 1
        extra["completion_tokens"] = completion
    return StoredStats(
        prompt_tokens=stats.prompt_tokens,
        completion_tokens=completion,
        first_token_ms=round(stats.ttft_s * 1000),
        generation_ms=generation_ms,
        extra=extra,
    )


@dataclass
class Turn:
    """What one ``send`` did; the ids are filled in as soon as the rows exist, ``text`` (the
    whole saved answer) when the stream ends."""

    conversation_id: int
    user_message_id: int
    assistant_message_id: int = 0
    text: str = ""


def branch_messages(
    store: HistoryStore, path: Sequence[Message], system_prompt: str = ""
) -> list[ChatMessage]:
    """A stored branch as the model sees it: alternating turns ending with the user's.

    Every turn keeps its images (rebuilt from the stored attachments and their recipes), so a
    follow-up prompt starts exactly like the one before and the worker reuses its cache.
    Consecutive turns of one role (an answer that failed before anything was saved) are merged,
    never dropped; a leading answer is skipped.
    """
    turns: list[ChatMessage] = []
    for message in path:
        if message.role == "system":
            continue
        images = tuple(attachment_image(store, a) for a in message.attachments if a.kind == "image")
        if turns and turns[-1].role == message.role:
            last = turns[-1]
            merged = (last.content + "\n\n" + message.content).strip()
            turns[-1] = ChatMessage(message.role, merged, last.images + images)
        else:
            turns.append(ChatMessage(message.role, message.content, images))
    if turns and turns[0].role == "assistant":
        turns.pop(0)
    if system_prompt.strip():
        turns.insert(0, ChatMessage("system", system_prompt.strip()))
    return turns


def attachment_refs(message: Message) -> list[AttachmentRef]:
    """A stored message's attachments, to attach again (an edited question keeps its images)."""
    return [
        AttachmentRef(StoredBlob(a.sha256, a.size, a.mime), a.kind, a.filename, a.recipe)
        for a in message.attachments
    ]


def attachment_image(store: HistoryStore, attachment: Attachment) -> ImageAttachment:
    """A stored image attachment, ready for the worker, with the recipe it was sent with."""
    data = store.blobs.read_bytes(attachment.sha256)
    recipe = attachment.recipe
    mode = "auto"
    zoom = None
    if recipe is not None:
        mode = "off" if recipe.mode == "off" else "auto"
        raw_zoom = recipe.extra.get("zoom_box") if recipe.extra else None
        if raw_zoom:
            zoom = (int(raw_zoom[0]), int(raw_zoom[1]), int(raw_zoom[2]), int(raw_zoom[3]))
    return ImageAttachment(data, mode, zoom, attachment.filename)


def image_attachment_ref(
    store: HistoryStore, image: ImageAttachment, mmproj_path: str | None
) -> AttachmentRef:
    """Save an image's bytes once and record how it becomes model input (its recipe)."""
    blob = store.put_bytes(image.data, "image/" + _mime_suffix(image.data))
    info = probe_image(image.data, name=image.name or None)
    plan = plan_tiles(info.width, info.height, image.mode, image.zoom_box)
    extra: dict[str, Any] = {"tiles": plan.tile_count, "image_tokens": plan.image_tokens}
    if image.zoom_box is not None:
        extra["zoom_box"] = list(image.zoom_box)
    recipe = ImageRecipe(
        mode=str(plan.mode),
        crops=tuple(plan.crop_boxes),
        mmproj_sha256=model_identity(mmproj_path) if mmproj_path else None,
        extra=extra,
    )
    return AttachmentRef(blob=blob, kind="image", filename=image.name, recipe=recipe)


class ChatSession:
    """Conversations in ``store`` answered by the model loaded in ``client``."""

    def __init__(
        self,
        store: HistoryStore,
        client: ChatEngine,
        *,
        model_name: str = "",
        mmproj_path: str | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.model_name = model_name
        self.mmproj_path = mmproj_path

    # ------------------------------------------------------------------ building prompts

    def new_conversation(self, *, system_prompt: str = "", title: str = "") -> int:
        settings: dict[str, Any] = {"system_prompt": system_prompt} if system_prompt else {}
        conversation = self.store.conversations.create(
            title=title, model=self.model_name or None, settings=settings
        )
        return conversation.id

    def chat_messages(self, conversation_id: int, path: Sequence[Message]) -> list[ChatMessage]:
        """The worker's view of a branch, with the conversation's system prompt."""
        settings = self.store.conversations.get(conversation_id).settings
        return branch_messages(self.store, path, str(settings.get("system_prompt") or ""))

    def image_ref(self, image: ImageAttachment) -> AttachmentRef:
        return image_attachment_ref(self.store, image, self.mmproj_path)

    # ------------------------------------------------------------------ one turn

    def send(
        self,
        conversation_id: int | None,
        text: str | None,
        sampling: SamplingParams,
        *,
        max_tokens: int = 1024,
        images: Sequence[ImageAttachment] = (),
        edit: int | None = None,
        regenerate: bool = False,
        system_prompt: str = "",
    ) -> tuple[Turn, Iterator[p.Event]]:
        """Commit the user's side now; return the turn and the stream that answers it."""
        if conversation_id is None:
            if regenerate or edit is not None:
                raise HearthError("Regenerate and edit need an existing conversation.")
            conversation_id = self.new_conversation(system_prompt=system_prompt)
        user = self._user_message(conversation_id, text, images, edit, regenerate)
        turn = Turn(conversation_id, user.id)
        path = self.store.messages.path_to(user.id)
        messages = self.chat_messages(conversation_id, path)
        recorder = self.store.messages.start_assistant(
            conversation_id, parent=user.id, model=self.model_name or None
        )
        turn.assistant_message_id = recorder.message_id
        events = self.client.chat(messages, sampling, max_tokens=max_tokens)
        return turn, self._record(turn, recorder, events)

    def _user_message(
        self,
        conversation_id: int,
        text: str | None,
        images: Sequence[ImageAttachment],
        edit: int | None,
        regenerate: bool,
    ) -> Message:
        if regenerate:
            for message in reversed(self.store.messages.active_path(conversation_id)):
                if message.role == "user":
                    return message
            raise HearthError("There is no question in this conversation to answer again.")
        if not text or not text.strip():
            raise HearthError("The message is empty.")
        refs = [self.image_ref(image) for image in images]
        if edit is not None:
            edited = self.store.messages.get(edit)
            if edited.conversation_id != conversation_id or edited.role != "user":
                raise HearthError(f"Message {edit} is not a question in this conversation.")
            if not refs:  # an edit keeps the images of the message it replaces
                refs = attachment_refs(edited)
            return self.store.messages.add_user(
                conversation_id, text, parent=edited.parent_id, attachments=refs
            )
        return self.store.messages.add_user(conversation_id, text, attachments=refs)

    def continue_answer(
        self,
        conversation_id: int,
        answer_id: int,
        sampling: SamplingParams,
        *,
        max_tokens: int = 1024,
    ) -> tuple[Turn, Iterator[p.Event]]:
        """Go on with an answer that stopped early, in the same message.

        The answer is reopened in the store (its saved text is kept) and the worker gets the
        branch with that answer's turn left open, so the model continues it where it stopped
        rather than answering a new "please continue" turn. The stream yields only the new
        text; the stored message ends up with the old and the new.
        """
        answer = self.store.messages.get(answer_id)
        if answer.conversation_id != conversation_id or answer.role != "assistant":
            raise HearthError(f"Message {answer_id} is not an answer in this conversation.")
        if answer.parent_id is None:
            raise HearthError("This answer has no question to continue from.")
        recorder = self.store.messages.resume_assistant(answer_id, model=self.model_name or None)
        turn = Turn(conversation_id, answer.parent_id, answer_id)
        path = self.store.messages.path_to(answer_id)
        messages = self.chat_messages(conversation_id, path)
        events = self.client.chat(
            messages,
            sampling,
            max_tokens=max_tokens,
            continue_answer=True,
        )
        return turn, self._record(turn, recorder, events, continued=answer)

    def _record(
        self,
        turn: Turn,
        recorder: AnswerRecorder,
        events: Iterator[p.Event],
        continued: Message | None = None,
    ) -> Iterator[p.Event]:
        """Pass the worker's events through while saving the answer as it streams."""
        for event in record_answer(events, recorder, continued=continued):
            if isinstance(event, AnswerSaved):
                continue
            if isinstance(event, p.TERMINAL_EVENTS):  # already saved (a caller may stop here)
                turn.text = recorder.text
            yield event


@dataclass(frozen=True)
class AnswerSaved:
    """The last item of ``record_answer``: the answer as the store saved it.

    ``message`` is None when the answer was deleted while it streamed.
    """

    message_id: int
    message: Message | None
    status: MessageStatus
    finish_reason: str | None


def record_answer(
    events: Iterator[p.Event],
    recorder: AnswerRecorder,
    *,
    continued: Message | None = None,
) -> Iterator[p.Event | AnswerSaved]:
    """Save an answer while it streams: every event passes through, then ``AnswerSaved``.

    Runs on whatever thread consumes the stream (the CLI's, a GUI job's). The answer is
    finished as complete, cancelled, error, or interrupted when the worker died (it can be
    continued) or the consumer stopped listening (whatever was streamed is kept).
    ``continued``: the answer as it was before this continuation, whose token counts are
    added to the new ones.
    """
    streamed = False
    saved: AnswerSaved | None = None
    try:
        for event in events:
            if isinstance(event, p.Token):
                streamed = streamed or bool(event.text)
                recorder.append(event.text)
            elif isinstance(event, p.Done):
                # Saved before the event is passed on: a consumer may stop at ``Done``.
                if event.text and not streamed:
                    recorder.append(event.text)
                reason = event.stats.finish_reason if event.stats else None
                status: MessageStatus = "complete"
                if reason in (None, "cancelled"):
                    status = "cancelled"
                stats = stored_stats(event.stats, continued) if event.stats else None
                message = recorder.finish(status, stats)
                saved = AnswerSaved(recorder.message_id, message, status, reason)
            elif isinstance(event, p.Failed):
                resumable = event.kind == "crash" or event.resumable
                status = "interrupted" if resumable else "error"
                message = recorder.finish(status, error=event.message)
                saved = AnswerSaved(recorder.message_id, message, status, None)
            yield event
        if saved is None:  # the stream ended without a terminal event
            message = recorder.finish("error", error="The answer ended without a result.")
            saved = AnswerSaved(recorder.message_id, message, "error", None)
        yield saved
    finally:
        if not recorder.finished:  # the consumer stopped listening: keep what was streamed
            with contextlib.suppress(StoreError):
                recorder.finish("interrupted")


def _mime_suffix(data: bytes) -> str:
    from engine.vision.image_loading import sniff_format

    return (sniff_format(data[:64]) or "octet-stream").lower()


def mmproj_for(model_path: Path, explicit: str | None) -> str | None:
    """The projector to load: the one the user named, else one found beside the model."""
    if explicit:
        return explicit
    from engine.model.pairing import find_projector

    found = find_projector(model_path)
    return str(found) if found else None
