"""``Hearth --smoke-test`` from the source tree: the same steps the packaged build's CI check
runs, in a child process as the package runs it (real worker, real sandbox, real kills)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

DATA = Path(__file__).resolve().parent.parent / "data"


def run_smoke(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    code = "import sys; from app.smoke import main; raise SystemExit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, "--smoke-test", *extra],
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )


@pytest.mark.timeout(1800)  # three model loads; slow on a busy 2-core machine
def test_every_step_works_and_crashes_stay_isolated(tmp_path: Path) -> None:
    shot = tmp_path / "shots" / "window.png"
    result = run_smoke(
        tmp_path,
        "--image",
        str(DATA / "f3-discovery-board.jpeg"),
        "--pdf",
        str(DATA / "documents" / "sample-3-pages.pdf"),
        "--screenshot",
        str(shot),
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["frozen"] is False and report["platform"] == "offscreen"
    assert report["window"] is True and report["answer"]
    assert report["stored_roles"][-2:] == ["user", "assistant"]
    assert report["worker_executable"] == os.path.realpath(sys.executable)
    assert report["tiles"] >= 1 and report["pdf_sections"] >= 1
    kills = report["crash_isolation"]
    assert [kill["signal"] for kill in kills] == ["SIGKILL", "SIGSEGV"]
    pids = [report["worker_pid"], *(kill["new_pid"] for kill in kills)]
    assert len(set(pids)) == 3 and all(kill["answer"] for kill in kills)
    assert report["worker_faulthandler"] is True
    assert report["gui_faulthandler"]["exitcode"] == -11
    image = QImage(str(shot))
    assert not image.isNull() and image.width() >= 600 and image.height() >= 400


def test_a_missing_file_fails_with_a_clear_message(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.pdf"
    result = run_smoke(
        tmp_path, "--image", str(DATA / "f3-discovery-board.jpeg"), "--pdf", str(missing)
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("smoke: FAILED: ")
    assert "nowhere.pdf" in result.stderr
    assert "Traceback" not in result.stderr
