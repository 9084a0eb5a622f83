"""Take screenshots of the real Hearth window driving the real bundled model.

Run it on a real (virtual) screen so the xcb platform plugin, fonts and styles are the ones a
user gets:

    xvfb-run -a -s "-screen 0 1280x900x24" .venv/bin/python packaging/screenshots.py --out shots

Each scene is a function that prepares the window and returns once it is worth a picture.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtWidgets import QApplication

from app.main_window import MainWindow
from engine.chat.sampling import SamplingParams
from engine.model.bundled import bundled_model_path
from engine.paths import resolve_paths
from engine.worker.client import EngineClient
from engine.worker.protocol import ModelConfig


def pump_until(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if condition():
            return True
        time.sleep(0.01)
    return False


def scene_empty(window: MainWindow) -> None:
    pump_until(window.send_button.isEnabled, 60)


def scene_streamed_answer(window: MainWindow) -> None:
    pump_until(window.send_button.isEnabled, 60)
    window.composer.setPlainText("Tell me about the lighthouse at the end of the harbour.")
    window.send()
    pump_until(window.send_button.isEnabled, 120)


SCENES: dict[str, Callable[[MainWindow], None]] = {
    "empty": scene_empty,
    "streamed-answer": scene_streamed_answer,
}


def take(out: Path, names: list[str]) -> list[Path]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        paths = resolve_paths(scratch).ensure()
        model = bundled_model_path(resolve_paths(None).models_dir)
        for name in names:
            client = EngineClient(log_path=paths.cache_dir / "worker.log")
            window = MainWindow(
                client,
                ModelConfig(model_path=str(model), n_ctx=4096),
                SamplingParams(seed=5),
                max_tokens=80,
            )
            window.resize(1000, 720)
            window.show()
            SCENES[name](window)
            pump_until(lambda: False, 0.3)  # let the last paint land
            target = out / f"{name}.png"
            window.grab().save(str(target))
            written.append(target)
            window.close()
            client.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("scenes", nargs="*", default=list(SCENES))
    args = parser.parse_args()
    for path in take(args.out, args.scenes):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
