"""Pay the first-use costs of rendering before the user meets them.

The first code block in a language loads its Pygments lexer (3-30 ms: a module import, or a
scan of every installed package's entry points for a name Pygments does not know), the first
message builds the Markdown parser and the colour style, the first Chinese, Japanese or Korean
character makes Qt ask fontconfig for a fallback font and open the Noto CJK collection, and
the first bold, italic or monospace run opens another face. Paid during a streamed answer,
each is a visible hitch (the event loop stalls once for 5-50 ms).

``Warmup`` pays them once, right after the window shows, while the model is still loading:

* Pygments (pure Python, no Qt) on a background thread: every common language's lexer and
  both colour styles, through the same cached lookups the chat uses;
* then, in the GUI thread's idle time and one small slice per event-loop turn, the Markdown
  parser and Qt's rich-text engine with every font the chat draws (regular, bold, italic,
  monospace; Latin, CJK and symbols), laid out and painted once off-screen.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QSize, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase, QImage, QPainter, QTextDocument

from app.chat.markdown import DARK, LIGHT, highlight_code, render_markdown

CODE_LANGUAGES = (
    "python",
    "py",
    "python3",
    "bash",
    "sh",
    "shell",
    "console",
    "zsh",
    "powershell",
    "bat",
    "javascript",
    "js",
    "typescript",
    "ts",
    "jsx",
    "tsx",
    "json",
    "yaml",
    "yml",
    "toml",
    "ini",
    "xml",
    "html",
    "css",
    "sql",
    "c",
    "cpp",
    "c++",
    "csharp",
    "java",
    "kotlin",
    "go",
    "rust",
    "ruby",
    "php",
    "swift",
    "r",
    "lua",
    "dockerfile",
    "makefile",
    "diff",
    "markdown",
    "latex",
    "text",
    "plaintext",
    "",
    "no-such-language",
)
"""Languages models write most, under the names they use (kept below the chat's lexer cache
size, so warming never evicts a language the user's own conversations need). The last one is
unknown on purpose: Pygments looks for plugins the first time a name is not built in (a scan of
every installed package, ~20 ms), and small models write fences like ``` staan."""

SAMPLES = (
    "Hearth answers: 0123456789",
    "— “quotes”, ‘single’, … ‹ 1/2 › · ± × ÷ ° € £ ¥ © ½",  # noqa: RUF001
    "★ ⚠ ▤ ✓ → ←",
    "Grüße, café, naïve, Øre, ĳ, Ελληνικά, Русский.",
    "日本語：ひらがな、カタカナ、漢字。",  # noqa: RUF001
    "简体中文：你好，世界。繁體中文：你好。",  # noqa: RUF001
    "한국어：안녕하세요.",  # noqa: RUF001
)
"""Latin with punctuation the chat itself uses, Greek and Cyrillic, and the CJK scripts whose
fallback fonts are the slowest to open: one GUI-thread slice each, per font."""
SAMPLE_MARKDOWN = (
    "## Warm-up\n\n"
    "Hearth **bold** *italic* ***bold italic*** `inline code 日本語`\n\n"
    "1. one\n2. two\n\n- a\n- b\n\n"
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    "> quoted\n\n"
    "```python\ndef greet(name: str) -> str:\n    return f'hello {name}'  # 日本語\n```\n"
)

SLICE_GAP_MS = 15
"""Pause between two GUI-thread slices, so input and painting always get their turn."""
POLL_MS = 50


class Warmup(QObject):
    """Signals:
    finished(): everything is warm (``timings`` says what took how long, in ms).
    """

    finished = Signal()

    def __init__(self, font: QFont, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._font = QFont(font)
        self.timings: dict[str, float] = {}
        self._steps: list[tuple[str, Callable[[], None]]] = []
        self._thread: threading.Thread | None = None
        self.done = False

    def start(self) -> None:
        """Begin (once): Pygments on a background thread, then the GUI-thread slices."""
        if self._thread is not None:
            return
        self._steps = self._gui_steps()
        self._thread = threading.Thread(target=self._warm_pygments, name="warmup", daemon=True)
        self._thread.start()
        QTimer.singleShot(POLL_MS, self, self._next_slice)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the background part is done (tests, benchmarks)."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self._thread is not None and not self._thread.is_alive()

    # ---- Background thread: Pygments

    def _warm_pygments(self) -> None:
        began = time.perf_counter()
        for language in CODE_LANGUAGES:
            for palette in (LIGHT, DARK):
                highlight_code("x = 1\n", language, palette)
        self.timings["pygments"] = (time.perf_counter() - began) * 1000

    # ---- GUI thread: Markdown, fonts, rich text

    def _gui_steps(self) -> list[tuple[str, Callable[[], None]]]:
        base = QFont(self._font)
        bold = QFont(base)
        bold.setBold(True)
        italic = QFont(base)
        italic.setItalic(True)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(base.pointSizeF())
        steps: list[tuple[str, Callable[[], None]]] = [("markdown", self._warm_markdown)]
        for name, font in (("regular", base), ("bold", bold), ("italic", italic), ("mono", mono)):
            for number, sample in enumerate(SAMPLES):
                step = functools.partial(_paint_text, font, sample)
                steps.append((f"font {name} {number}", step))
        steps.append(("message", lambda: _paint_html(base, self._message_html())))
        return steps

    def _warm_markdown(self) -> None:
        self._message_html()

    def _message_html(self) -> str:
        copy = QCoreApplication.translate("MessageDelegate", "Copy")
        render_markdown(SAMPLE_MARKDOWN, DARK, copy_label=copy)
        return render_markdown(SAMPLE_MARKDOWN, LIGHT, copy_label=copy).html

    def _next_slice(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            QTimer.singleShot(POLL_MS, self, self._next_slice)  # Pygments first: one at a time
            return
        if not self._steps:
            self.done = True
            self.finished.emit()
            return
        name, step = self._steps.pop(0)
        began = time.perf_counter()
        step()
        self.timings[name] = (time.perf_counter() - began) * 1000
        QTimer.singleShot(SLICE_GAP_MS, self, self._next_slice)


def _paint_text(font: QFont, text: str) -> None:
    document = QTextDocument()
    document.setDefaultFont(font)
    document.setPlainText(text)
    _paint(document)


def _paint_html(font: QFont, markup: str) -> None:
    document = QTextDocument()
    document.setDefaultFont(font)
    document.setDocumentMargin(10)
    document.setHtml(markup)
    _paint(document)


def _paint(document: QTextDocument) -> None:
    """Lay the document out and draw it once off-screen (glyphs are rasterised and cached)."""
    document.setTextWidth(640)
    size = document.size().toSize().expandedTo(QSize(1, 1))
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    document.drawContents(painter)
    painter.end()
