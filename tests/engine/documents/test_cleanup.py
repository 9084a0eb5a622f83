"""Text cleanup: running headers/footers, reflow and dehyphenation, characters, spaces."""

from __future__ import annotations

from engine.documents.cleanup import (
    clean_characters,
    collapse_spaces,
    reflow,
    split_paragraphs,
    strip_repeated_margins,
    tidy_paragraphs,
)


def _page(number: int, body: list[str]) -> list[str]:
    return ["ACME Annual Report 2024", *body, f"Page {number} of 9"]


def test_headers_and_page_numbers_repeating_on_most_pages_are_removed() -> None:
    pages = [
        _page(n, [f"Body of page {n} with its own long sentence number {n * 7}."])
        for n in range(1, 10)
    ]
    cleaned, removed = strip_repeated_margins(pages)

    assert removed == 18
    assert cleaned[4] == ["Body of page 5 with its own long sentence number 35."]


def test_short_lines_with_numbers_that_do_not_follow_the_page_are_kept() -> None:
    # "Total: N" at the bottom of every page looks like a footer, but the numbers do not run
    # with the page number, so it is content.
    pages = [
        [f"Invoice line for page {n} is a long enough line of text.", f"Total: {n * 37 % 11}"]
        for n in range(1, 8)
    ]
    cleaned, removed = strip_repeated_margins(pages)

    assert removed == 0
    assert cleaned == pages


def test_roman_page_numbers_and_dash_numbers_are_footers() -> None:
    roman = ["i", "ii", "iii", "iv", "v"]
    pages = [[f"Preface text {n} that is long enough to be body text.", roman[n]] for n in range(5)]
    cleaned, _ = strip_repeated_margins(pages)
    assert all(
        page == [f"Preface text {n} that is long enough to be body text."]
        for n, page in enumerate(cleaned)
    )

    pages = [
        [f"Chapter text {n} that is long enough to be body text.", f"- {n + 3} -"] for n in range(5)
    ]
    cleaned, removed = strip_repeated_margins(pages)
    assert removed == 5


def test_margins_need_enough_pages() -> None:
    pages = [["Header", "text one"], ["Header", "text two"]]
    cleaned, removed = strip_repeated_margins(pages)
    assert removed == 0
    assert cleaned == pages


def test_a_header_repeated_inside_the_body_is_kept_there() -> None:
    pages = [
        [
            "Running Title",
            f"Body {n} mentions the title in passing, as body text often does.",
            "Running Title",
            f"More body text {n} follows here and it is long enough to be body text.",
            f"And even more body text {n} closes the page with a long enough line.",
        ]
        for n in range(4)
    ]
    cleaned, removed = strip_repeated_margins(pages)
    assert removed == 4
    assert cleaned[0][0].startswith("Body 0 mentions")
    assert cleaned[0][1] == "Running Title"  # the one in the middle stays


def test_reflow_joins_lines_undoes_hyphenation_and_keeps_paragraphs() -> None:
    lines = [
        "The committee reviewed the infor-",
        "mation provided by the working group and found it accurate in every respect.",
        "It closed the meeting early.",
        "",
        "Second paragraph starts here and is long enough to be a normal line of text.",
        "- first bullet item",
        "- second bullet item",
        "A well-",
        "Known compound keeps its hyphen when the next part is capitalised in the text.",
    ]
    paragraphs = reflow(lines)

    assert paragraphs[0] == (
        "The committee reviewed the information provided by the working group and found it "
        "accurate in every respect. It closed the meeting early."
    )
    assert paragraphs[1].startswith("Second paragraph starts here")
    assert "- first bullet item" in paragraphs
    assert "- second bullet item" in paragraphs
    assert any("A well- Known compound" in paragraph for paragraph in paragraphs)


def test_reflow_joins_cjk_lines_without_a_space() -> None:
    paragraphs = reflow(["日本語の文章は行の途中で改行されることが", "あります。"])
    assert paragraphs == ["日本語の文章は行の途中で改行されることがあります。"]


def test_characters_are_cleaned() -> None:
    raw = "ﬁne ﬂow\r\nsoft\u00adhyphen\x07bell\x00nul\ufeff\rend\fpage"
    assert clean_characters(raw) == "fine flow\nsofthyphenbellnul\nend\fpage"


def test_spaces_are_collapsed() -> None:
    assert collapse_spaces("  a \t b\u00a0\u00a0c\u3000d  ") == "a b c d"
    assert collapse_spaces("a\u3000b", keep_ideographic=True) == "a\u3000b"
    assert tidy_paragraphs(["  one   two ", "", " \n ", "three\n\n  four"]) == [
        "one two",
        "three\nfour",
    ]


def test_split_paragraphs_keeps_indentation_inside_paragraphs() -> None:
    text = "def f():\n    return 1\n\n\n\nsecond   paragraph  \n"
    assert split_paragraphs(text) == ["def f():\n    return 1", "second   paragraph"]


def test_chapter_headers_carrying_the_page_number_are_removed() -> None:
    # Book headers change with the chapter but their number runs with the page (offset +3).
    chapters = ["Chapter 1: Basics"] * 4 + ["Chapter 2: Structure handling"] * 4
    pages = [
        [
            f"{chapters[index]} {index + 3}",
            f"Body text of page {index} is long enough to look like a normal line of text.",
            f"Body line {index} of this page happens to end with the number 7",
        ]
        for index in range(8)
    ]
    cleaned, removed = strip_repeated_margins(pages)

    assert removed == 8
    assert all(not page[0].startswith("Chapter") for page in cleaned)
    assert cleaned[3][-1].endswith("number 7")  # a constant number is not a page number


def test_numbered_headings_start_a_new_paragraph() -> None:
    lines = [
        "This paragraph is long enough to set the usual line length for the page here.",
        "It ends without a short line, because the heading follows immediately after it.",
        "2.2 Naming",
        "Consider this definition of a name in the usual way with a long line of text.",
    ]
    assert reflow(lines)[1] == "2.2 Naming"
