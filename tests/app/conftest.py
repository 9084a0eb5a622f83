"""Fixtures for the window tests: the real window on the real bundled model, with a private
data directory (real store, real settings file, real worker process)."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.main import build_context
from app.main_window import MainWindow
from engine.paths import AppPaths, resolve_paths

WindowFactory = Callable[..., MainWindow]


@pytest.fixture()
def data_paths(tmp_path: Path) -> AppPaths:
    return resolve_paths(tmp_path / "hearth-data").ensure()


@pytest.fixture()
def make_window(
    qtbot: QtBot, qapp: QApplication, model_path: Path, data_paths: AppPaths
) -> Iterator[WindowFactory]:
    """Open a window on ``data_paths`` (greedy answers, short context); may be called again
    after closing the previous window, to test what a restart restores."""
    opened: list[tuple[MainWindow, AppContext]] = []

    def make(*, wait: bool = True, **settings: object) -> MainWindow:
        context = build_context(qapp, data_paths, model_path, search_roots=())
        defaults: dict[str, object] = {
            "context_size": 2048,
            "max_tokens": 24,
            "sampling_preset": "custom",
            "custom_temperature": 0.0,
            "custom_top_k": 1,
        }
        defaults.update(settings)
        context.settings.update(**defaults)
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.show()
        opened.append((window, context))
        if wait:
            qtbot.waitUntil(lambda: window._loaded and window._load_job is None, timeout=90000)
        return window

    yield make
    for window, context in opened:
        if window.isVisible():
            window.close()
        context.client.close()
        context.store.close()
    # Every context installed its own translators on the one QApplication: remove them all.
    for _window, context in reversed(opened):
        if context.languages is not None:
            context.languages.set_language("en")
    if opened and opened[0][1].themes is not None:
        opened[0][1].themes.apply("system")


def close_window(window: MainWindow) -> None:
    """Close like the user does, and release the files of the store and the worker."""
    window.close()
    window.context.client.close()
    window.context.store.close()


def ask(qtbot: QtBot, window: MainWindow, text: str, timeout: int = 60000) -> None:
    window.composer.editor.setPlainText(text)
    window.composer.send_button.click()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=timeout)


@pytest.fixture(scope="session")
def real_photo() -> Path:
    return Path(__file__).resolve().parents[1] / "data" / "f3-discovery-board.jpeg"


def load_pdf_builder() -> ModuleType:
    """The documents engineer's minimal PDF writer (tests/engine/documents/conftest.py)."""
    path = Path(__file__).resolve().parents[1] / "engine" / "documents" / "conftest.py"
    spec = importlib.util.spec_from_file_location("documents_conftest_for_app", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def drop_files(widget: QWidget, paths: list[Path]) -> None:
    """Drop files on a widget the way a file manager does (enter, move, drop)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    where = QPointF(widget.rect().center())
    actions = Qt.DropAction.CopyAction
    buttons = Qt.MouseButton.LeftButton
    none = Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(where.toPoint(), actions, mime, buttons, none)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted(), "the widget should accept file drops"
    drop = QDropEvent(where, actions, mime, buttons, none)
    QApplication.sendEvent(widget, drop)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """The .qm files are build products (the setup script compiles them); make sure they are
    there and newer than their .ts sources."""
    from app.translations import I18N_DIR, compile_all

    stale = any(
        not ts.with_suffix(".qm").exists()
        or ts.with_suffix(".qm").stat().st_mtime < ts.stat().st_mtime
        for ts in I18N_DIR.glob("*.ts")
    )
    if stale:
        compile_all()
