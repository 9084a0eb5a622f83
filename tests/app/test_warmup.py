"""The start-up warm-up: lexers, Markdown and fonts are paid for before the first answer."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.chat.markdown import LIGHT, render_markdown
from app.warmup import CODE_LANGUAGES, SAMPLES, Warmup


def test_the_warmup_runs_every_step_then_says_so(qtbot: QtBot, qapp: QApplication) -> None:
    warmup = Warmup(qapp.font())
    with qtbot.waitSignal(warmup.finished, timeout=60000):
        warmup.start()
    assert warmup.done and warmup.wait(0)
    steps = set(warmup.timings)
    assert {"pygments", "markdown", "message"} <= steps
    fonts = {f"font {kind} {n}" for kind in ("regular", "mono") for n in range(len(SAMPLES))}
    assert fonts <= steps
    assert "python" in CODE_LANGUAGES and "" in CODE_LANGUAGES
    # The chat's own renderer works as before once warm (same cached lexers and styles).
    rendered = render_markdown("```bash\nls -l\n```", LIGHT)
    assert rendered.code_blocks == ["ls -l\n"] and "ls" in rendered.html
    warmup.start()  # once only
    assert warmup.done
