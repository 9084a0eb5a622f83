"""Fuzz harness: the GGUF header reader (``engine.model.gguf_header.read_gguf_header``).

Model files are untrusted: the reader may only raise ``ModelFileError``. Each input is written
to a file in RAM and read the way the app reads a model, also asking for the tokenizer arrays
(the longest code path). See ``tests/fuzz/README.md``.
"""

from __future__ import annotations

import atheris
from harness import INSTRUMENTED, check, input_file, main, scratch_dir

with atheris.instrument_imports(include=list(INSTRUMENTED)):
    from engine.errors import ModelFileError
    from engine.model.gguf_header import read_gguf_header

_DIR = scratch_dir()
_KEEP = ("tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type")


def one_input(data: bytes) -> None:
    with input_file(_DIR, data, ".gguf") as path:
        check(lambda: read_gguf_header(path, keep_arrays=_KEEP), (ModelFileError,))


if __name__ == "__main__":
    main(one_input)
