"""Start Hearth: parse arguments, set up paths, settings, the store and the engine, show the
window.

Only what deciding "am I the first Hearth?" needs is imported at module level: a second launch
hands its files to the running window and exits before the window, the store and the engine
are imported (which takes most of a second).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMessageBox

from app import single_instance
from app.app_icon import app_icon
from app.single_instance import InstanceServer
from engine import __version__
from engine.paths import AppPaths, resolve_paths
from engine.resources import APP_ID

if TYPE_CHECKING:
    from app.context import AppContext
    from app.file_open_events import FileOpenEvents
    from app.main_window import MainWindow
    from engine.chat.engine import ChatEngine
    from engine.model.discovery import SearchRoot
    from engine.store import HistoryStore

UI_STATE_FILENAME = "ui-state.ini"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hearth", description="Hearth, the offline assistant.")
    parser.add_argument("--data-dir", default=None, help="where Hearth keeps its files")
    parser.add_argument("--model", default=None, help="a Gemma 3 GGUF file to use")
    parser.add_argument("--ctx", type=int, default=None, help="context size in tokens")
    parser.add_argument(
        "--version", action="version", version=f"Hearth {__version__}", help="print the version"
    )
    parser.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="images to attach, documents to summarize or GGUF models to add; if Hearth is "
        "already running on this data directory, its window opens them",
    )
    return parser.parse_args(list(argv))


def claim_instance(app: QApplication, paths: AppPaths, files: list[Path]) -> InstanceServer | None:
    """Become the running Hearth for ``paths``, or give ``files`` to the one that is (None:
    this launch is done). A Hearth that does not answer gets a message and exits 1."""
    try:
        return single_instance.claim(
            single_instance.server_name(paths.data_dir),
            files,
            paths.data_dir / single_instance.LOCK_NAME,
        )
    except single_instance.InstanceNotResponding:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            app.translate("main", "Hearth is not responding"),
            app.translate(
                "main",
                "Hearth is already running for this data folder but did not answer. Close it "
                "(or end it in your system monitor) and start Hearth again.",
            ),
        )
        box.exec()
        raise


def attach_instance(server: InstanceServer, window: MainWindow) -> None:
    """Later launches' files go to ``window`` (which comes to the front)."""
    server.setParent(window)
    server.files_received.connect(window.open_from_launch)


def attach_file_open_events(app: QApplication, window: MainWindow) -> FileOpenEvents:
    """Files the platform sends as events (macOS Finder) go to ``window``. An application-wide
    filter sees every event, so ``main`` installs it only where such events exist."""
    from app.file_open_events import FileOpenEvents

    events = FileOpenEvents(window)
    events.files_opened.connect(window.open_from_launch)
    app.installEventFilter(events)
    return events


def build_context(
    app: QApplication,
    paths: AppPaths,
    bundled: Path,
    *,
    client: ChatEngine | None = None,
    store: HistoryStore | None = None,
    search_roots: Sequence[SearchRoot] | None = None,
) -> AppContext:
    """Everything the window needs, built from one data directory (also used by tests).

    ``search_roots``: where to look for other apps' models (default: their usual folders in
    the user's home, honouring their environment overrides).
    """
    from app.context import AppContext
    from app.models.registry import ModelRegistry
    from app.settings_controller import SettingsController
    from app.theme import ThemeManager
    from app.translations import LanguageManager
    from app.ui_state import UiState
    from engine.model.discovery import default_roots
    from engine.remote.switch import EngineSwitch
    from engine.store import HistoryStore
    from engine.worker.client import EngineClient

    if search_roots is None:
        search_roots = default_roots(os.environ, Path.home())
    settings = SettingsController(paths.settings_path)
    return AppContext(
        client=client or EngineSwitch(EngineClient(log_path=paths.cache_dir / "worker.log")),
        store=store or HistoryStore.open(paths),
        settings=settings,
        paths=paths,
        ui_state=UiState(paths.data_dir / UI_STATE_FILENAME),
        registry=ModelRegistry(
            paths.data_dir, paths.models_dir, bundled, search_roots=search_roots
        ),
        bundled_model=bundled,
        languages=LanguageManager(app),
        themes=ThemeManager(app),
    )


def open_window(context: AppContext, *, warm_up: bool = True) -> MainWindow:
    """Build and show the window, then warm the renderer (lexers, fonts) while the model
    loads, so the first streamed answer does not pay for it (``window.findChild(Warmup)``).
    Also used by the benchmark."""
    from app.main_window import MainWindow
    from app.warmup import Warmup

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
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # Wayland's app id: the desktop entry's icon and name
    app.setWindowIcon(app_icon())
    from app import startup_probe

    startup_probe.install_from_env(app)  # measurement only: HEARTH_STARTUP_PROBE
    paths = resolve_paths(args.data_dir).ensure()
    files = [path.absolute() for path in args.files]
    try:
        instance = claim_instance(app, paths, files)
    except single_instance.InstanceNotResponding:
        return 1
    if instance is None:
        return 0  # the running Hearth took the files
    from app import crash
    from engine.errors import HearthError
    from engine.model.bundled import bundled_model_path

    previous_crash = crash.install_faulthandler(paths.crash_log)
    crash.install_exception_hook()
    try:
        bundled = bundled_model_path(paths.models_dir)
        context = build_context(app, paths, bundled)
    except HearthError as exc:
        crash.show_crash_dialog(None, "Hearth cannot start", str(exc), str(exc))
        instance.close()
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
    attach_instance(instance, window)
    if sys.platform == "darwin":
        attach_file_open_events(app, window)
    if files:
        window.open_files(files)
    for warning in (*context.settings.warnings, *context.store.notices):
        window.show_notice(warning)
    if previous_crash:
        crash.show_previous_crash(window, previous_crash)
    try:
        return app.exec()
    finally:
        instance.close()
        context.client.close()
        context.store.close()
        crash.close_faulthandler(paths.crash_log)
