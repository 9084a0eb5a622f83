"""Markdown rendering: highlighted code blocks with copy links, safe links, no raw HTML."""

from __future__ import annotations

from app.chat.markdown import COPY_CODE_SCHEME, DARK, render_markdown


def test_code_blocks_are_highlighted_and_copyable() -> None:
    rendered = render_markdown("Text\n\n```python\ndef f():\n    return 1\n```\n\n```\nplain\n```")
    assert rendered.code_blocks == ["def f():\n    return 1\n", "plain\n"]
    assert f'href="{COPY_CODE_SCHEME}0"' in rendered.html
    assert f'href="{COPY_CODE_SCHEME}1"' in rendered.html
    assert '<span style="color: #007020; font-weight: bold">def</span>' in rendered.html


def test_streaming_text_with_an_unclosed_fence_still_renders() -> None:
    rendered = render_markdown("Start\n\n```js\nconst a = 1")
    assert rendered.code_blocks == ["const a = 1"]


def test_untrusted_html_and_links_are_neutralised() -> None:
    rendered = render_markdown(
        "<script>alert(1)</script> [x](javascript:alert(1)) [ok](https://a.b)"
    )
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert 'href="javascript' not in rendered.html
    assert 'href="https://a.b"' in rendered.html


def test_dark_palette_uses_dark_code_background() -> None:
    assert DARK.code_background in render_markdown("```\nx\n```", DARK).html


def test_settled_length_stops_before_the_unfinished_part() -> None:
    from app.chat.markdown import settled_length

    text = "One.\n\nTwo\n\n```py\nx = 1\n\ny = 2\n```\n\n- item\n\n  more of it\n\nLast"
    done = settled_length(text)
    assert text[done:] == "Last"
    assert settled_length("One.\n\n") == 0  # the blank line waits for the next line
    assert settled_length("One.\n\n```\ncode\n\nstill code") == len("One.\n\n")
    assert settled_length("- item\n\n  continued") == 0  # an indented line keeps the item open


def test_code_blocks_of_a_later_part_are_numbered_in_the_whole_message() -> None:
    rendered = render_markdown("```\nlater\n```", first_block=3)
    assert f'href="{COPY_CODE_SCHEME}3"' in rendered.html
    assert rendered.code_blocks == ["later\n"]


def test_code_fences_and_long_paragraphs_are_cut_too() -> None:
    from app.chat.markdown import settled_length

    # no blank lines at all (a small model's usual output): cut around the fences
    text = "Intro line\n```py\nx = 1\n```\nafter the code"
    assert text[settled_length(text) :] == "after the code"
    opened = "Intro line\n```py\nx = 1\n"
    assert opened[settled_length(opened) :] == "```py\nx = 1\n"
    # one endless paragraph: cut at a line break once the tail is long
    lines = [f"Sentence number {n} of a paragraph that goes on." for n in range(40)]
    long = "\n".join(lines)
    tail = long[settled_length(long) :]
    assert 0 < len(tail) < 700 and tail.startswith("Sentence number")
    # but never inside a list or a table
    items = "\n".join(f"- item {n} of a list that is long enough" for n in range(40))
    assert settled_length(items) == 0
    rows = "\n".join(f"| {n} | a table row that is long enough |" for n in range(40))
    assert settled_length(rows) == 0


def test_settled_length_goes_on_from_an_earlier_result() -> None:
    import random

    from app.chat.markdown import settled_length

    pieces = ["word ", "\n", "\n\n", "```py\n", "```\n", "- item\n", "  indented\n", "| a |\n"]
    pieces += ["A sentence that is plain and long enough to count.\n" * 4, "# Head\n"]
    chooser = random.Random(7)
    for _ in range(60):
        text = "".join(chooser.choice(pieces) for _ in range(chooser.randint(1, 80)))
        earlier = 0
        end = 0
        while end <= len(text):  # as a streaming answer grows
            assert settled_length(text[:end], earlier) == settled_length(text[:end])
            earlier = settled_length(text[:end])
            end += chooser.randint(1, 9)
