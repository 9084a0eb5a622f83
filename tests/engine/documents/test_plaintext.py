# ruff: noqa: RUF001 - multilingual test text is the point of these tests
"""Plain text and Markdown: every encoding read right, sections with line or page anchors."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from engine.documents import DocumentError, extract_unsafe
from engine.documents.encoding import decode_text

JAPANESE = (
    "暖房と冷房の運転を切り替えます。設定温度を二度上げてください。"
    "東京の天気は明日から晴れる見込みです。ｶﾀｶﾅも混ざります。\n"
) * 4
CHINESE = (
    "北京是中国的首都，也是一座历史悠久的城市。我们明天上午九点在公园门口见面。"
    "请记得带上雨伞，因为天气预报说下午可能会下雨。\n"
) * 4
MIXED = "English, Ünïcödé, Ελληνικά, русский, 日本語, 中文, emoji 👨‍👩‍👧 🇯🇵.\n"


@pytest.mark.parametrize(
    ("encoding", "prefix", "text"),
    [
        ("utf-8", b"", MIXED),
        ("utf-8", codecs.BOM_UTF8, MIXED),
        ("utf-16-le", codecs.BOM_UTF16_LE, MIXED),
        ("utf-16-be", codecs.BOM_UTF16_BE, MIXED),
        ("utf-32-le", codecs.BOM_UTF32_LE, MIXED),
        ("utf-32-be", codecs.BOM_UTF32_BE, MIXED),
        ("utf-16-le", b"", "Plain ASCII text in UTF-16 without a byte-order mark.\n" * 3),
        ("utf-16-be", b"", "Plain ASCII text in UTF-16 without a byte-order mark.\n" * 3),
        ("shift_jis", b"", JAPANESE),
        ("euc_jp", b"", JAPANESE.replace("ｶﾀｶﾅ", "カタカナ")),
        ("gbk", b"", CHINESE),
        ("big5", b"", "臺北是臺灣最大的城市，我們明天早上九點在公園門口見面。\n" * 4),
        ("windows-1252", b"", "Crème brûlée and naïve café — “quoted” text.\n" * 4),
    ],
)
def test_each_encoding_is_read_right(
    tmp_path: Path, encoding: str, prefix: bytes, text: str
) -> None:
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(prefix + text.encode(encoding))

    document = extract_unsafe(path)

    assert document.format == "text"
    assert document.text == text.strip("\n").replace("\n\n", "\n")
    assert document.encoding is not None
    assert (
        codecs.lookup(document.encoding).name == codecs.lookup(document.encoding).name
    )  # a real codec name


def test_guessed_encodings_are_reported_and_bom_encodings_are_not() -> None:
    guessed = decode_text(JAPANESE.encode("shift_jis"), "a.txt")
    assert guessed.guessed
    assert guessed.text == JAPANESE
    certain = decode_text(codecs.BOM_UTF16_LE + MIXED.encode("utf-16-le"), "b.txt")
    assert not certain.guessed
    assert certain.encoding == "utf-16-le"


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(bytes(range(256)) * 64)

    with pytest.raises(DocumentError, match=r"^data\.txt does not look like a text file\.$"):
        extract_unsafe(path)


def test_long_plain_text_is_split_into_sections_with_original_line_numbers(
    tmp_path: Path,
) -> None:
    lines = []
    for paragraph in range(60):
        lines += [f"Paragraph {paragraph} line {n} has some words in it." for n in range(3)]
        lines += ["", ""] if paragraph % 2 else [""]
    path = tmp_path / "notes.txt"
    path.write_text("\n".join(lines), encoding="utf-8")

    document = extract_unsafe(path)

    assert len(document.sections) > 1
    original = path.read_text(encoding="utf-8").split("\n")
    for section in document.sections:
        assert section.line_start is not None and section.line_end is not None
        assert section.anchor == f"lines {section.line_start}\u2013{section.line_end}"
        first_line = section.text.split("\n")[0]
        last_line = section.text.split("\n")[-1]
        assert original[section.line_start - 1] == first_line
        assert original[section.line_end - 1] == last_line
    last_text_line = max(number for number, line in enumerate(lines, start=1) if line)
    assert document.sections[-1].line_end == last_text_line


def test_form_feeds_make_pages(tmp_path: Path) -> None:
    path = tmp_path / "printed.txt"
    path.write_text("Page one text.\n\fPage two text.\nmore\n\f\fPage four.\n\f", encoding="utf-8")

    document = extract_unsafe(path)

    assert document.pages == 4
    assert [(s.anchor, s.text) for s in document.sections] == [
        ("p. 1", "Page one text."),
        ("p. 2", "Page two text.\nmore"),
        ("p. 4", "Page four."),
    ]
    assert document.sections[1].line_start == 2


MARKDOWN = """Intro paragraph before any heading.

# Hearth Guide

Welcome text.

## Install ##
Run the installer.

```python
# not a heading
def main():

    return 0
```
Setext Heading
--------------
Under the setext heading.

    indented code stays
"""


def test_markdown_is_split_at_headings_outside_code_fences(tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_text(MARKDOWN, encoding="utf-8")

    document = extract_unsafe(path)

    assert document.format == "markdown"
    assert document.title == "Hearth Guide"
    assert [(s.anchor, s.level, s.line_start, s.line_end) for s in document.sections] == [
        ("line 1", None, 1, 1),
        ("§ Hearth Guide", 1, 3, 5),
        ("§ Install", 2, 7, 15),
        ("§ Setext Heading", 2, 16, 20),
    ]
    install = document.sections[2].text
    assert "# not a heading" in install
    assert "def main():\n\n    return 0\n```" in install
    assert document.sections[3].text.endswith("    indented code stays")


def test_crlf_and_trailing_blanks_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "dos.txt"
    path.write_bytes(b"first line   \r\nsecond line\r\n\r\n\r\n\r\nthird\r\n")
    document = extract_unsafe(path)
    assert document.text == "first line\nsecond line\n\nthird"
