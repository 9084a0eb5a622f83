"""``hearth-cli history``: every action, text and --json, against a real store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.cli import main
from engine.paths import AppPaths
from engine.store import AttachmentRef, HistoryStore

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture()
def history(app_paths: AppPaths) -> dict[str, int]:
    """Two conversations, one with a regenerated answer and an image."""
    with HistoryStore.open(app_paths) as store:
        first = store.conversations.create("Wood stoves", model="gemma-3-4b")
        user = store.messages.add_user(first.id, "How do I light a multi-fuel stove?")
        for text in ("Open the damper first.", "Start with kindling."):
            recorder = store.messages.start_assistant(first.id, parent=user.id)
            recorder.append(text)
            recorder.finish()
        image = store.put_bytes(b"\x89PNG\r\n\x1a\nnot really", "image/png")
        store.messages.add_user(
            first.id, "And this one?", attachments=[AttachmentRef(image, "image", "s.png")]
        )
        second = store.conversations.create("Bread")
        store.messages.add_user(second.id, "Sourdough at 50% hydration?")
        return {"first": first.id, "second": second.id, "user": user.id}


def run(app_paths: AppPaths, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--data-dir", str(app_paths.data_dir), "history", *args])
    captured = capsys.readouterr()
    return code, captured.out


def run_json(app_paths: AppPaths, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out = run(app_paths, capsys, *args, "--json")
    assert code == 0
    return json.loads(out)


def test_list(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], history: dict[str, int]
) -> None:
    code, out = run(app_paths, capsys, "list")
    assert code == 0
    assert out.index("Bread") < out.index("Wood stoves")
    listed = run_json(app_paths, capsys, "list")
    assert [c["id"] for c in listed] == [history["second"], history["first"]]
    assert listed[1]["message_count"] == 4


def test_show_json_lists_ids_and_parent_ids(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], history: dict[str, int]
) -> None:
    shown = run_json(app_paths, capsys, "show", str(history["first"]))
    messages = shown["messages"]
    assert [m["content"] for m in messages] == [
        "How do I light a multi-fuel stove?",
        "Start with kindling.",
        "And this one?",
    ]
    assert messages[0]["parent_id"] is None
    assert [m["parent_id"] for m in messages[1:]] == [m["id"] for m in messages[:-1]]
    assert shown["active_path"] == [m["id"] for m in messages]
    assert (messages[1]["sibling_index"], messages[1]["sibling_count"]) == (1, 2)
    assert messages[2]["attachments"][0]["filename"] == "s.png"
    everything = run_json(app_paths, capsys, "show", str(history["first"]), "--all-branches")
    assert len(everything["messages"]) == 4
    code, out = run(app_paths, capsys, "show", str(history["first"]))
    assert code == 0 and "version 2/2" in out and "Start with kindling." in out


@pytest.mark.parametrize("query", ["multi-fuel", "50%", '"', "a'b", "NEAR("])
def test_search_never_fails(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], history: dict[str, int], query: str
) -> None:
    found = run_json(app_paths, capsys, "search", query)
    assert isinstance(found["messages"], list)


def test_search_results_and_filters(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], history: dict[str, int]
) -> None:
    found = run_json(app_paths, capsys, "search", "multi-fuel")
    assert [h["message_id"] for h in found["messages"]] == [history["user"]]
    assert found["messages"][0]["highlighted"] == "How do I light a [multi]-[fuel] stove?"
    scoped = run_json(
        app_paths, capsys, "search", "sourdough", "--conversation", str(history["first"])
    )
    assert scoped["messages"] == []
    future = run_json(app_paths, capsys, "search", "sourdough", "--since", "2999-01-01")
    assert future["messages"] == []
    today = run_json(app_paths, capsys, "search", "sourdough", "--until", "2999-01-01")
    assert len(today["messages"]) == 1
    code, out = run(app_paths, capsys, "search", "stoves")
    assert code == 0 and "(title)" in out


def test_export_import_round_trip(
    app_paths: AppPaths,
    capsys: pytest.CaptureFixture[str],
    history: dict[str, int],
    tmp_path: Path,
) -> None:
    target = tmp_path / "all.json"
    written = run_json(app_paths, capsys, "export", "--all", "--format", "json", "-o", str(target))
    assert written["conversations"] == 2
    assert run_json(app_paths, capsys, "import", str(target))["skipped"]
    copied = run_json(app_paths, capsys, "import", str(target), "--copy")
    assert len(copied["imported"]) == 2 and copied["messages"] == 5
    code, markdown = run(app_paths, capsys, "export", str(history["first"]), "--format", "md")
    assert code == 0 and markdown.startswith("# Wood stoves")
    page = tmp_path / "one.html"
    code, _ = run(
        app_paths, capsys, "export", str(history["first"]), "--format", "html", "-o", str(page)
    )
    assert code == 0 and "data:image/png;base64," in page.read_text()
    code, _ = run(app_paths, capsys, "export", "--format", "md")
    assert code == 2  # neither ids nor --all


def test_delete_needs_confirmation_in_scripts(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], history: dict[str, int]
) -> None:
    code, _ = run(app_paths, capsys, "delete", str(history["second"]))
    assert code == 2
    deleted = run_json(app_paths, capsys, "delete", str(history["second"]), "--yes")
    assert deleted[0]["id"] == history["second"] and deleted[0]["wal_truncated"]
    assert [c["id"] for c in run_json(app_paths, capsys, "list")] == [history["first"]]


def test_missing_conversation_is_a_friendly_error(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], history: dict[str, int]
) -> None:
    code = main(["--data-dir", str(app_paths.data_dir), "history", "show", "999"])
    assert code == 2
    assert "There is no conversation 999." in capsys.readouterr().err


def test_backup(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], history: dict[str, int], tmp_path: Path
) -> None:
    made = run_json(app_paths, capsys, "backup")
    assert Path(made["path"]).parent == app_paths.data_dir / "backups"
    chosen = tmp_path / "mine.sqlite3"
    assert run_json(app_paths, capsys, "backup", str(chosen), "--method", "api")["path"] == str(
        chosen
    )
    code = main(["--data-dir", str(app_paths.data_dir), "history", "backup", str(chosen)])
    assert code == 2  # never overwrites
    assert "overwrite" in capsys.readouterr().err


def test_runs_as_a_real_process(app_paths: AppPaths, history: dict[str, int]) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "engine",
            "--data-dir",
            str(app_paths.data_dir),
            "history",
            "list",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert {c["title"] for c in json.loads(result.stdout)} == {"Wood stoves", "Bread"}
