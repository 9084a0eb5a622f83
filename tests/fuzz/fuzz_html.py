"""Fuzz harness: an HTML page (encoding, BeautifulSoup/lxml, main-content pruning).

Input: a whole ``.html`` file, extracted as the sandbox child extracts it. See
``document_target`` for how the sandbox is mirrored and ``tests/fuzz/README.md`` for runs.
"""

from __future__ import annotations

from document_target import target
from harness import main

one_input = target(".html")

if __name__ == "__main__":
    main(one_input)
