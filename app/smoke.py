"""``Hearth --smoke-test``: check a build end to end without a screen or dialogs.

Uses a temporary data directory: opens the window (offscreen platform unless a display is
given), lets it load the bundled model in the spawned worker, answers one prompt, stores the
conversation and reads it back, shows it in the window, tiles an image, extracts a PDF in the
sandbox child, then checks crash isolation — the worker killed with SIGKILL, then with SIGSEGV
(whose faulthandler dump must reach the worker log), and the next prompt is answered each time
by a fresh worker — and that the GUI process's faulthandler log (``app.crash``) catches a native
crash of a spawned child. Prints one JSON line; exit 0 only if every step worked.

``--screenshot PATH`` saves a PNG of the window showing the answered conversation (the whole
screen when running on a real display server such as Xvfb).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import multiprocessing.spawn
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication

from engine.chat.sampling import GREEDY
from engine.chat.session import ChatSession
from engine.errors import HearthError
from engine.worker import protocol as p
from engine.worker.client import EngineClient

_LOAD_TIMEOUT_S = 300.0
_DEATH_TIMEOUT_S = 30.0
FAULT_MARKER = "Fatal Python error: Segmentation fault"


class SmokeFailure(Exception):
    """A smoke step did not do what it should."""


def step(text: str) -> None:
    """Progress on stdout (stderr is checked against an allow-list), so a hang shows where."""
    print(f"smoke: {text}", flush=True)


def wait_until(app: QApplication, condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SmokeFailure(f"timed out after {timeout:.0f} s waiting until {what}")
        app.processEvents()
        time.sleep(0.02)


def ask(session: ChatSession, conversation_id: int | None, text: str) -> tuple[int, str]:
    """One greedy turn; the conversation id and the answer, or SmokeFailure."""
    turn, events = session.send(conversation_id, text, GREEDY, max_tokens=16)
    done = [event for event in events if isinstance(event, p.Done | p.Failed)]
    if not done or not isinstance(done[-1], p.Done):
        raise SmokeFailure(f"the answer to {text!r} failed: {done}")
    if not turn.text:
        raise SmokeFailure(f"the answer to {text!r} is empty")
    return turn.conversation_id, turn.text


def executable_of(pid: int | None) -> str:
    if pid is None:
        return ""
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return ""


def kill_worker_and_ask(
    app: QApplication,
    client: EngineClient,
    session: ChatSession,
    conversation_id: int,
    sig: signal.Signals,
) -> dict[str, object]:
    """Kill the worker with ``sig``; the next prompt must be answered by a fresh worker."""
    killed = client.pid
    if killed is None or not client.alive:
        raise SmokeFailure("there is no running worker to kill")
    restarts = client.restarts
    os.kill(killed, sig)
    wait_until(app, lambda: not client.alive, _DEATH_TIMEOUT_S, f"the worker died of {sig.name}")
    _, answer = ask(session, conversation_id, "And again?")
    if client.restarts != restarts + 1 or client.pid in (None, killed):
        raise SmokeFailure(f"no fresh worker after {sig.name} (restarts {client.restarts})")
    return {"signal": sig.name, "killed_pid": killed, "new_pid": client.pid, "answer": answer}


def crash_with_faulthandler(log_path: str) -> None:
    """A spawned child: the GUI's faulthandler set-up, then a native crash (SIGSEGV)."""
    from app import crash

    crash.install_faulthandler(Path(log_path))
    os.kill(os.getpid(), signal.SIGSEGV)


def check_gui_faulthandler(log_path: Path) -> dict[str, object]:
    """The GUI's crash log catches a native crash, and the next start reads it back."""
    from app import crash

    child = multiprocessing.get_context("spawn").Process(
        target=crash_with_faulthandler, args=(str(log_path),), name="hearth-crash-check"
    )
    child.start()
    child.join(_DEATH_TIMEOUT_S)
    if child.exitcode != -signal.SIGSEGV:
        raise SmokeFailure(f"the crash-check child ended with {child.exitcode}, not SIGSEGV")
    previous = crash.install_faulthandler(log_path)  # what the next start of Hearth does
    crash.close_faulthandler(log_path)
    if not previous or FAULT_MARKER not in previous or "crash_with_faulthandler" not in previous:
        raise SmokeFailure(f"the GUI crash log lacks the fault and its Python frame: {previous!r}")
    return {"exitcode": child.exitcode, "log_lines": len(previous.splitlines())}


def save_screenshot(app: QApplication, window: object, path: Path) -> str:
    """The whole screen on a display server, else the window rendered by itself."""
    from PySide6.QtWidgets import QWidget

    assert isinstance(window, QWidget)
    end = time.monotonic() + 1.0
    while time.monotonic() < end:  # let the conversation lay out and paint
        app.processEvents()
        time.sleep(0.02)
    screen = window.screen()
    on_display = app.platformName() in {"xcb", "wayland"}
    image = screen.grabWindow(0) if on_display else window.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    if image.isNull() or not image.save(str(path), "PNG"):
        raise SmokeFailure(f"could not save the screenshot {path}")
    return f"{path} ({image.width()}x{image.height()}, {'screen' if on_display else 'window'})"


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="Hearth --smoke-test")
    parser.add_argument("--smoke-test", action="store_true")
    parser.add_argument("--image", type=Path, required=True)
    parser.add_argument("--pdf", type=Path, required=True)
    parser.add_argument("--screenshot", type=Path, default=None, help="save a PNG of the window")
    args = parser.parse_args(list(argv))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    try:
        report = run(app, args)
    except (SmokeFailure, HearthError) as exc:
        print(f"smoke: FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    print(json.dumps(report), flush=True)
    return 0


def run(app: QApplication, args: argparse.Namespace) -> dict[str, object]:
    from app.main import build_context, open_window
    from engine.build_info import llama_cpu_backend
    from engine.documents.sandbox import extract_document
    from engine.model.bundled import bundled_model_path
    from engine.paths import resolve_paths
    from engine.vision.tiles import make_tiles

    report: dict[str, object] = {
        "frozen": bool(getattr(sys, "frozen", False)),
        "executable": sys.executable,
        "spawn_executable": os.fsdecode(multiprocessing.spawn.get_executable()),
        "platform": app.platformName(),
        "cpu_backend": llama_cpu_backend(),
    }
    with tempfile.TemporaryDirectory(prefix="hearth-smoke-") as tmp:
        paths = resolve_paths(tmp).ensure()
        model = bundled_model_path(paths.models_dir)
        client = EngineClient(log_path=paths.cache_dir / "worker.log")
        context = build_context(app, paths, model, client=client)
        window = open_window(context, warm_up=False)
        try:
            step("window opened, loading the bundled model in the worker")
            app.processEvents()
            report["window"] = window.isVisible()
            wait_until(
                app,
                lambda: window.model_info is not None and not window.busy,
                _LOAD_TIMEOUT_S,
                "the window loaded the bundled model",
            )
            report["worker_pid"] = client.pid
            report["worker_executable"] = executable_of(client.pid)
            session = ChatSession(context.store, client, model_name=model.name)
            step("model loaded, asking")
            conversation_id, answer = ask(session, None, "Say hello.")
            stored = context.store.messages.active_path(conversation_id)
            roles = [message.role for message in stored]
            report["answer"] = answer
            report["stored_roles"] = roles
            if roles[-2:] != ["user", "assistant"] or stored[-1].content != answer:
                raise SmokeFailure("the conversation was not stored and read back")
            window.open_conversation(conversation_id)
            if args.screenshot is not None:
                report["screenshot"] = save_screenshot(app, window, args.screenshot)
            step("answered and stored; tiling the image, extracting the PDF")
            report["tiles"] = make_tiles(args.image).tile_count
            report["pdf_sections"] = len(extract_document(args.pdf).sections)
            step("killing the worker (SIGKILL, then SIGSEGV)")
            report["crash_isolation"] = [
                kill_worker_and_ask(app, client, session, conversation_id, sig)
                for sig in (signal.SIGKILL, signal.SIGSEGV)
            ]
            worker_log = (paths.cache_dir / "worker.log").read_text("utf-8", "replace")
            if FAULT_MARKER not in worker_log:
                raise SmokeFailure("the worker's faulthandler did not log its SIGSEGV")
            report["worker_faulthandler"] = True
            step("checking the GUI's faulthandler log with a crashing child")
            report["gui_faulthandler"] = check_gui_faulthandler(paths.crash_log)
        finally:
            window.close()
            client.close()
            context.store.close()
    return report
