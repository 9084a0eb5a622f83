"""The short CI run of every fuzz harness: a fixed corpus, a fixed seed, a fixed number of runs.

Each harness runs as its own process (libFuzzer exits the process on a finding, so a crash is
reported here as a failure with its traceback, not fatal to pytest). New inputs the fuzzer finds
go to a temporary directory: the committed corpus never changes. The long run is documented in
``tests/fuzz/README.md``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris", reason="atheris ships wheels for Linux only")

FUZZ_DIR = Path(__file__).resolve().parent
CORPUS = FUZZ_DIR / "corpus"
# Runs per harness in CI: a few seconds each on this 2-core machine (parsers differ in speed).
RUNS = {
    "gguf_header": 10_000,
    "image_loading": 1_500,
    "pdf": 1_500,
    "docx": 600,
    "docx_xml": 400,
    "epub": 1_500,
    "epub_xml": 1_500,
    "html": 500,
    "plaintext": 1_500,
}


def run_harness(
    script: Path, work: Path, *corpus: Path, runs: int, extra: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    new_inputs = work / "new"
    new_inputs.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        str(script),
        str(new_inputs),
        *(str(path) for path in corpus),
        "-seed=1",
        f"-atheris_runs={runs}",
        "-timeout=30",
        "-rss_limit_mb=3072",
        f"-artifact_prefix={work}{os.sep}",
        *extra,
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    # Linux keeps a process's peak RSS across exec (getrusage's ru_maxrss), and libFuzzer's
    # -rss_limit_mb reads it: a harness started straight from a pytest process that has grown
    # past the limit reports an "oom" at once (seen in the full suite). A shell that forks the
    # harness gives it a fresh peak; the second command stops the shell from exec'ing it.
    if os.name == "posix":
        command = ["/bin/sh", "-c", '"$@"; exit $?', "sh", *command]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=600, env=env, cwd=work, check=False
    )


def test_every_harness_has_a_seed_corpus() -> None:
    harnesses = {path.stem.removeprefix("fuzz_") for path in FUZZ_DIR.glob("fuzz_*.py")}
    assert harnesses == set(RUNS)
    for name in harnesses:
        seeds = [path for path in (CORPUS / name).iterdir() if path.is_file()]
        assert seeds, name
        assert all(0 < path.stat().st_size <= 64 * 1024 for path in seeds), name


@pytest.mark.parametrize("name", sorted(RUNS))
def test_harness_short_run_finds_nothing(name: str, tmp_path: Path) -> None:
    result = run_harness(FUZZ_DIR / f"fuzz_{name}.py", tmp_path, CORPUS / name, runs=RUNS[name])
    output = result.stdout + result.stderr
    crashes = sorted(path.name for path in tmp_path.iterdir() if path.name != "new")
    assert result.returncode == 0 and not crashes, (
        f"fuzz_{name} found {crashes} (exit {result.returncode}); reproduce with "
        f"python tests/fuzz/fuzz_{name}.py <file>\n{output[-6000:]}"
    )
    assert f"Done {RUNS[name]} in" in output, output[-2000:]


def test_a_broken_contract_is_reported_as_a_crash(tmp_path: Path) -> None:
    """The machinery itself: an exception outside the contract fails the run and is saved."""
    script = tmp_path / "fuzz_broken.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(FUZZ_DIR)!r})\n"
        "from harness import check, main\n"
        "from engine.errors import HearthError\n"
        "def parse(data: bytes) -> None:\n"
        "    if data[:1] == b'H':\n"
        "        raise HearthError('a clear error')\n"
        "    if len(data) > 2:\n"
        "        raise KeyError('not a clear error')\n"
        "def one_input(data: bytes) -> None:\n"
        "    check(lambda: parse(data), (HearthError,))\n"
        "main(one_input)\n",
        encoding="utf-8",
    )
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "clear").write_bytes(b"Hello")
    (seeds / "bug").write_bytes(b"abc")
    result = run_harness(script, tmp_path, seeds, runs=100)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "KeyError: 'not a clear error'" in output
    assert any(path.name.startswith("crash-") for path in tmp_path.iterdir())
