"""Regenerate, edit and branch switching on Gemma 3's sliding-window cache stay exact.

Every answer taken through a cached path is compared with a second, fresh worker that reads
the same branch from scratch: the first 16 greedy tokens must be identical. The conversation
is several sliding windows long (the 270M model's window is 512 positions), so a naive
"remove the tail" rollback would silently corrupt the answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.chat.messages import ChatMessage
from engine.chat.sampling import GREEDY
from engine.worker import protocol as p
from engine.worker.client import EngineClient

pytestmark = pytest.mark.model

TOPICS = ["rivers", "mountains", "harbours", "forests", "deserts", "glaciers", "islands"]


def paragraph(topic: str, n: int) -> str:
    return " ".join(
        f"Note {i} on {topic}: the {topic} change with the seasons, and people who live near "
        f"{topic} keep careful records of what they see each day."
        for i in range(n)
    )


def long_conversation() -> list[ChatMessage]:
    """About 2,000 tokens: four windows of the 270M model."""
    messages: list[ChatMessage] = []
    for topic in TOPICS[:6]:
        messages.append(ChatMessage("user", f"Tell me about {topic}. " + paragraph(topic, 6)))
        messages.append(ChatMessage("assistant", paragraph(topic, 5)))
    messages.append(ChatMessage("user", "Which of these places would you visit first?"))
    return messages


def config(model_path: Path) -> p.ModelConfig:
    return p.ModelConfig(model_path=str(model_path), n_ctx=8192, checkpoint_budget_mib=256)


@pytest.fixture(scope="module")
def worker(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineClient]:
    with EngineClient(log_path=tmp_path_factory.mktemp("w") / "worker.log") as client:
        client.load(config(model_path))
        yield client


@pytest.fixture(scope="module")
def fresh(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineClient]:
    """The reference: a second worker that re-reads every branch from scratch."""
    with EngineClient(log_path=tmp_path_factory.mktemp("f") / "worker.log") as client:
        client.load(config(model_path))
        yield client


def answer(client: EngineClient, messages: list[ChatMessage], **kw: object) -> p.Done:
    done = None
    for event in client.chat(messages, GREEDY, max_tokens=16, **kw):  # type: ignore[arg-type]
        if isinstance(event, p.Failed):
            pytest.fail(event.message + event.details)
        if isinstance(event, p.Done):
            done = event
    assert done is not None and done.stats is not None
    return done


def reference(fresh: EngineClient, messages: list[ChatMessage]) -> tuple[int, ...]:
    done = answer(fresh, messages, reuse_cache=False)
    assert done.stats is not None and done.stats.reuse_path == "full"
    return done.payload[:16]


def test_edit_deep_in_a_long_conversation_matches_a_fresh_prefill(
    worker: EngineClient, fresh: EngineClient
) -> None:
    original = long_conversation()
    first = answer(worker, original)
    assert first.stats is not None and first.stats.prompt_tokens > 4 * 480
    # Edit the second user message (about 20% deep): everything after it is dropped.
    edited = [*original[:2], ChatMessage("user", "Tell me about volcanoes instead.")]
    second = answer(worker, edited)
    assert second.stats is not None
    assert second.stats.reuse_path == "checkpoint", second.stats
    assert second.stats.reevaluated_tokens < 40
    assert second.payload[:16] == reference(fresh, edited)

    # Back to the original branch: its parked state comes back (no re-read), and the answer
    # is the same as before and as from scratch.
    back = answer(worker, original)
    assert back.stats is not None
    assert back.stats.reuse_path.startswith("switch+"), back.stats
    assert back.stats.reevaluated_tokens <= 2
    assert back.payload[:16] == first.payload[:16] == reference(fresh, original)


def test_regenerate_after_a_turn_longer_than_the_window(
    worker: EngineClient, fresh: EngineClient
) -> None:
    base = long_conversation()[:5]  # ends with a user turn
    answer(worker, base)  # leaves a checkpoint at the end of this prompt
    follow = [
        *base,
        ChatMessage("assistant", paragraph("lighthouses", 30)),  # ~750 tokens: > one window
        ChatMessage("user", "Summarise that in one line."),
    ]
    answer(worker, follow)
    again = answer(worker, base)  # regenerate the earlier answer
    assert again.stats is not None
    assert again.stats.reuse_path == "checkpoint", again.stats
    assert again.payload[:16] == reference(fresh, base)


def test_regenerate_right_after_an_answer_rolls_back_only_the_answer(
    worker: EngineClient, fresh: EngineClient
) -> None:
    messages = long_conversation()[:3]
    first = answer(worker, messages)
    second = answer(worker, messages)
    assert second.stats is not None
    assert second.stats.reuse_path in {"rollback", "checkpoint"}
    assert second.stats.reevaluated_tokens <= 2
    assert second.payload[:16] == first.payload[:16] == reference(fresh, messages)


def test_switching_conversations_restores_each_ones_cache(
    worker: EngineClient, fresh: EngineClient
) -> None:
    chat_a = long_conversation()
    chat_b = [ChatMessage("user", "A different chat. " + paragraph("deserts", 8))]
    answer(worker, chat_a)
    answer(worker, chat_b)
    back = answer(worker, chat_a)
    assert back.stats is not None
    assert back.stats.reuse_path.startswith("switch+"), back.stats
    assert back.stats.reevaluated_tokens <= 2
    assert back.payload[:16] == reference(fresh, chat_a)


def test_continuing_a_cut_off_answer_goes_on_where_it_stopped(
    worker: EngineClient, fresh: EngineClient
) -> None:
    messages = long_conversation()[:3]
    whole = answer(worker, messages)  # 16 greedy tokens in one go
    assert whole.stats is not None and whole.stats.finish_reason == "length"
    cut = None
    for event in worker.chat(messages, GREEDY, max_tokens=6):
        if isinstance(event, p.Done):
            cut = event
    assert cut is not None and cut.stats is not None and cut.stats.finish_reason == "length"
    assert cut.payload == whole.payload[:6]

    opened = [*messages, ChatMessage("assistant", cut.text)]
    more = answer(worker, opened, continue_answer=True)
    assert more.stats is not None
    # The cut answer's tokens are still in the cache: only its last token is read again.
    assert more.stats.reevaluated_tokens <= 2, more.stats
    # Same tokens as an answer that was never cut, and as a fresh worker reading it all.
    assert more.payload[:10] == whole.payload[6:16]
    assert (
        more.payload[:16]
        == answer(fresh, opened, continue_answer=True, reuse_cache=False).payload[:16]
    )


def test_continue_needs_an_answer_at_the_end(worker: EngineClient) -> None:
    events = list(worker.chat(long_conversation()[:3], GREEDY, continue_answer=True))
    assert isinstance(events[-1], p.Failed)
