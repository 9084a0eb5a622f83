"""Hearth's API server with the official ``openai`` client, against the real worker."""

from __future__ import annotations

import base64
import http.client
import json
import threading
from typing import Any

import httpx2 as httpx
import openai
import pytest

from engine.vision.tiles import make_tiles

from .conftest import BODY_LIMIT, LiveServer, png_data_uri

pytestmark = pytest.mark.model

COUNTING = "Count from 1 to 1000, one number per line, and say nothing else."


def api(server: LiveServer, **options: Any) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key=server.token, **options)


def hearth(reply: Any) -> dict[str, Any]:
    extra = reply.model_extra or {}
    stats = extra.get("hearth")
    assert isinstance(stats, dict), extra
    return stats


def test_models_lists_the_loaded_model(live_server: LiveServer) -> None:
    assert live_server.server.address == ("127.0.0.1", live_server.server.port)
    models = api(live_server).models.list().data
    assert [m.id for m in models] == ["gemma-3-270m-q4_k_m"]


def test_non_streaming_and_streaming_give_the_same_greedy_answer(live_server: LiveServer) -> None:
    client = api(live_server)
    messages: Any = [{"role": "user", "content": "Name three colours."}]
    reply = client.chat.completions.create(
        model="gemma-3-270m-q4_k_m", messages=messages, max_tokens=24, temperature=0
    )
    text = reply.choices[0].message.content
    assert text and reply.choices[0].finish_reason in ("stop", "length")
    assert reply.usage is not None and reply.usage.completion_tokens >= 1
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens

    pieces: list[str] = []
    usage = None
    finish = None
    stream = client.chat.completions.create(
        model="any",
        messages=messages,
        max_tokens=24,
        temperature=0,
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = 0
    for chunk in stream:
        chunks += 1
        if chunk.usage is not None:
            usage = chunk.usage
        for choice in chunk.choices:
            pieces.append(choice.delta.content or "")
            finish = choice.finish_reason or finish
    assert "".join(pieces) == text
    assert chunks > 3  # really streamed, token by token
    assert finish == reply.choices[0].finish_reason
    assert usage is not None and usage.completion_tokens == reply.usage.completion_tokens


def test_a_growing_conversation_reuses_the_cache(live_server: LiveServer) -> None:
    client = api(live_server)
    messages: list[Any] = [
        {"role": "system", "content": "You answer in one short sentence."},
        {"role": "user", "content": "What is the capital of France? " + "Tell me. " * 60},
    ]
    first = client.chat.completions.create(model="x", messages=messages, max_tokens=16)
    assert first.usage is not None
    messages += [
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "And of Italy?"},
    ]
    second = client.chat.completions.create(model="x", messages=messages, max_tokens=16)
    assert second.usage is not None and second.usage.prompt_tokens_details is not None
    cached = second.usage.prompt_tokens_details.cached_tokens or 0
    assert cached >= first.usage.prompt_tokens  # the whole first turn is reused
    assert hearth(second)["reevaluated_tokens"] == second.usage.prompt_tokens - cached
    assert hearth(second)["reevaluated_tokens"] < 40  # only the new turn is read


def test_an_image_goes_through_pan_and_scan(live_server: LiveServer) -> None:
    uri = png_data_uri((900, 300))
    expected = len(make_tiles(base64.b64decode(uri.split(",", 1)[1]), "auto", None).tiles)
    assert expected > 1  # a wide picture: the full view and crops
    client = api(live_server)
    reply = client.chat.completions.create(
        model="x",
        max_tokens=4,
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is in this picture?"},
                    {"type": "image_url", "image_url": {"url": uri}},
                ],
            }
        ],
    )
    assert hearth(reply)["image_tiles"] == expected
    assert reply.usage is not None and reply.usage.prompt_tokens > expected * 256
    low = client.chat.completions.create(
        model="x",
        max_tokens=4,
        messages=[
            {
                "role": "user",
                "content": [{"type": "image_url", "image_url": {"url": uri, "detail": "low"}}],
            }
        ],
    )
    assert hearth(low)["image_tiles"] == 1


def test_a_broken_image_is_a_clear_400(live_server: LiveServer) -> None:
    junk = "data:image/png;base64," + base64.b64encode(b"not a picture at all").decode()
    with pytest.raises(openai.BadRequestError) as caught:
        api(live_server).chat.completions.create(
            model="x",
            max_tokens=4,
            messages=[
                {"role": "user", "content": [{"type": "image_url", "image_url": {"url": junk}}]}
            ],
        )
    assert caught.value.status_code == 400


def test_a_client_that_disconnects_mid_stream_cancels_the_generation(
    live_server: LiveServer,
) -> None:
    client = api(live_server)
    stream = client.chat.completions.create(
        model="x",
        messages=[{"role": "user", "content": COUNTING}],
        max_tokens=3000,
        stream=True,
    )
    received = 0
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            received += 1
        if received >= 5:
            break
    stream.close()  # the connection goes away mid-answer

    after = client.chat.completions.create(
        model="x", messages=[{"role": "user", "content": "Say hi."}], max_tokens=4
    )
    assert after.choices[0].message.content is not None
    records = live_server.gate.status().records
    cancelled, served = records[-2], records[-1]
    assert cancelled.cancel_requested
    assert cancelled.worker_finish == "cancelled"  # the worker reports the cancel
    assert cancelled.stats is not None and cancelled.stats.completion_tokens < 3000 // 4
    assert served.outcome == "done" and not served.cancel_requested


def test_past_the_queue_bound_the_server_says_503_with_retry_after(
    live_server: LiveServer,
) -> None:
    """One request running, one waiting (the bound is 1): the third is refused."""
    headers = {"Authorization": f"Bearer {live_server.token}"}
    url = live_server.base_url + "/chat/completions"
    long_body = {
        "model": "x",
        "messages": [{"role": "user", "content": COUNTING}],
        "max_tokens": 3000,
        "stream": True,
        # Greedy: the base model loops without an end-of-turn, so it is still answering
        # while the other two requests arrive (sampled, it may stop after a few tokens).
        "temperature": 0,
    }
    waiting_result: dict[str, Any] = {}

    def waiting_client() -> None:
        body = {"model": "x", "messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 4}
        waiting_result["reply"] = httpx.post(url, json=body, headers=headers, timeout=120)

    with (
        httpx.Client(timeout=120) as running,
        running.stream("POST", url, json=long_body, headers=headers) as first,
    ):
        assert first.status_code == 200
        # Keep the line iterator: dropping it closes the stream, which is a disconnect.
        lines = first.iter_lines()
        next(lines)
        thread = threading.Thread(target=waiting_client)
        thread.start()
        queued = threading.Event()
        for _ in range(6000):  # until the second request is queued (a bound, not a timing)
            if live_server.gate.status().waiting >= 1:
                queued.set()
                break
            queued.wait(0.01)
        assert queued.is_set(), (
            f"the second request never reached the queue: {live_server.gate.status()}, "
            f"{waiting_result}"
        )
        refused = api(live_server, max_retries=0)
        with pytest.raises(openai.APIStatusError) as caught:
            refused.chat.completions.create(
                model="x", messages=[{"role": "user", "content": "Me too"}], max_tokens=4
            )
        assert caught.value.status_code == 503
        assert int(caught.value.response.headers["retry-after"]) >= 1
    thread.join(120)  # the first client left: the waiting one is served next
    reply = waiting_result["reply"]
    assert reply.status_code == 200 and reply.json()["choices"][0]["message"]["content"]
    records = live_server.gate.status().records
    assert records[-2].worker_finish == "cancelled" and records[-1].outcome == "done"


def test_a_wrong_token_is_401(live_server: LiveServer) -> None:
    wrong = openai.OpenAI(base_url=live_server.base_url, api_key="hearth-not-the-token")
    with pytest.raises(openai.AuthenticationError) as caught:
        wrong.models.list()
    assert caught.value.status_code == 401
    assert "token" in str(caught.value).lower()
    missing = httpx.get(live_server.base_url + "/models", timeout=10)
    assert missing.status_code == 401


def test_an_oversized_body_is_413(live_server: LiveServer) -> None:
    big = "data:image/png;base64," + "A" * (BODY_LIMIT + 1024)
    with pytest.raises(openai.APIStatusError) as caught:
        api(live_server, max_retries=0).chat.completions.create(
            model="x",
            max_tokens=4,
            messages=[
                {"role": "user", "content": [{"type": "image_url", "image_url": {"url": big}}]}
            ],
        )
    assert caught.value.status_code == 413
    assert "limit" in str(caught.value)


def test_an_oversized_chunked_body_without_a_length_is_413(live_server: LiveServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", live_server.server.port, timeout=30)
    piece = b" " * (256 << 10)

    def body() -> Any:
        yield b'{"messages": ['
        for _ in range(BODY_LIMIT // len(piece) + 2):
            yield piece
        yield b"]}"

    connection.request(
        "POST",
        "/v1/chat/completions",
        body=body(),
        headers={
            "Authorization": f"Bearer {live_server.token}",
            "Content-Type": "application/json",
        },
        encode_chunked=True,
    )
    response = connection.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["error"]["code"] == "request_too_large"
    connection.close()


def test_completions_continue_raw_text(live_server: LiveServer) -> None:
    client = api(live_server)
    reply = client.completions.create(
        model="x", prompt="1, 2, 3, 4, 5,", max_tokens=24, temperature=0, stop=["9"]
    )
    text = reply.choices[0].text
    assert text.strip().startswith("6"), text
    assert "9" not in text
    assert reply.choices[0].finish_reason == "stop", text  # stopped by the stop sequence
    pieces = [
        c.choices[0].text
        for c in client.completions.create(
            model="x",
            prompt="1, 2, 3, 4, 5,",
            max_tokens=24,
            temperature=0,
            stop=["9"],
            stream=True,
        )
        if c.choices
    ]
    assert "".join(pieces) == text
