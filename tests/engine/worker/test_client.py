"""The inference worker end to end, with the real Gemma 3 270M model in a spawned process."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.chat.messages import ChatMessage
from engine.chat.sampling import GREEDY, SamplingParams
from engine.errors import HearthError
from engine.worker import protocol as p
from engine.worker.client import EngineClient

pytestmark = pytest.mark.model

LONG_PROMPT = "Write a long story about a lighthouse keeper and the sea, in many paragraphs."


@pytest.fixture(scope="module")
def client(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineClient]:
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with EngineClient(log_path=log) as engine:
        engine.load(p.ModelConfig(model_path=str(model_path), n_ctx=4096))
        yield engine


def user(text: str) -> list[ChatMessage]:
    return [ChatMessage("user", text)]


def run_to_end(events: Iterator[p.Event]) -> tuple[list[p.Event], p.Event]:
    seen = list(events)
    return seen, seen[-1]


def test_streams_an_answer_token_by_token(client: EngineClient) -> None:
    seen, last = run_to_end(client.chat(user("Say hello."), GREEDY, max_tokens=24))
    tokens = [e for e in seen if isinstance(e, p.Token)]
    assert isinstance(last, p.Done), last
    assert last.stats is not None
    assert tokens, "no token was streamed"
    assert "".join(t.text for t in tokens) == last.text
    stats = last.stats
    assert stats.completion_tokens == len(last.payload) >= 1
    assert stats.prompt_tokens > 5
    assert stats.context_used == stats.prompt_tokens + stats.completion_tokens
    assert stats.context_size == 4096
    assert stats.ttft_s > 0


def test_greedy_answers_are_reproducible(client: EngineClient) -> None:
    _, first = run_to_end(client.chat(user("Name a colour."), GREEDY, max_tokens=12))
    _, second = run_to_end(client.chat(user("Name a colour."), GREEDY, max_tokens=12))
    assert isinstance(first, p.Done) and isinstance(second, p.Done)
    assert first.payload == second.payload


def test_cancel_stops_within_one_token(client: EngineClient) -> None:
    sampling = SamplingParams(seed=7)
    seen_tokens = 0
    done: p.Done | None = None
    for event in client.chat(user(LONG_PROMPT), sampling, max_tokens=400):
        if isinstance(event, p.Token):
            seen_tokens += 1
            if seen_tokens == 3:
                client.cancel()
        elif isinstance(event, p.Done):
            done = event
    assert done is not None and done.stats is not None
    assert done.stats.finish_reason == "cancelled"
    assert 3 <= done.stats.completion_tokens <= 4
    # The worker is still usable straight away.
    _, after = run_to_end(client.chat(user("Hi"), GREEDY, max_tokens=4))
    assert isinstance(after, p.Done) and after.stats is not None


def test_second_turn_reuses_the_first_turn_from_the_cache(client: EngineClient) -> None:
    first_turn = user("Tell me about rivers.")
    _, first = run_to_end(client.chat(first_turn, GREEDY, max_tokens=32))
    assert isinstance(first, p.Done) and first.stats is not None
    follow_up = [
        *first_turn,
        ChatMessage("assistant", first.text),
        ChatMessage("user", "And about lakes?"),
    ]
    _, second = run_to_end(client.chat(follow_up, GREEDY, max_tokens=8))
    assert isinstance(second, p.Done) and second.stats is not None
    assert second.stats.reuse_path == "append"
    assert second.stats.cached_tokens >= first.stats.prompt_tokens
    new_tokens = second.stats.prompt_tokens - second.stats.cached_tokens
    assert new_tokens < 30, f"{new_tokens} tokens re-read for a short follow-up"


def test_a_killed_worker_is_reported_fast_and_replaced(model_path: Path, tmp_path: Path) -> None:
    with EngineClient(log_path=tmp_path / "worker.log") as engine:
        engine.load(p.ModelConfig(model_path=str(model_path), n_ctx=2048))
        first_pid = engine.pid
        killed_at = 0.0
        partial: list[str] = []
        last: p.Event | None = None
        for event in engine.chat(user(LONG_PROMPT), SamplingParams(seed=3), max_tokens=400):
            if isinstance(event, p.Token):
                partial.append(event.text)
                if len(partial) == 2:
                    killed_at = time.monotonic()
                    engine.kill()
            last = event
        reported_after = time.monotonic() - killed_at
        assert isinstance(last, p.Failed), last
        assert last.kind == "crash"
        assert "killed" in last.message
        assert reported_after < 2.0
        assert len(partial) >= 2  # what was streamed before the kill is still with the caller
        _, after = run_to_end(engine.chat(user("Hello again"), GREEDY, max_tokens=6))
        assert isinstance(after, p.Done) and after.stats is not None
        assert engine.pid != first_pid
        assert engine.restarts == 1


def test_cancel_from_another_thread_during_prefill(client: EngineClient) -> None:
    long_text = "The quick brown fox jumps over the lazy dog. " * 300  # ~3K tokens
    seen: list[p.Event] = []
    cancelled = False
    for event in client.chat(user(long_text), GREEDY, max_tokens=50):
        seen.append(event)
        if (
            isinstance(event, p.Progress)
            and event.phase == "prefill"
            and event.done < event.total
            and not cancelled
        ):
            cancelled = True
            canceller = threading.Thread(target=client.cancel)  # as the GUI's stop button does
            canceller.start()
            canceller.join()
    last = seen[-1]
    assert cancelled and isinstance(last, p.Done)
    assert last.stats is None or last.stats.finish_reason == "cancelled", last.stats
    assert not [e for e in seen if isinstance(e, p.Token)]  # stopped before any answer


def test_context_overflow_is_a_clear_error_not_a_truncation(client: EngineClient) -> None:
    huge = "word " * 5000
    _, last = run_to_end(client.chat(user(huge), GREEDY, max_tokens=4))
    assert isinstance(last, p.Failed)
    assert last.kind == "environment"
    assert "context" in last.message


def test_bad_model_files_fail_cleanly_and_the_worker_survives(
    client: EngineClient, tmp_path: Path, model_path: Path
) -> None:
    truncated = tmp_path / "truncated.gguf"
    with model_path.open("rb") as source:
        truncated.write_bytes(source.read(5_000_000))
    html = tmp_path / "page.gguf"
    html.write_text("<!DOCTYPE html><html><body>Not found</body></html>")
    noise = tmp_path / "noise.gguf"
    noise.write_bytes(os.urandom(4096))
    pid = client.pid
    for bad in (truncated, html, noise):
        with pytest.raises(HearthError) as caught:
            client.load(p.ModelConfig(model_path=str(bad), n_ctx=2048))
        assert "\n" not in str(caught.value)
    assert client.pid == pid and client.alive
    # The good model loads again in the same worker.
    client.load(p.ModelConfig(model_path=str(model_path), n_ctx=4096))


def test_the_worker_yields_the_cpu_to_the_window(client: EngineClient) -> None:
    import os

    from engine.worker.server import WORKER_NICENESS

    client.stats()  # the worker is running
    assert client.pid is not None
    stat = Path(f"/proc/{client.pid}/stat").read_text()
    worker_nice = int(stat.rsplit(")", 1)[1].split()[16])  # field 19: nice
    assert worker_nice == min(19, os.nice(0) + WORKER_NICENESS)
