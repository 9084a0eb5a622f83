"""The remote client against a real stdlib HTTP server on 127.0.0.1 that answers in the failure
shapes real inference servers produce only by accident: 500, 429, 401, non-SSE, malformed SSE,
a stream cut mid-answer, no answer at all; plus Stop while the server is between tokens."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from engine.chat.messages import ChatMessage
from engine.chat.sampling import GREEDY
from engine.chat.session import ChatSession
from engine.paths import AppPaths
from engine.remote.client import RemoteEngineClient
from engine.remote.endpoint import RemoteEndpoint
from engine.store import HistoryStore
from engine.worker import protocol as p
from tests.engine.remote.shape_server import WORDS, ShapeServer

QUESTION = (ChatMessage("user", "Tell me a story."),)


@pytest.fixture()
def server() -> Iterator[ShapeServer]:
    with ShapeServer(hang_s=3.0) as running:
        yield running


def client_for(server: ShapeServer, shape: str, **kw: object) -> RemoteEngineClient:
    endpoint = RemoteEndpoint(name="Shapes", base_url=server.url, model=f"shape:{shape}", **kw)  # type: ignore[arg-type]
    return RemoteEngineClient(endpoint, api_key="secret-key")


def run(client: RemoteEngineClient) -> list[p.Event]:
    return list(client.chat(QUESTION, GREEDY, max_tokens=32))


def test_a_whole_answer_streams_with_the_servers_usage(server: ShapeServer) -> None:
    with client_for(server, "ok") as client:
        info = client.load()
        events = run(client)
    tokens = [e for e in events if isinstance(e, p.Token)]
    done = events[-1]
    assert isinstance(done, p.Done)
    assert "".join(t.text for t in tokens) == "".join(WORDS) == done.text
    assert done.stats is not None
    assert done.stats.finish_reason == "stop"
    assert done.stats.prompt_tokens == 11
    assert done.stats.completion_tokens == len(WORDS)
    assert done.stats.ttft_s > 0
    assert info.n_ctx == 8192  # the server says nothing: Hearth's default
    sent = server.requests[-1]
    assert sent["body"]["stream"] is True
    assert sent["body"]["stream_options"] == {"include_usage": True}
    assert sent["headers"]["Authorization"] == "Bearer secret-key"


def test_without_usage_the_figures_come_from_hearths_clock(server: ShapeServer) -> None:
    with client_for(server, "nousage") as client:
        done = run(client)[-1]
    assert isinstance(done, p.Done) and done.stats is not None
    assert done.stats.completion_tokens == len(WORDS)  # one per streamed piece
    assert done.stats.prompt_tokens == 0


@pytest.mark.parametrize(
    ("shape", "words"),
    [
        ("http500", ["internal error", "HTTP 500", "CUDA out of memory"]),
        ("http429", ["busy", "HTTP 429", "about 7 s"]),
        ("http401", ["refused the API key", "HTTP 401"]),
        ("html", ["did not stream", "text/html"]),
    ],
)
def test_http_failures_are_one_calm_sentence(
    server: ShapeServer, shape: str, words: list[str]
) -> None:
    with client_for(server, shape) as client:
        events = run(client)
    assert len(events) == 1
    failed = events[0]
    assert isinstance(failed, p.Failed)
    assert failed.kind == "environment"
    assert not failed.resumable
    for word in words:
        assert word in failed.message
    assert "Traceback" not in failed.message


@pytest.mark.parametrize(
    ("shape", "word", "kept"),
    [("cut", "ended before it was finished", 4), ("malformed", "cannot read", 3)],
)
def test_a_broken_stream_keeps_the_text_and_can_be_continued(
    server: ShapeServer, shape: str, word: str, kept: int
) -> None:
    with client_for(server, shape) as client:
        events = run(client)
    text = "".join(e.text for e in events if isinstance(e, p.Token))
    assert text == "".join(WORDS[:kept])
    failed = events[-1]
    assert isinstance(failed, p.Failed)
    assert failed.resumable
    assert word in failed.message
    assert "continue" in failed.message


def test_a_server_that_never_answers_times_out(server: ShapeServer) -> None:
    with client_for(server, "hang", read_timeout_s=1.0) as client:
        events = run(client)
    failed = events[-1]
    assert isinstance(failed, p.Failed)
    assert "stopped responding" in failed.message
    assert not failed.resumable


def test_a_refused_connection_says_nobody_listens() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = RemoteEndpoint(name="Nobody", base_url=f"http://127.0.0.1:{port}")
    with RemoteEngineClient(endpoint) as client:
        events = run(client)
    failed = events[-1]
    assert isinstance(failed, p.Failed)
    assert "refused the connection" in failed.message
    assert "no server is listening" in failed.message


def test_an_unknown_model_names_the_ones_served(server: ShapeServer) -> None:
    endpoint = RemoteEndpoint(name="Shapes", base_url=server.url, model="gemma-3-27b-it")
    with RemoteEngineClient(endpoint) as client:
        events = run(client)
    failed = events[-1]
    assert isinstance(failed, p.Failed)
    assert "does not serve the model 'gemma-3-27b-it'" in failed.message
    assert "shape:ok" in failed.message


def test_stop_ends_the_answer_at_once_and_drops_the_connection(server: ShapeServer) -> None:
    with client_for(server, "slow") as client:
        events: list[p.Event] = []
        stream = client.chat(QUESTION, GREEDY, max_tokens=32)
        for event in stream:
            events.append(event)
            if isinstance(event, p.Token) and server.slow_started.wait(10):
                # The server now waits (it would never send more without being released).
                threading.Timer(0.2, client.cancel).start()
        # Reaching here means Stop returned control although the server sent nothing more.
        done = events[-1]
        assert isinstance(done, p.Done)
        assert done.stats is not None and done.stats.finish_reason == "cancelled"
        assert done.text == "".join(WORDS[:2])
        server.release.set()
        assert server.client_went_away.wait(10)  # the server saw the connection go
        # The client is free for the next answer.
        client.endpoint = RemoteEndpoint(name="Shapes", base_url=server.url, model="shape:ok")
        client.model = "shape:ok"
        assert isinstance(run(client)[-1], p.Done)


def test_a_cut_answer_is_stored_interrupted_with_its_reason(
    server: ShapeServer, app_paths: AppPaths
) -> None:
    with HistoryStore.open(app_paths) as store, client_for(server, "cut") as client:
        session = ChatSession(store, client, model_name="shape:cut")
        turn, events = session.send(None, "Tell me a story.", GREEDY, max_tokens=32)
        last = list(events)[-1]
        assert isinstance(last, p.Failed) and last.resumable
        saved = store.messages.get(turn.assistant_message_id)
    assert saved.status == "interrupted"
    assert saved.content == "".join(WORDS[:4])
    assert saved.error is not None and "ended before it was finished" in saved.error
