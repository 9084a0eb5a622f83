"""The document harnesses' target: one input through the sandbox child's own code path.

Going through the real sandbox (a fresh ``spawn`` child per document, ~0.5 s before the parser
even runs) would give about one execution a second, so each input is extracted in the fuzzing
process itself, by the function the child runs (``iter_extract_unsafe``), followed by the
child's JSON encoding of the result, under the child's memory limit (``RLIMIT_AS``,
``sandbox.DEFAULT_MEMORY_MB``). The child's wall-clock deadline is replaced by libFuzzer's
``-timeout``, a per-input limit. ``HEARTH_FUZZ_SANDBOX=1`` sends every input through the real
sandbox instead (``extract_document``: child process, limits, pipe), slowly.

The contract is the sandbox's: ``DocumentError`` is the clear error; ``RecursionError`` is one
too (the child reports it as "nested too deeply"). Anything else, which the child would report
as "the reader failed (...)", is a bug.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

import atheris
from harness import INSTRUMENTED, check, input_file, limit_address_space, scratch_dir

THROUGH_SANDBOX = os.environ.get("HEARTH_FUZZ_SANDBOX") == "1"

with atheris.instrument_imports(include=[*INSTRUMENTED, "pypdf", "docx", "bs4", "markdown_it"]):
    # The extractors import their libraries lazily; import them here, instrumented.
    from engine.documents import epub, extract, pdf, plaintext, sandbox, web, word  # noqa: F401
    from engine.documents.errors import DocumentError

ALLOWED: tuple[type[BaseException], ...] = (DocumentError, RecursionError)


def _in_process(path: str) -> None:
    generator = extract.iter_extract_unsafe(path)
    while True:
        try:
            next(generator)
        except StopIteration as stop:
            document = stop.value
            break
    json.dumps({"type": "result", "document": document.to_dict()}, ensure_ascii=False)


def _through_sandbox(path: str) -> None:
    sandbox.extract_document(path, timeout_s=20.0)


def target(suffix: str) -> Callable[[bytes], None]:
    """The one-input function for files named ``*<suffix>``."""
    directory = scratch_dir()
    run = _through_sandbox if THROUGH_SANDBOX else _in_process
    if not THROUGH_SANDBOX:
        limit_address_space(sandbox.DEFAULT_MEMORY_MB)

    def one_input(data: bytes) -> None:
        with input_file(directory, data, suffix) as path:
            check(lambda: run(str(path)), ALLOWED)

    return one_input
