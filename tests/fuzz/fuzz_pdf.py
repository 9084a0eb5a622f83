"""Fuzz harness: a PDF file (PDFium text and scan detection, the pypdf fallback).

Input: a whole ``.pdf`` file, extracted as the sandbox child extracts it. See
``document_target`` for how the sandbox is mirrored and ``tests/fuzz/README.md`` for runs.
"""

from __future__ import annotations

from document_target import target
from harness import main

one_input = target(".pdf")

if __name__ == "__main__":
    main(one_input)
