"""Stop sequences over streamed pieces: nothing past the stop is shown, nothing is lost."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.api_server.stops import StopScanner


def run(pieces: list[str], stops: list[str]) -> tuple[str, bool]:
    scanner = StopScanner(stops)
    shown = "".join(scanner.feed(piece) for piece in pieces) + scanner.flush()
    return shown, scanner.stopped


def test_a_stop_split_across_pieces_is_found_and_hidden() -> None:
    assert run(["Hello wo", "rld\n", "\nNext"], ["\n\n"]) == ("Hello world", True)


def test_a_partial_match_that_does_not_complete_is_shown() -> None:
    assert run(["ab", "c", "d"], ["cx"]) == ("abcd", False)


def test_no_stops_passes_text_through() -> None:
    scanner = StopScanner([])
    assert scanner.feed("abc") == "abc"


@given(
    text=st.text(alphabet="abc\n", max_size=40),
    cuts=st.lists(st.integers(0, 40), max_size=6),
    stop=st.text(alphabet="abc\n", min_size=1, max_size=4),
)
def test_any_split_gives_the_text_up_to_the_first_stop(
    text: str, cuts: list[int], stop: str
) -> None:
    points = sorted({min(c, len(text)) for c in cuts})
    pieces = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
    index = text.find(stop)
    expected = (text[:index], True) if index >= 0 else (text, False)
    assert run(pieces, [stop]) == expected
