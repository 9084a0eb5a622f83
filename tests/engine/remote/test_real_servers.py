"""The remote engine against REAL servers started by the tests on 127.0.0.1, serving the
bundled Gemma 3 270M: llama-cpp-python's own server and upstream llama-server built from the
pinned llama.cpp. Streaming, Stop, a server killed mid-answer (kept, interrupted, continued),
a wrong API key, exact token counts, and an image question as Pan & Scan tiles."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from engine.chat.messages import ChatMessage
from engine.chat.sampling import GREEDY
from engine.chat.session import ChatSession
from engine.errors import HearthError
from engine.paths import AppPaths
from engine.remote.client import RemoteEngineClient
from engine.remote.endpoint import RemoteEndpoint
from engine.remote.launch import RunningServer, upstream_llama_server
from engine.store import HistoryStore
from engine.tokenizer import load_token_counter
from engine.vision.attachment import ImageAttachment
from engine.worker import protocol as p
from tests.engine.remote.conftest import API_KEY

pytestmark = pytest.mark.model

REAL_PHOTO = Path(__file__).parents[2] / "data" / "f3-discovery-board.jpeg"
STORY = (ChatMessage("user", "Write a long story about a lighthouse keeper and the sea."),)


def remote(server: RunningServer, *, key: str = "", **kw: object) -> RemoteEngineClient:
    endpoint = RemoteEndpoint(name="Test server", base_url=server.url, **kw)  # type: ignore[arg-type]
    return RemoteEngineClient(endpoint, key)


def client_for(kind: str, request: pytest.FixtureRequest) -> RemoteEngineClient:
    if kind == "llama-cpp-python":
        return remote(request.getfixturevalue("python_server"))
    return remote(request.getfixturevalue("upstream_server"), key=API_KEY)


def finish(events: list[p.Event]) -> p.Done:
    last = events[-1]
    assert isinstance(last, p.Done), last
    assert last.stats is not None
    return last


@pytest.mark.parametrize("kind", ["llama-cpp-python", "llama-server"])
def test_an_answer_streams_piece_by_piece_with_figures(
    kind: str, request: pytest.FixtureRequest
) -> None:
    with client_for(kind, request) as client:
        info = client.load()
        events = list(client.chat(STORY, GREEDY, max_tokens=24))
    assert info.path == "Test server: gemma-3-270m-it"
    assert info.prompt_format == "gemma3"
    tokens = [e for e in events if isinstance(e, p.Token)]
    done = finish(events)
    assert len(tokens) >= 5
    assert "".join(t.text for t in tokens) == done.text
    assert done.stats is not None
    assert done.stats.ttft_s > 0
    assert done.stats.completion_tokens >= len(tokens) - 1
    assert done.stats.finish_reason in {"stop", "length"}
    if kind == "llama-server":
        assert info.n_ctx == 2048  # from /props
        assert done.stats.prompt_tokens > 10  # from usage
        assert done.stats.completion_tokens == 24
        assert done.stats.finish_reason == "length"


@pytest.mark.parametrize("kind", ["llama-cpp-python", "llama-server"])
def test_stop_ends_the_answer_at_once_and_the_next_one_works(
    kind: str, request: pytest.FixtureRequest
) -> None:
    with client_for(kind, request) as client:
        events: list[p.Event] = []
        for event in client.chat(STORY, GREEDY, max_tokens=400):
            events.append(event)
            if sum(isinstance(e, p.Token) for e in events) == 3:
                threading.Thread(target=client.cancel).start()
        done = finish(events)
        assert done.stats is not None
        assert done.stats.finish_reason == "cancelled"
        assert done.stats.completion_tokens < 50
        again = finish(list(client.chat(STORY, GREEDY, max_tokens=5)))
        assert again.text


def test_the_same_greedy_answer_as_the_local_worker(
    upstream_server: RunningServer, model_path: Path, tmp_path: Path
) -> None:
    from engine.worker.client import EngineClient

    question = (ChatMessage("user", "Name three colours."),)
    with EngineClient(log_path=tmp_path / "worker.log") as local:
        local.load(p.ModelConfig(model_path=str(model_path), n_ctx=2048))
        local_done = finish(list(local.chat(question, GREEDY, max_tokens=16)))
    with remote(upstream_server, key=API_KEY) as client:
        remote_done = finish(list(client.chat(question, GREEDY, max_tokens=16)))
    assert remote_done.text == local_done.text


def test_a_wrong_api_key_is_refused_calmly(upstream_server: RunningServer) -> None:
    with remote(upstream_server, key="not-the-key") as client:
        with pytest.raises(HearthError, match="refused the API key"):
            client.load()
        events = list(client.chat(STORY, GREEDY, max_tokens=4))
    failed = events[-1]
    assert isinstance(failed, p.Failed)
    assert "HTTP 401" in failed.message and not failed.resumable
    with remote(upstream_server) as client, pytest.raises(HearthError, match="API key"):
        client.load()


def test_server_tokens_match_hearths_exact_gemma_tokenizer(
    upstream_server: RunningServer, python_server: RunningServer, model_path: Path, tmp_path: Path
) -> None:
    counter = load_token_counter(model_path, cache_dir=tmp_path)
    text = "Hearth counts tokens: naïve café, 東京, <start_of_turn> and 12345."
    with remote(upstream_server, key=API_KEY) as client:
        assert client.tokenize(text) == counter.encode(text, special=True)
        assert client.count_tokens(text).source == "server"
    # llama-cpp-python's server has no /tokenize: Gemma's own tokenizer counts exactly.
    endpoint = RemoteEndpoint(name="Python", base_url=python_server.url)
    with RemoteEngineClient(endpoint, gemma_counter=lambda: counter) as client:
        client.load()
        counted = client.count_tokens(text)
        assert (counted.tokens, counted.source) == (counter.count(text, special=True), "gemma")
    endpoint = RemoteEndpoint(name="Other", base_url=python_server.url, family="other")
    with RemoteEngineClient(endpoint, gemma_counter=lambda: counter) as client:
        client.load()
        assert client.count_tokens(text).source == "estimated"


def test_a_server_killed_mid_answer_keeps_the_text_which_can_be_continued(
    llama_server_path: Path, model_path: Path, app_paths: AppPaths, tmp_path: Path
) -> None:
    with HistoryStore.open(app_paths) as store:
        with upstream_llama_server(llama_server_path, model_path, tmp_path / "a.log") as server:
            client = remote(server)
            session = ChatSession(store, client, model_name="gemma-3-270m-it")
            turn, events = session.send(None, STORY[0].content, GREEDY, max_tokens=300)
            seen: list[p.Event] = []
            for event in events:
                seen.append(event)
                if sum(isinstance(e, p.Token) for e in seen) == 5:
                    server.kill()
            client.close()
        failed = seen[-1]
        assert isinstance(failed, p.Failed), failed
        assert failed.resumable
        assert "cut" in failed.message or "ended before" in failed.message
        streamed = "".join(e.text for e in seen if isinstance(e, p.Token))
        saved = store.messages.get(turn.assistant_message_id)
        assert saved.status == "interrupted"
        assert saved.content == streamed and streamed

        # A new server (the machine came back): the answer goes on in the same message.
        with upstream_llama_server(llama_server_path, model_path, tmp_path / "b.log") as server:
            session.client = remote(server)
            _, more = session.continue_answer(
                turn.conversation_id, turn.assistant_message_id, GREEDY, max_tokens=8
            )
            tail = list(more)
            session.client.close()
        finish(tail)
        resumed = store.messages.get(turn.assistant_message_id)
        assert resumed.status == "complete"
        added = "".join(e.text for e in tail if isinstance(e, p.Token))
        assert added and resumed.content == streamed + added


def test_an_image_goes_as_pan_and_scan_tiles(vision_server: RunningServer) -> None:
    photo = ImageAttachment.from_path(REAL_PHOTO)  # 720x477: full view + 2 crops
    single = ImageAttachment.from_path(REAL_PHOTO, mode="off")
    question = "What is on this board?"
    with remote(vision_server) as client:
        info = client.load()
        assert info.vision
        plain = finish(list(client.chat([ChatMessage("user", question)], GREEDY, max_tokens=4)))
        one = finish(
            list(client.chat([ChatMessage("user", question, (single,))], GREEDY, max_tokens=4))
        )
        three = finish(
            list(client.chat([ChatMessage("user", question, (photo,))], GREEDY, max_tokens=4))
        )
        body = client.request_body([ChatMessage("user", question, (photo,))], GREEDY, max_tokens=4)
    assert plain.stats and one.stats and three.stats
    assert (one.stats.image_tiles, three.stats.image_tiles) == (1, 3)
    per_tile = one.stats.prompt_tokens - plain.stats.prompt_tokens
    assert per_tile > 0
    # Three images reached the model (plus the connective text between them).
    assert three.stats.prompt_tokens - plain.stats.prompt_tokens > 3 * per_tile - 3
    parts = body["messages"][0]["content"]
    kinds = [part["type"] for part in parts]
    assert kinds == ["text", "image_url", "text", "image_url", "text", "image_url", "text"]
    assert parts[0]["text"] == "Here is the original image \n\n"
    assert parts[2]["text"] == "\n\n and here are some crops to help you see better \n\n"
    assert parts[4]["text"] == "\n\n \n\n"
    assert parts[6]["text"] == "\n\n" + question
