"""T01/T02: SIGKILL a process that is writing to the store, at random moments, many times.

After every kill the store must open cleanly (recovery marks the dead stream 'interrupted'),
pass integrity_check / foreign_key_check / the FTS5 integrity-check, and hold every write the
child reported as committed: user messages intact, finished answers complete, the partial
answer present up to (at least) the last acknowledged save.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from engine.paths import AppPaths
from engine.store import HistoryStore
from engine.store.export import write_json

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kill_child import expected_answer, question
from store_testing import child_command, child_env

SLOW_ITERATIONS = int(os.environ.get("HEARTH_KILL_ITERATIONS", "120"))


@dataclass
class Ledger:
    """Everything a child reported as committed, across iterations."""

    users: dict[int, str] = field(default_factory=dict)
    finished: dict[int, str] = field(default_factory=dict)
    interrupted: dict[int, str] = field(default_factory=dict)
    kills_while_streaming: int = 0


def _run_child(args: list[str], delay: float) -> list[str]:
    process = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env()
    )
    lines: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        for raw in process.stdout:
            lines.append(raw.decode().strip())

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    reader.join(timeout=30)
    assert process.stderr is not None
    errors = process.stderr.read().decode()
    assert process.returncode == -signal.SIGKILL, f"child ended by itself:\n{errors}"
    return lines


def _verify_stream(data_dir: Path, seed: int, lines: list[str], ledger: Ledger) -> None:
    users: dict[int, int] = {}
    answers: dict[int, int] = {}
    acked: dict[int, int] = {}
    done: set[int] = set()
    for line in lines:
        kind, *values = line.split()
        if kind == "USER":
            users[int(values[1])] = int(values[2])
        elif kind == "ANSWER":
            answers[int(values[0])] = int(values[1])
        elif kind == "ACK":
            acked[int(values[0])] = int(values[1])
        elif kind == "DONE":
            done.add(int(values[0]))
    with HistoryStore.open(data_dir) as store:
        assert store.check() == []
        with store.db.read() as connection:
            streaming = connection.execute(
                "SELECT count(*) FROM messages WHERE status = 'streaming'"
            ).fetchall()[0][0]
        assert streaming == 0
        for message_id, turn in users.items():
            message = store.messages.get(message_id)
            assert message.role == "user"
            assert message.content == question(seed, turn)
            ledger.users[message_id] = message.content
        for message_id, turn in answers.items():
            message = store.messages.get(message_id)
            full = expected_answer(seed, turn)
            if message_id in done:
                assert message.status == "complete"
                assert message.content == full
                ledger.finished[message_id] = full
            else:
                assert message.status == "interrupted"
                assert full.startswith(message.content)
                assert len(message.content) >= acked.get(message_id, 0)
                ledger.interrupted[message_id] = message.content
                ledger.kills_while_streaming += 1
        # Nothing committed in earlier iterations changed.
        for message_id, content in ledger.users.items():
            assert store.messages.get(message_id).content == content
        for message_id, content in ledger.finished.items():
            message = store.messages.get(message_id)
            assert (message.status, message.content) == ("complete", content)
        for message_id, content in ledger.interrupted.items():
            message = store.messages.get(message_id)
            assert (message.status, message.content) == ("interrupted", content)
        for conversation in store.conversations.recent(limit=None):
            path = store.messages.active_path(conversation.id)
            if conversation.active_leaf_id is not None:
                assert path and path[-1].id == conversation.active_leaf_id


def _kill_loop(app_paths: AppPaths, iterations: int, seed: int) -> Ledger:
    rng = random.Random(seed)
    with HistoryStore.open(app_paths) as store:
        baseline = store.conversations.create("baseline")
        store.messages.add_user(baseline.id, "committed before any kill")
        recorder = store.messages.start_assistant(baseline.id)
        recorder.append("an answer that must survive every kill")
        recorder.finish()
    ledger = Ledger()
    for iteration in range(iterations):
        child_seed = seed * 1000 + iteration
        delay = rng.uniform(0.05, 1.5)
        lines = _run_child(
            child_command("kill_child.py", "stream", str(app_paths.data_dir), str(child_seed)),
            delay,
        )
        _verify_stream(app_paths.data_dir, child_seed, lines, ledger)
    with HistoryStore.open(app_paths) as store:
        path = store.messages.active_path(baseline.id)
        assert [m.content for m in path] == [
            "committed before any kill",
            "an answer that must survive every kill",
        ]
    return ledger


def test_kill_during_streaming_default(app_paths: AppPaths) -> None:
    ledger = _kill_loop(app_paths, iterations=5, seed=1)
    assert ledger.users


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_kill_during_streaming_many(app_paths: AppPaths) -> None:
    ledger = _kill_loop(app_paths, iterations=SLOW_ITERATIONS, seed=2)
    # The random delays must really hit the streaming phase most of the time.
    assert ledger.kills_while_streaming >= SLOW_ITERATIONS // 2


def _churn_loop(app_paths: AppPaths, tmp_path: Path, iterations: int) -> None:
    with HistoryStore.open(app_paths) as store:
        source = store.conversations.create("churn source")
        image = store.put_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000), "image/png")
        from engine.store import AttachmentRef

        user = store.messages.add_user(
            source.id, "look", attachments=[AttachmentRef(image, "image", "a.png")]
        )
        for text in ("one", "two"):
            recorder = store.messages.start_assistant(source.id, parent=user.id)
            recorder.append(text)
            recorder.finish()
        export = tmp_path / "churn.json"
        with export.open("wb") as out:
            write_json(store, [source.id], out)
        expected_count = len(store.messages.all(source.id))
    assert json.loads(export.read_text())["conversations"]
    rng = random.Random(7)
    for _ in range(iterations):
        lines = _run_child(
            child_command("kill_child.py", "churn", str(app_paths.data_dir), str(export)),
            rng.uniform(0.1, 1.0),
        )
        imported: set[int] = set()
        deleted: set[int] = set()
        for line in lines:
            kind, *values = line.split()
            if kind == "IMPORTED":
                imported.update(int(v) for v in values)
            elif kind == "DELETED":
                deleted.add(int(values[0]))
        with HistoryStore.open(app_paths) as store:
            assert store.check() == []
            for conversation in store.conversations.recent(limit=None):
                # Whole or absent: an import or delete is one transaction.
                assert conversation.message_count == expected_count
            # Only the conversation being deleted at the moment of the kill may be gone
            # without its DELETED line having been printed.
            missing = [c for c in imported - deleted if not store.conversations.exists(c)]
            assert len(missing) <= 1
            for conversation_id in deleted:
                assert not store.conversations.exists(conversation_id)
            with store.db.read() as connection:
                shas = [str(r[0]) for r in connection.execute("SELECT sha256 FROM blobs")]
            for sha in shas:  # a row never points at a missing file
                assert store.blobs.exists(sha)


def test_kill_during_import_and_delete(app_paths: AppPaths, tmp_path: Path) -> None:
    _churn_loop(app_paths, tmp_path, iterations=3)


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_kill_during_import_and_delete_many(app_paths: AppPaths, tmp_path: Path) -> None:
    _churn_loop(app_paths, tmp_path, iterations=60)
