"""What every Hearth fuzz harness shares: the contract, the limits and the entry point.

A harness script (``tests/fuzz/fuzz_<parser>.py``) is run directly, as a libFuzzer binary::

    python tests/fuzz/fuzz_gguf_header.py NEW_INPUTS_DIR tests/fuzz/corpus/gguf_header \\
        -seed=1 -atheris_runs=20000 -timeout=10 -rss_limit_mb=3072

**The contract.** A parser of untrusted bytes may fail only with Hearth's own clear error type
for that input (``ModelFileError``, ``ImageError``, ``DocumentError``: each a ``HearthError``
carrying one human sentence). Any other exception escapes the harness, so atheris reports it as
a crash and writes the input to ``crash-<sha1>``; a hang is reported by libFuzzer's
``-timeout``, memory growth by ``-rss_limit_mb`` (and, where a harness sets one, by the address
space limit the sandbox itself uses).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"

if str(ROOT) not in sys.path:  # run as a script: make ``engine`` importable
    sys.path.insert(0, str(ROOT))

# Modules whose Python code is instrumented for coverage feedback (C extensions cannot be).
INSTRUMENTED = ("engine",)


def check(call: Callable[[], object], allowed: tuple[type[BaseException], ...]) -> None:
    """Run ``call``; swallow only the ``allowed`` clear errors, let everything else escape."""
    try:
        call()
    except allowed as error:
        if not str(error).strip():
            raise AssertionError(f"{type(error).__name__} without a message") from error


def scratch_dir() -> Path:
    """A RAM-backed directory when there is one (inputs are written there as files)."""
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="hearth-fuzz-", dir=base))


@contextmanager
def input_file(directory: Path, data: bytes, suffix: str) -> Iterator[Path]:
    """``data`` as a real file (the parsers under test open paths, as the app does)."""
    path = directory / f"input{suffix}"
    path.write_bytes(data)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def limit_address_space(memory_mb: int) -> None:
    """The sandbox child's memory limit (``RLIMIT_AS``), for harnesses that mirror the child."""
    import resource

    limit = memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    value = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (value, hard))


def main(one_input: Callable[[bytes], None], argv: Sequence[str] | None = None) -> None:
    """Hand ``one_input`` to atheris (libFuzzer) with the command line's options."""
    import atheris

    args = list(sys.argv if argv is None else argv)
    atheris.Setup(args, one_input)
    atheris.Fuzz()
