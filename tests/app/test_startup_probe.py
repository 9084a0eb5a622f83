"""The cold-start probe: the time from a given launch to the first paint of the main window."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app import startup_probe


def test_nothing_without_the_variable(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(startup_probe.ENV_VAR, raising=False)
    assert startup_probe.install_from_env(qapp) is None


def test_a_value_that_is_no_time_is_ignored_with_a_message(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(startup_probe.ENV_VAR, "soon")
    assert startup_probe.install_from_env(qapp) is None
    assert "'soon' is not a time in seconds" in capsys.readouterr().err


def test_reports_the_first_paint_of_the_named_window_only(
    qtbot: QtBot, qapp: QApplication, capsys: pytest.CaptureFixture[str]
) -> None:
    launched = time.time() - 3.0  # as if the process had started three seconds ago
    probe = startup_probe.StartupProbe(qapp, launched, window_name="mainWindow", quit_after=False)
    other = QWidget()
    other.setObjectName("someDialog")
    qtbot.addWidget(other)
    other.show()
    qtbot.waitExposed(other)
    qapp.processEvents()
    assert probe.elapsed is None
    window = QWidget()
    window.setObjectName("mainWindow")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: probe.elapsed is not None)
    assert probe.elapsed is not None and probe.elapsed >= 3.0
    out = capsys.readouterr().out
    assert out.count(startup_probe.PREFIX) == 1
    assert f"window painted {probe.elapsed:.3f} s after launch (platform offscreen)" in out
    window.update()
    qapp.processEvents()
    assert capsys.readouterr().out == ""  # one report, not one per paint


@pytest.mark.timeout(900)  # quitting waits for the model load the window started
def test_the_real_app_reports_its_window_and_quits_by_itself(
    tmp_path: Path, model_path: Path
) -> None:
    data = tmp_path / "data"
    (data / "models").mkdir(parents=True)
    (data / "models" / model_path.name).symlink_to(model_path)  # no second copy of the model
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    env[startup_probe.ENV_VAR] = f"{time.time():.6f}"
    result = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith(startup_probe.PREFIX)]
    assert len(lines) == 1 and "(platform offscreen)" in lines[0], result.stdout
