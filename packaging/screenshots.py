"""Take screenshots of the real Hearth window driving the real bundled model.

Run it on a real (virtual) screen so the xcb platform plugin, fonts and styles are the ones a
user gets:

    xvfb-run -a -s "-screen 0 1280x900x24" .venv/bin/python packaging/screenshots.py --out shots

Each scene is a function that prepares the window and returns once it is worth a picture. Every
scene gets its own fresh data directory (real store, real settings) and its own worker.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtWidgets import QApplication, QWidget

from app.main import build_context
from app.main_window import MainWindow
from app.translations import compile_all
from engine.model.bundled import bundled_model_path, sha256_file
from engine.model.discovery import SearchRoot
from engine.model.download_catalog import DownloadableModel, DownloadFile, load_download_catalog
from engine.paths import resolve_paths

REPO = Path(__file__).resolve().parent.parent
PHOTO = REPO / "tests" / "data" / "f3-discovery-board.jpeg"

CODE_ANSWER = """Here is a small Python function that reads a file and counts its words:

```python
from pathlib import Path


def count_words(path: Path) -> int:
    \"\"\"Return how many words the file holds.\"\"\"
    text = path.read_text(encoding="utf-8")
    return len(text.split())
```

Call it with `count_words(Path("notes.txt"))`. It reads the **whole file** at once, which is
fine for documents up to a few megabytes.
"""


def pump_until(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if condition():
            return True
        time.sleep(0.01)
    return False


def _ready(window: MainWindow) -> None:
    pump_until(lambda: window._loaded and window._load_job is None, 120)


def scene_empty(window: MainWindow) -> QWidget:
    _ready(window)
    return window


def _seed(window: MainWindow) -> None:
    store = window.context.store
    for title, question in (
        ("Packing list for a week in Kyoto", "What should I pack for a week in Kyoto in April?"),
        ("Sourdough starter", "My sourdough starter smells like acetone. Is it dead?"),
        ("Tax letter summary", "Summarize this letter from the tax office."),
    ):
        conversation = store.conversations.create(title)
        store.messages.add_user(conversation.id, question)
        store.messages.add(conversation.id, "assistant", "…")
    window.sidebar.refresh()


def scene_streamed_answer(window: MainWindow) -> QWidget:
    """A streamed answer from the real model, after an earlier answer with code."""
    _ready(window)
    _seed(window)
    store = window.context.store
    conversation = store.conversations.create("Counting words in a file")
    store.messages.add_user(conversation.id, "How do I count the words in a text file in Python?")
    store.messages.add(conversation.id, "assistant", CODE_ANSWER)
    window.open_conversation(conversation.id)
    window.composer.editor.setPlainText("Tell me about the lighthouse at the end of the harbour.")
    window.send()
    pump_until(lambda: not window.session.busy, 120)
    pump_until(lambda: False, 0.3)
    window.chat_view.scrollToBottom()
    return window


def scene_image_crop_grid(window: MainWindow) -> QWidget:
    _ready(window)
    window.composer.add_paths([PHOTO])
    image = window.composer.images[0]
    width, height = image.info.width, image.info.height
    # The same path as drawing the box with the mouse.
    window.composer.preview._on_zoom(
        (int(width * 0.36), int(height * 0.30), int(width * 0.62), int(height * 0.62))
    )
    window.composer.editor.setPlainText("Which microcontroller is on this board?")
    return window


def scene_summary_in_progress(window: MainWindow) -> QWidget:
    _ready(window)
    builder = _pdf_builder()
    pages = [
        [
            f"Section {page}.{line}: the harbour commission met on a grey morning to review "
            "the lighthouse budget, the dredging schedule and the new ferry timetable."
            for line in range(18)
        ]
        for page in range(1, 15)
    ]
    path = Path(tempfile.mkdtemp()) / "harbour-commission-report.pdf"
    path.write_bytes(builder.build_pdf(pages, title="Harbour commission report"))
    window.documents.add_paths([path])
    cards = window.documents.cards
    pump_until(lambda: bool(cards) and cards[0].document.ready, 120)
    cards[0].summarize_button.click()
    pump_until(
        lambda: (
            cards[0]._progress is not None
            and cards[0]._progress.done >= 2
            and cards[0]._progress.eta_s is not None
        ),
        240,
    )
    return window


def scene_model_manager(window: MainWindow) -> QWidget:
    _ready(window)
    window.open_model_manager([])
    dialog = window.model_manager
    dialog.table.selectRow(0)
    pump_until(lambda: False, 0.3)
    return dialog


def scene_about(window: MainWindow) -> QWidget:
    _ready(window)
    window.show_about()
    dialog = window.about_dialog
    pump_until(lambda: dialog.loaded, 30)


def _test_module(name: str, relative: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / relative)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _other_apps(window: MainWindow) -> tuple[SearchRoot, ...]:
    """Other apps' model folders, built in the scene's scratch directory from the bundled
    model's bytes (hard links): Ollama, the Hugging Face cache, LM Studio and Jan."""
    discovery = _test_module("discovery_fixtures", "tests/engine/model/test_discovery.py")
    model = window.context.bundled_model
    base = window.context.paths.data_dir / "other-apps"
    discovery.build_ollama(base / "ollama", model, name="gemma3", tag="270m")
    discovery.build_hf_cache(base / "hub", model, repo="unsloth--gemma-3-270m-it-GGUF")
    discovery.place(model, base / "lmstudio" / "lmstudio-community" / "gemma-3-270m-it.gguf")
    discovery.place(model, base / "jan" / "models" / "gemma-old" / "gemma-old.gguf")
    return (
        SearchRoot("Ollama", base / "ollama", "ollama"),
        SearchRoot("Hugging Face", base / "hub", "hf_hub"),
        SearchRoot("LM Studio", base / "lmstudio"),
        SearchRoot("Jan", base / "jan"),
    )


def scene_models_found(window: MainWindow) -> QWidget:
    _ready(window)
    roots = _other_apps(window)
    window.context.registry.search_roots = roots
    window.open_model_manager([])
    dialog = window.model_manager
    pump_until(lambda: not dialog.scanning, 30)
    # Jan's copy is deleted by the user: it stays listed, as missing.
    (roots[3].path / "models" / "gemma-old" / "gemma-old.gguf").unlink()
    dialog.scan()
    pump_until(lambda: not dialog.scanning, 30)
    for row, entry in enumerate(dialog.entries):
        if entry.source == "Ollama":
            dialog.table.selectRow(row)
    pump_until(lambda: False, 0.3)
    return dialog


def scene_about_licences(window: MainWindow) -> QWidget:
    dialog = scene_about(window)
    dialog.tabs.setCurrentIndex(1)
    dialog.license_table.selectRow(0)
    pump_until(lambda: False, 0.3)
    return dialog


def scene_model_download(window: MainWindow) -> QWidget:
    """A download in progress from a local test server (serving the bundled model's bytes
    slowly), above the shipped catalogue with its fit estimates."""
    from app.models.model_manager import ModelManagerDialog

    server_module = _test_module("file_server", "tests/engine/model/file_server.py")
    model = window.context.bundled_model
    repo, name = "local-test/gemma-3-270m-GGUF", "gemma-3-270m-test-copy.gguf"
    served = server_module.serve({f"/{repo}/resolve/main/{name}": model}, delay=0.004)
    server = served.__enter__()
    _SERVERS.append(served)
    window.context.settings.update(download_base_url=server.base_url)
    _ready(window)
    file = DownloadFile(repo, "main", name, model.stat().st_size, sha256_file(model))
    local = DownloadableModel(
        id="local-test",
        name="Gemma 3 270M (local test server)",
        family="gemma3",
        size_label="270M",
        licence="Gemma Terms of Use",
        licence_url="https://ai.google.dev/gemma/terms",
        repo=repo,
        gated=False,
        note="",
        files=(file,),
    )
    dialog = ModelManagerDialog(
        window.context.registry,
        window.context.settings.value,
        window.model_entry,
        window,
        downloads=window.downloads(),
        catalog=[local, *load_download_catalog()],
        scan_on_open=False,
    )
    window.model_manager = dialog
    dialog.show()
    dialog.tabs.setCurrentIndex(1)
    dialog.catalog_table.selectRow(0)
    dialog.download_button.click()
    pump_until(lambda: dialog.downloads.done > model.stat().st_size * 0.4, 60)
    return dialog


_SERVERS: list[Any] = []


def scene_dark_theme(window: MainWindow) -> QWidget:
    window.context.settings.update(theme="dark")
    return scene_streamed_answer(window)


def scene_japanese(window: MainWindow) -> QWidget:
    window.context.settings.update(language="ja")
    _ready(window)
    store = window.context.store
    for title in ("京都旅行の持ち物", "サワードウのスターター", "税務署からの手紙の要約"):
        conversation = store.conversations.create(title)
        store.messages.add_user(conversation.id, title)
        store.messages.add(conversation.id, "assistant", "…")
    conversation = store.conversations.create("ファイルの単語を数える")
    store.messages.add_user(conversation.id, "Python でテキストファイルの単語数を数えるには\uff1f")
    store.messages.add(conversation.id, "assistant", CODE_ANSWER)
    window.sidebar.refresh()
    window.open_conversation(conversation.id)
    window.composer.add_paths([PHOTO])
    window.composer.editor.setPlainText("この基板のマイコンは何ですか\uff1f")
    pump_until(lambda: False, 0.3)
    return window


def _pdf_builder() -> object:
    path = REPO / "tests" / "engine" / "documents" / "conftest.py"
    spec = importlib.util.spec_from_file_location("pdf_builder", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCENES: dict[str, Callable[[MainWindow], QWidget]] = {
    "empty": scene_empty,
    "streamed-answer": scene_streamed_answer,
    "image-crop-grid": scene_image_crop_grid,
    "summary-in-progress": scene_summary_in_progress,
    "model-manager": scene_model_manager,
    "about": scene_about,
    "about-licences": scene_about_licences,
    "models-found": scene_models_found,
    "model-download": scene_model_download,
    "dark-theme": scene_dark_theme,
    "japanese": scene_japanese,
}


def take(out: Path, names: list[str]) -> list[Path]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    compile_all()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    model = bundled_model_path(resolve_paths(None).models_dir)
    for name in names:
        with tempfile.TemporaryDirectory() as scratch:
            paths = resolve_paths(scratch).ensure()
            context = build_context(app, paths, model, search_roots=())
            context.settings.update(context_size=4096, max_tokens=120, sampling_preset="precise")
            window = MainWindow(context)
            window.resize(1180, 780)
            window.show()
            target_widget = SCENES[name](window)
            pump_until(lambda: False, 0.5)  # let the last paint land
            target = out / f"{name}.png"
            target_widget.grab().save(str(target))
            written.append(target)
            if window._downloads is not None:
                window._downloads.shutdown()
            while _SERVERS:
                _SERVERS.pop().__exit__(None, None, None)
            window.documents.cancel_summary()
            window.close()
            context.client.close()
            context.store.close()
            if context.languages is not None:
                context.languages.set_language("en")
            if context.themes is not None:
                context.themes.apply("system")
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
