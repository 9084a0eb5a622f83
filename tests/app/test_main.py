"""``hearth`` arguments: files to open and the version."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.main import parse_args
from engine import __version__

ROOT = Path(__file__).resolve().parents[2]


def test_files_and_options() -> None:
    args = parse_args(["--data-dir", "/tmp/d", "a.png", "docs/b.pdf"])
    assert args.data_dir == "/tmp/d"
    assert args.files == [Path("a.png"), Path("docs/b.pdf")]
    assert parse_args([]).files == []


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"Hearth {__version__}\n"


def test_version_of_the_real_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "--version"],
        cwd=ROOT,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0 and result.stdout == f"Hearth {__version__}\n", result.stderr
