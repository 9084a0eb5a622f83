"""Start Hearth: parse arguments, set up paths and the engine, show the window."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication

from app import crash
from app.main_window import MainWindow
from engine.chat.sampling import SAMPLING_PRESETS
from engine.errors import HearthError
from engine.model.bundled import bundled_model_path
from engine.paths import resolve_paths
from engine.worker.client import EngineClient
from engine.worker.protocol import ModelConfig


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hearth", description="Hearth, the offline assistant.")
    parser.add_argument("--data-dir", default=None, help="where Hearth keeps its files")
    parser.add_argument("--model", default=None, help="a Gemma 3 GGUF file to use")
    parser.add_argument("--ctx", type=int, default=8192, help="context size in tokens")
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Hearth")
    paths = resolve_paths(args.data_dir).ensure()
    previous_crash = crash.install_faulthandler(paths.crash_log)
    crash.install_exception_hook()
    if previous_crash:
        crash.show_crash_dialog(
            None,
            "Hearth crashed last time",
            "Hearth stopped unexpectedly the last time it ran. The details are below.",
            previous_crash,
        )
    try:
        model = args.model or str(bundled_model_path(paths.models_dir))
    except HearthError as exc:
        crash.show_crash_dialog(None, "Hearth cannot start", str(exc), str(exc))
        return 1
    client = EngineClient(log_path=paths.cache_dir / "worker.log")
    window = MainWindow(
        client, ModelConfig(model_path=model, n_ctx=args.ctx), SAMPLING_PRESETS["gemma"]
    )
    window.show()
    try:
        return app.exec()
    finally:
        client.close()
        crash.close_faulthandler(paths.crash_log)
