"""Fuzz harness: plain text and Markdown (encoding detection, paragraphs, headings, lines).

Input: the bytes of a file; the first byte picks ``.txt`` (even) or ``.md`` (odd), the rest is
the file, so one corpus covers both readers. Extracted as the sandbox child extracts it (see
``document_target``).
"""

from __future__ import annotations

from document_target import target
from harness import main

_text = target(".txt")
_markdown = target(".md")


def one_input(data: bytes) -> None:
    if not data:
        return
    (_markdown if data[0] & 1 else _text)(data[1:])


if __name__ == "__main__":
    main(one_input)
