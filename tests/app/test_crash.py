"""Native crashes of the GUI process are captured by faulthandler and shown on the next start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import crash


def test_a_native_crash_is_logged_and_reported_next_time(qtbot: QtBot, tmp_path: Path) -> None:
    log = tmp_path / "crash.log"
    script = (
        "import ctypes, sys\n"
        "from pathlib import Path\n"
        "from app import crash\n"
        f"crash.install_faulthandler(Path({str(log)!r}))\n"
        "ctypes.string_at(0)\n"  # a segfault, like one inside llama.cpp or Qt
    )
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    result = subprocess.run([sys.executable, "-c", script], env=env, check=False, timeout=60)
    assert result.returncode != 0
    previous = crash.install_faulthandler(log)
    try:
        assert previous is not None and "Segmentation fault" in previous
        box = crash.show_previous_crash(None, previous)
        assert box.isVisible() and "Segmentation fault" in box.detailedText()
        box.close()
    finally:
        crash.close_faulthandler(log)
    assert not log.exists()  # a clean exit leaves no log behind
    assert QApplication.instance() is not None
