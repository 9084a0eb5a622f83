"""Event-loop responsiveness of the real window while an answer streams at full speed.

A precise ``QTimer`` heartbeat ticks every ``--tick-ms`` on the GUI thread while the real
bundled model streams a long answer into the chat (store recording, Markdown rendering, view
relayout: everything a user runs). Each tick records how late it came; a *stall* is the delay
beyond the tick interval. Prints max / p99 / p95 / median stall in milliseconds, the same for
opening the conversation just before (its rows are laid out then), and the machine's load.
The window starts as ``hearth`` starts it (``app.main.open_window``: with the warm-up of
lexers and fonts; ``--no-warmup`` to compare). Figures are machine- and load-dependent: this
is a benchmark, not a test; on a shared machine run it several times and note the load.

    xvfb-run -a .venv/bin/python packaging/bench_ui.py            # a real X server
    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/bench_ui.py
    xvfb-run -a .venv/bin/python packaging/bench_ui.py --explain 10   # what each stall was
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.main import build_context, open_window
from app.warmup import Warmup
from engine.model.bundled import bundled_model_path
from engine.paths import resolve_paths

PROMPT = "Write a long story about a lighthouse keeper, with a list and some Python code."


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = min(len(ordered) - 1, round(share * (len(ordered) - 1)))
    return ordered[position]


TRACED = (
    "app.chat.session:ChatSession._on_event",
    "app.chat.model:ChatModel.flush_stream",
    "app.chat.delegate:MessageDelegate.sizeHint",
    "app.chat.delegate:MessageDelegate.paint",
    "app.chat.delegate:MessageDelegate._layout",
    "app.chat.delegate:message_html",
    "app.chat.markdown:render_markdown",
    "app.chat.markdown:highlight_code",
    "app.chat.markdown:_lexer",
    "app.chat.view:ChatView._on_data_changed",
    "app.chat.view:ChatView._on_range_changed",
    "app.sidebar.sidebar:Sidebar.refresh",
    "app.sidebar.sidebar:Sidebar.run_search",
    "app.main_window:MainWindow._on_history_changed",
    "app.main_window:MainWindow._on_conversation_changed",
    "app.main_window:MainWindow._on_stats",
    "app.main_window:MainWindow._update_busy",
    "app.main_window:MainWindow._update_title",
    "app.status_panel:StatusPanel.show_stats",
    "engine.store.recorder:AnswerRecorder._flush_locked",
)
"""What ``--explain`` times: the GUI-thread work a streamed answer triggers, and the answer's
saving on the job thread (shown as ``[thread]``: it competes for the GIL, not for the loop)."""


class StallExplainer:
    """Times the GUI-thread functions in ``TRACED`` and, for every stall longer than the
    threshold, says which of them ran during it and for how long, how much CPU the GUI thread
    itself used (far less than the stall: it was waiting for a core or a lock), and what is
    left unaccounted for (Qt's own C++ work: layout, painting, font loading)."""

    def __init__(self, threshold_ms: float) -> None:
        self.threshold_ms = threshold_ms
        self.spans: list[tuple[float, float, str]] = []
        self.report: list[str] = []
        self._depth = 0
        self._patched: list[tuple[object, str, object]] = []

    def install(self, targets: tuple[str, ...] = TRACED) -> None:
        for target in targets:
            module_name, _, qualified = target.partition(":")
            owner: Any = importlib.import_module(module_name)
            *path, name = qualified.split(".")
            for part in path:
                owner = getattr(owner, part)
            original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
            setattr(owner, name, self._wrap(original, qualified))
            self._patched.append((owner, name, original))

    def uninstall(self) -> None:
        for owner, name, original in reversed(self._patched):
            setattr(owner, name, original)
        self._patched.clear()

    def _wrap(self, function: Callable[..., Any], name: str) -> Callable[..., Any]:
        spans = self.spans

        gui_thread = threading.get_ident()

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() != gui_thread:  # the job thread, the warm-up thread
                begin = time.perf_counter()
                try:
                    return function(*args, **kwargs)
                finally:
                    end = time.perf_counter()
                    if end - begin > 0.0002:
                        spans.append((begin, end, f"[{threading.current_thread().name}] {name}"))
            begin = time.perf_counter()
            self._depth += 1
            try:
                return function(*args, **kwargs)
            finally:
                self._depth -= 1
                end = time.perf_counter()
                if end - begin > 0.0002:
                    spans.append((begin, end, ("  " * self._depth) + name))

        return timed

    def stalled(self, begin: float, end: float, stall_ms: float, cpu_ms: float, note: str) -> None:
        if stall_ms < self.threshold_ms:
            return
        spent: dict[str, list[float]] = defaultdict(list)
        top_level = 0.0
        for start, stop, name in self.spans:
            if stop >= begin and start <= end:
                spent[name].append((min(stop, end) - max(start, begin)) * 1000)
                if not name.startswith((" ", "[")):
                    top_level += spent[name][-1]
        lines = [
            f"stall {stall_ms:5.1f} ms at {note}: GUI thread CPU {cpu_ms:.1f} ms, "
            f"traced Python {top_level:.1f} ms"
        ]
        for name, times in sorted(spent.items(), key=lambda item: -sum(item[1]))[:8]:
            lines.append(f"    {sum(times):5.1f} ms  {len(times):3d}x  {name}")
        self.report.append("\n".join(lines))
        cutoff = begin - 1.0
        self.spans[:] = [span for span in self.spans if span[1] >= cutoff]


def run(
    tokens: int,
    tick_ms: int,
    history: int,
    explain_ms: float | None = None,
    *,
    warm_up: bool = True,
    settle_s: float = 1.5,
) -> dict[str, float]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    model = bundled_model_path(resolve_paths(None).models_dir)
    load_before = os.getloadavg()[0]
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
        explainer = StallExplainer(explain_ms) if explain_ms is not None else None
        if explainer is not None:
            explainer.install()
        window = open_window(context, warm_up=warm_up)  # what ``hearth`` itself does
        window.resize(1100, 760)
        warmup = window.findChild(Warmup)

        def ready() -> bool:
            loaded = window._loaded and window._load_job is None
            return loaded and (warmup is None or warmup.done)

        deadline = time.monotonic() + 120
        while not ready() and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        stalls: list[float] = []
        opening: list[float] = []
        last_tick = [time.perf_counter(), time.thread_time()]
        started = time.perf_counter()
        clock = QElapsedTimer()
        heartbeat = QTimer()
        heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
        heartbeat.setInterval(tick_ms)

        def tick() -> None:
            elapsed = clock.nsecsElapsed() / 1e6
            clock.restart()
            stalls.append(max(0.0, elapsed - tick_ms))
            now, cpu = time.perf_counter(), time.thread_time()
            if explainer is not None:
                rows = window.chat_model.rowCount()
                text = window.chat_model.row_at(rows - 1).text if rows else ""
                phase = "streaming" if window.session.busy else "opening"
                note = f"{now - started:5.2f} s {phase}, answer {len(text)} chars"
                cpu_ms = (cpu - last_tick[1]) * 1000
                explainer.stalled(last_tick[0], now, stalls[-1], cpu_ms, note)
            last_tick[:] = [now, cpu]

        heartbeat.timeout.connect(tick)
        # Open the conversation and give it the moment a user takes before typing (its rows
        # are laid out in batches meanwhile); those stalls are reported on their own.
        clock.start()
        heartbeat.start()
        window.open_conversation(conversation.id)
        settle = time.monotonic() + settle_s
        while time.monotonic() < settle:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        heartbeat.stop()
        opening[:] = stalls  # the first tick: open_conversation itself
        stalls.clear()

        window.composer.editor.setPlainText(PROMPT)
        started = time.perf_counter()
        window.send()
        if not window.session.busy:
            raise SystemExit(f"the answer did not start: {window.notice.text()}")
        clock.start()
        last_tick[:] = [time.perf_counter(), time.thread_time()]
        heartbeat.start()
        loop = QEventLoop()
        window.session.busy_changed.connect(lambda busy: None if busy else loop.quit())
        loop.exec()
        heartbeat.stop()
        if explainer is not None:
            explainer.uninstall()
            print("\n".join(explainer.report) or "no stall above the threshold")
        seconds = time.perf_counter() - started
        answer = window.chat_model.rows()[-1]
        if explainer is not None:
            fences = [line.strip() for line in answer.text.splitlines() if line.startswith("```")]
            print(f"the answer: {len(answer.text)} characters, code fences {fences}")
        generated = answer.message.stats.completion_tokens or 0
        if not generated:
            raise SystemExit(f"no answer: {answer.message.status} {window.notice.text()}")
        window.close()
        context.client.close()
        store.close()
    samples = stalls[1:]  # the first tick measures the send itself (reported on its own)
    return {
        "ticks": float(len(samples)),
        "tokens": float(generated),
        "seconds": seconds,
        "max_ms": max(samples, default=0.0),
        "p99_ms": percentile(samples, 0.99),
        "p95_ms": percentile(samples, 0.95),
        "median_ms": statistics.median(samples) if samples else 0.0,
        "send_ms": stalls[0] if stalls else 0.0,
        "open_max_ms": max(opening, default=0.0),
        "open_p99_ms": percentile(opening, 0.99),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=400, help="answer length")
    parser.add_argument("--tick-ms", type=int, default=5, help="heartbeat interval")
    parser.add_argument("--history", type=int, default=100, help="earlier message pairs")
    parser.add_argument(
        "--explain",
        type=float,
        default=None,
        metavar="MS",
        help="print every stall longer than MS with the GUI-thread work that ran during it",
    )
    parser.add_argument(
        "--no-warmup",
        action="store_true",
        help="skip the start-up warm-up of lexers and fonts (to see what it saves)",
    )
    args = parser.parse_args()
    figures = run(args.tokens, args.tick_ms, args.history, args.explain, warm_up=not args.no_warmup)
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
    print(
        f"not counted above: opening the conversation first: max {figures['open_max_ms']:.1f}"
        f" ms, p99 {figures['open_p99_ms']:.1f} ms; sending: {figures['send_ms']:.1f} ms"
    )
    print(
        f"machine load (1-minute average, {os.cpu_count()} cores): "
        f"{figures['load_before']:.2f} before, {figures['load_after']:.2f} after"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
