"""Event-loop responsiveness of the real window while an answer streams at full speed.

A precise ``QTimer`` heartbeat ticks every ``--tick-ms`` on the GUI thread while the real
bundled model streams a long answer into the chat (store recording, Markdown rendering, view
relayout: everything a user runs). Each tick records how late it came; a *stall* is the delay
beyond the tick interval. Prints max / p99 / p95 / median stall in milliseconds. Figures are
machine- and load-dependent: this is a benchmark, not a test.

    xvfb-run -a .venv/bin/python packaging/bench_ui.py            # a real X server
    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/bench_ui.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.main import build_context
from app.main_window import MainWindow
from engine.model.bundled import bundled_model_path
from engine.paths import resolve_paths

PROMPT = "Write a long story about a lighthouse keeper, with a list and some Python code."


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = min(len(ordered) - 1, round(share * (len(ordered) - 1)))
    return ordered[position]


def run(tokens: int, tick_ms: int, history: int) -> dict[str, float]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    model = bundled_model_path(resolve_paths(None).models_dir)
    with tempfile.TemporaryDirectory() as scratch:
        paths = resolve_paths(scratch).ensure()
        context = build_context(app, paths, model)
        context.settings.update(
            context_size=8192, max_tokens=tokens, sampling_preset="custom", custom_top_k=40
        )
        store = context.store
        conversation = store.conversations.create("Benchmark")
        for n in range(history):  # an existing conversation to relayout around the stream
            store.messages.add_user(conversation.id, f"Question {n}: what about `x{n}`?")
            store.messages.add(
                conversation.id, "assistant", f"Answer {n}:\n\n```python\nprint({n})\n```\n"
            )
        window = MainWindow(context)
        window.resize(1100, 760)
        window.show()
        deadline = time.monotonic() + 120
        while not (window._loaded and window._load_job is None) and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        window.open_conversation(conversation.id)

        stalls: list[float] = []
        clock = QElapsedTimer()
        heartbeat = QTimer()
        heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
        heartbeat.setInterval(tick_ms)

        def tick() -> None:
            elapsed = clock.nsecsElapsed() / 1e6
            clock.restart()
            stalls.append(max(0.0, elapsed - tick_ms))

        heartbeat.timeout.connect(tick)
        window.composer.editor.setPlainText(PROMPT)
        started = time.perf_counter()
        window.send()
        if not window.session.busy:
            raise SystemExit(f"the answer did not start: {window.notice.text()}")
        clock.start()
        heartbeat.start()
        loop = QEventLoop()
        window.session.busy_changed.connect(lambda busy: None if busy else loop.quit())
        loop.exec()
        heartbeat.stop()
        seconds = time.perf_counter() - started
        answer = window.chat_model.rows()[-1]
        generated = answer.message.stats.completion_tokens or 0
        if not generated:
            raise SystemExit(f"no answer: {answer.message.status} {window.notice.text()}")
        window.close()
        context.client.close()
        store.close()
    samples = stalls[1:]  # the first tick measures the send itself
    return {
        "ticks": float(len(samples)),
        "tokens": float(generated),
        "seconds": seconds,
        "max_ms": max(samples, default=0.0),
        "p99_ms": percentile(samples, 0.99),
        "p95_ms": percentile(samples, 0.95),
        "median_ms": statistics.median(samples) if samples else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=400, help="answer length")
    parser.add_argument("--tick-ms", type=int, default=5, help="heartbeat interval")
    parser.add_argument("--history", type=int, default=100, help="earlier message pairs")
    args = parser.parse_args()
    figures = run(args.tokens, args.tick_ms, args.history)
    print(
        f"streamed {figures['tokens']:.0f} tokens in {figures['seconds']:.1f} s "
        f"({figures['tokens'] / max(figures['seconds'], 1e-9):.1f} tokens/s) "
        f"with {args.history * 2} earlier messages; {figures['ticks']:.0f} heartbeats of "
        f"{args.tick_ms} ms"
    )
    print(
        f"event-loop stall: max {figures['max_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms, "
        f"p95 {figures['p95_ms']:.1f} ms, median {figures['median_ms']:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
