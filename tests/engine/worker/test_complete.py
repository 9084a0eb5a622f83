"""Raw-text completion through the worker (``/v1/completions``): no chat template, cache reuse."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.chat.sampling import GREEDY
from engine.worker import protocol as p
from engine.worker.client import EngineClient

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def client(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineClient]:
    with EngineClient(log_path=tmp_path_factory.mktemp("c") / "worker.log") as engine:
        engine.load(p.ModelConfig(model_path=str(model_path), n_ctx=2048))
        yield engine


def finish(events: Iterator[p.Event]) -> tuple[str, p.Done]:
    pieces: list[str] = []
    for event in events:
        if isinstance(event, p.Token):
            pieces.append(event.text)
        elif isinstance(event, p.Done):
            return "".join(pieces), event
        elif isinstance(event, p.Failed):
            raise AssertionError(event.message)
    raise AssertionError("no terminal event")


def test_raw_text_is_continued_without_a_chat_template(client: EngineClient) -> None:
    prompt = "1, 2, 3, 4, 5,"
    text, done = finish(client.complete(prompt, GREEDY, max_tokens=6))
    assert done.stats is not None and done.text == text
    assert done.stats.prompt_tokens == 1 + len(client.tokenize(prompt))  # <bos> + the text
    assert text.strip().startswith("6")


def test_a_longer_prompt_that_extends_the_last_reuses_the_cache(client: EngineClient) -> None:
    first_prompt = "The lighthouse keeper wrote in the log: " * 20
    _, first = finish(client.complete(first_prompt, GREEDY, max_tokens=4))
    _, second = finish(client.complete(first_prompt + "wind from the west", GREEDY, max_tokens=4))
    assert first.stats is not None and second.stats is not None
    assert second.stats.cached_tokens >= first.stats.prompt_tokens - 1
    assert second.stats.reevaluated_tokens < 12
