"""``Hearth --smoke-test``: check a build end to end without a screen or dialogs.

Uses a temporary data directory: opens the window (offscreen platform unless a display is
given), loads the bundled model in the spawned worker, answers one prompt, stores the
conversation and reads it back, tiles an image, extracts a PDF in the sandbox child, and prints
one JSON line. Exit 0 only if every step worked.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="Hearth --smoke-test")
    parser.add_argument("--smoke-test", action="store_true")
    parser.add_argument("--image", type=Path, required=True)
    parser.add_argument("--pdf", type=Path, required=True)
    args = parser.parse_args(list(argv))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from engine.build_info import llama_cpu_backend
    from engine.chat.sampling import GREEDY
    from engine.chat.session import ChatSession
    from engine.documents.sandbox import extract_document
    from engine.model.bundled import bundled_model_path
    from engine.paths import resolve_paths
    from engine.vision.tiles import make_tiles
    from engine.worker import protocol as p
    from engine.worker.client import EngineClient

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    report: dict[str, object] = {"cpu_backend": llama_cpu_backend()}
    with tempfile.TemporaryDirectory(prefix="hearth-smoke-") as tmp:
        paths = resolve_paths(tmp).ensure()
        model = bundled_model_path(paths.models_dir)
        from app.main import build_context, open_window

        client = EngineClient(log_path=paths.cache_dir / "worker.log")
        context = build_context(app, paths, model, client=client)
        window = open_window(context, warm_up=False)
        app.processEvents()
        report["window"] = window.isVisible()
        client.load(p.ModelConfig(model_path=str(model), n_ctx=1024))
        session = ChatSession(context.store, client, model_name=model.name)
        turn, events = session.send(None, "Say hello.", GREEDY, max_tokens=16)
        done = [event for event in events if isinstance(event, p.Done | p.Failed)]
        if not done or not isinstance(done[-1], p.Done):
            raise SystemExit(f"smoke: the answer failed: {done}")
        stored = context.store.messages.active_path(turn.conversation_id)
        report["answer"] = turn.text
        report["stored_roles"] = [message.role for message in stored]
        if [m.role for m in stored][-2:] != ["user", "assistant"] or not turn.text:
            raise SystemExit("smoke: the conversation was not stored and read back")
        report["worker_pid"] = client.pid
        tiles = make_tiles(args.image)
        report["tiles"] = tiles.tile_count
        document = extract_document(args.pdf)
        report["pdf_sections"] = len(document.sections)
        window.close()
        client.close()
        context.store.close()
    print(json.dumps(report), flush=True)
    return 0
