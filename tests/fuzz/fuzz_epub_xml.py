"""Fuzz harness: an EPUB's package document, a chapter and its navigation, in a valid ZIP.

Input: ``content.opf``, ``chapter1.xhtml`` and ``nav.xhtml`` joined by
``zip_members.PART_SEPARATOR``; packed with a fixed ``mimetype`` and ``container.xml`` and
extracted as the sandbox child extracts it.
"""

from __future__ import annotations

from document_target import target
from harness import main
from zip_members import epub_with

_extract = target(".epub")


def one_input(data: bytes) -> None:
    _extract(epub_with(data))


if __name__ == "__main__":
    main(one_input)
