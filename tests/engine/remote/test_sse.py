"""Server-sent events and the error sentences, on their own."""

from __future__ import annotations

import email.utils

import pytest

from engine.remote.errors import MalformedStreamError, describe_status, retry_after_seconds
from engine.remote.sse import chunks, parse_events


def test_events_join_data_lines_and_skip_comments() -> None:
    lines = [
        ": keep-alive",
        "",
        "event: message",
        'data: {"a":',
        "data: 1}",
        "",
        "data: [DONE]",
        "",
    ]
    events = list(parse_events(lines))
    assert [e.data for e in events] == ['{"a":\n1}', "[DONE]"]
    assert list(chunks(events, "X")) == [{"a": 1}]


def test_a_last_event_without_a_blank_line_still_counts() -> None:
    assert [e.data for e in parse_events(["data: {}"])] == ["{}"]


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        (["data: {nope", ""], "not JSON"),
        (["data: [1, 2]", ""], "not an object"),
        (['data: {"error": {"message": "context full"}}', ""], "context full"),
        (["event: error", 'data: {"x": 1}', ""], "stopped the answer"),
    ],
)
def test_bad_chunks_are_one_sentence(lines: list[str], words: str) -> None:
    with pytest.raises(MalformedStreamError, match=words):
        list(chunks(parse_events(lines), "Box"))


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after_seconds("12") == 12
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    now = 1_800_000_000.0
    assert retry_after_seconds(email.utils.formatdate(now + 30, usegmt=True), now=now) == 30
    assert retry_after_seconds(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0


def test_status_sentences() -> None:
    assert "refused the API key (HTTP 403)" in str(describe_status(403, "Box"))
    assert "does not know the model 'm'" in str(describe_status(404, "Box", model="m"))
    busy = describe_status(429, "Box", retry_after="3")
    assert "about 3 s" in str(busy) and busy.status == 429
    assert "loading a model" in str(describe_status(503, "Box"))
    html = describe_status(500, "Box", body=b"<html>oops</html>")
    assert "said" not in str(html)  # an HTML error page is not quoted
