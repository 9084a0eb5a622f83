"""Start Hearth: parse arguments, set up paths, settings, the store and the engine, show the
window."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app import crash, startup_probe
from app.context import AppContext
from app.main_window import MainWindow
from app.models.registry import ModelRegistry
from app.settings_controller import SettingsController
from app.theme import ThemeManager
from app.translations import LanguageManager
from app.ui_state import UiState
from app.warmup import Warmup
from engine.errors import HearthError
from engine.model.bundled import bundled_model_path
from engine.paths import AppPaths, resolve_paths
from engine.store import HistoryStore
from engine.worker.client import EngineClient

UI_STATE_FILENAME = "ui-state.ini"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hearth", description="Hearth, the offline assistant.")
    parser.add_argument("--data-dir", default=None, help="where Hearth keeps its files")
    parser.add_argument("--model", default=None, help="a Gemma 3 GGUF file to use")
    parser.add_argument("--ctx", type=int, default=None, help="context size in tokens")
    return parser.parse_args(list(argv))


def build_context(
    app: QApplication,
    paths: AppPaths,
    bundled: Path,
    *,
    client: EngineClient | None = None,
    store: HistoryStore | None = None,
) -> AppContext:
    """Everything the window needs, built from one data directory (also used by tests)."""
    settings = SettingsController(paths.settings_path)
    return AppContext(
        client=client or EngineClient(log_path=paths.cache_dir / "worker.log"),
        store=store or HistoryStore.open(paths),
        settings=settings,
        paths=paths,
        ui_state=UiState(paths.data_dir / UI_STATE_FILENAME),
        registry=ModelRegistry(paths.data_dir, paths.models_dir, bundled),
        bundled_model=bundled,
        languages=LanguageManager(app),
        themes=ThemeManager(app),
    )


def open_window(context: AppContext, *, warm_up: bool = True) -> MainWindow:
    """Build and show the window, then warm the renderer (lexers, fonts) while the model
    loads, so the first streamed answer does not pay for it (``window.findChild(Warmup)``).
    Also used by the benchmark."""
    window = MainWindow(context)
    window.show()
    if warm_up:
        Warmup(window.chat_view.font(), window).start()
    return window


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Hearth")
    app.setApplicationDisplayName("Hearth")
    startup_probe.install_from_env(app)  # measurement only: HEARTH_STARTUP_PROBE
    paths = resolve_paths(args.data_dir).ensure()
    previous_crash = crash.install_faulthandler(paths.crash_log)
    crash.install_exception_hook()
    try:
        bundled = bundled_model_path(paths.models_dir)
        context = build_context(app, paths, bundled)
    except HearthError as exc:
        crash.show_crash_dialog(None, "Hearth cannot start", str(exc), str(exc))
        return 1
    if args.model or args.ctx:
        changes: dict[str, object] = {}
        if args.model:
            changes["model_path"] = str(Path(args.model).resolve())
            context.registry.add(Path(args.model).resolve())
        if args.ctx:
            changes["context_size"] = args.ctx
        context.settings.update(**changes)
    window = open_window(context)
    for warning in (*context.settings.warnings, *context.store.notices):
        window.show_notice(warning)
    if previous_crash:
        crash.show_previous_crash(window, previous_crash)
    try:
        return app.exec()
    finally:
        context.client.close()
        context.store.close()
        crash.close_faulthandler(paths.crash_log)
