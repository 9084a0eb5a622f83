"""Streaming answers: throttled incremental saves, final status, disk full (T06)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import Cancelled, WorkerCrashedError
from engine.store import GenerationStats, HistoryStore, StoreFullError


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _saved(store: HistoryStore, message_id: int) -> tuple[str, str]:
    message = store.messages.get(message_id)
    return message.status, message.content


def test_user_message_is_committed_before_the_answer(store: HistoryStore) -> None:
    conversation = store.conversations.create()
    user = store.messages.add_user(conversation.id, "question")
    recorder = store.messages.start_assistant(conversation.id)
    assert recorder.parent_id == user.id
    assert _saved(store, user.id) == ("complete", "question")
    assert _saved(store, recorder.message_id) == ("streaming", "")


def test_saves_are_throttled(store: HistoryStore) -> None:
    conversation = store.conversations.create()
    store.messages.add_user(conversation.id, "q")
    message = store.messages.start_assistant(conversation.id)
    from engine.store.recorder import AnswerRecorder

    clock = FakeClock()
    recorder = AnswerRecorder(
        store.db, store.messages.get(message.message_id), flush_interval=0.25, clock=clock
    )
    recorder.append("a")
    recorder.append("b")
    assert _saved(store, recorder.message_id) == ("streaming", "")
    clock.now = 0.3
    recorder.append("c")
    assert _saved(store, recorder.message_id) == ("streaming", "abc")
    clock.now = 0.4
    recorder.append("d")
    assert _saved(store, recorder.message_id) == ("streaming", "abc")
    assert recorder.flush()
    assert _saved(store, recorder.message_id) == ("streaming", "abcd")
    assert recorder.flushes == 2
    recorder.finish("complete", GenerationStats(completion_tokens=4))
    assert _saved(store, recorder.message_id) == ("complete", "abcd")
    with pytest.raises(RuntimeError):
        recorder.append("late")


def test_context_manager_statuses(store: HistoryStore) -> None:
    conversation = store.conversations.create()
    store.messages.add_user(conversation.id, "q")
    with store.messages.start_assistant(conversation.id) as done:
        done.append("fine")
    assert _saved(store, done.message_id) == ("complete", "fine")
    with pytest.raises(Cancelled), store.messages.start_assistant(conversation.id) as stopped:
        stopped.append("half")
        raise Cancelled
    assert _saved(store, stopped.message_id) == ("cancelled", "half")
    with (
        pytest.raises(WorkerCrashedError),
        store.messages.start_assistant(conversation.id) as crash,
    ):
        crash.append("par")
        raise WorkerCrashedError("The model process stopped unexpectedly.")
    message = store.messages.get(crash.message_id)
    assert (message.status, message.content) == ("error", "par")
    assert message.error == "The model process stopped unexpectedly."


def test_answer_to_a_deleted_conversation_is_discarded(store: HistoryStore) -> None:
    conversation = store.conversations.create()
    store.messages.add_user(conversation.id, "q")
    recorder = store.messages.start_assistant(conversation.id, flush_interval=0)
    recorder.append("some")
    store.delete_conversation(conversation.id)
    recorder.append(" more")
    assert recorder.discarded
    assert recorder.finish() is None


def test_disk_full_is_clear_loses_nothing_and_recovers(store: HistoryStore) -> None:
    """T06: SQLITE_FULL via max_page_count just above the current size."""
    conversation = store.conversations.create("before the disk filled")
    kept = [store.messages.add_user(conversation.id, f"kept {i} " + "x" * 500) for i in range(5)]
    recorder = store.messages.start_assistant(conversation.id, flush_interval=0)
    recorder.append("partial answer saved before the disk filled")
    pages = store.db.pragma_settings()["page_count"]
    store.db.set_max_pages(pages + 1)

    with pytest.raises(StoreFullError) as caught:
        for index in range(200):
            store.messages.add_user(conversation.id, f"overflow {index} " + "y" * 4000)
    message = str(caught.value)
    assert "full" in message
    assert "nothing already saved was lost" in message

    # Streaming keeps going in memory; the incremental save reports the problem.
    recorder.append(" and more text " * 400)
    assert isinstance(recorder.save_error, StoreFullError)
    with pytest.raises(StoreFullError):
        recorder.finish("complete")

    assert store.check() == []
    for message_before in kept:
        assert store.messages.get(message_before.id).content == message_before.content

    store.db.set_max_pages(0)  # space returns
    final = recorder.finish("complete")
    assert final is not None
    assert final.content.startswith("partial answer saved before the disk filled and more text")
    store.messages.add_user(conversation.id, "works again")
    assert store.messages.active_path(conversation.id)[-1].content == "works again"
    assert store.check() == []


def test_odd_stats_values_are_stored_safely(store: HistoryStore) -> None:
    conversation = store.conversations.create(settings={"temperature": float("nan")})
    assert store.conversations.get(conversation.id).settings == {"temperature": None}
    store.messages.add_user(conversation.id, "q")
    recorder = store.messages.start_assistant(conversation.id)
    recorder.append("a")
    extra = {"tokens_per_second": float("inf"), "path": Path("/x")}
    message = recorder.finish("complete", GenerationStats(extra=extra))
    assert message is not None
    assert message.stats.extra == {"tokens_per_second": None, "path": "/x"}
