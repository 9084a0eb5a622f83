"""Fuzz harness: an EPUB book (ZIP guards, container, OPF, spine, navigation, XHTML).

Input: a whole ``.epub`` file, extracted as the sandbox child extracts it. See
``document_target`` for how the sandbox is mirrored and ``tests/fuzz/README.md`` for runs.
"""

from __future__ import annotations

from document_target import target
from harness import main

one_input = target(".epub")

if __name__ == "__main__":
    main(one_input)
