"""``hearth-cli batch`` and ``ask --conversation/--edit/--regenerate`` over the real store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.model


def cli(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine", "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def batch(data_dir: Path, model: Path, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    stdin = "\n".join(json.dumps(r) for r in requests) + "\n"
    result = cli(data_dir, "batch", "--model", str(model), stdin=stdin)
    assert result.returncode == 0, result.stdout + result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def history(data_dir: Path, conversation: int) -> dict[str, Any]:
    result = cli(data_dir, "history", "show", str(conversation), "--json", "--all-branches")
    assert result.returncode == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def test_one_worker_serves_a_conversation_with_edit_and_regenerate(
    tmp_path: Path, model_path: Path
) -> None:
    base = {"temperature": 0, "max_tokens": 12, "edit": None, "regenerate": False}
    first = batch(
        tmp_path, model_path, [{**base, "text": "Name three rivers.", "conversation": None}]
    )
    conversation = first[0]["conversation"]
    results = batch(
        tmp_path,
        model_path,
        [
            {**base, "text": "And three lakes?", "conversation": conversation},
            {**base, "text": None, "conversation": conversation, "regenerate": True},
            {
                **base,
                "text": "Name three seas.",
                "conversation": conversation,
                "edit": first[0]["user_message_id"],
            },
        ],
    )
    follow, again, edited = results
    assert all("error" not in r for r in results), results
    assert follow["reuse_path"] in {"full", "switch+full"}  # a new process: nothing cached yet
    assert again["reuse_path"] in {"rollback", "checkpoint"}
    assert again["reevaluated_tokens"] <= 2
    assert again["text"] == follow["text"]  # greedy: the same answer again
    assert again["user_message_id"] == follow["user_message_id"]
    assert edited["reevaluated_tokens"] < edited["prompt_tokens"]

    stored = history(tmp_path, conversation)
    by_id = {m["id"]: m for m in stored["messages"]}
    old_question = by_id[first[0]["user_message_id"]]
    new_question = by_id[edited["user_message_id"]]
    assert old_question["parent_id"] == new_question["parent_id"]  # siblings: old branch kept
    assert new_question["content"] == "Name three seas."
    assert by_id[follow["assistant_message_id"]]["parent_id"] == follow["user_message_id"]
    assert by_id[again["assistant_message_id"]]["parent_id"] == follow["user_message_id"]
    assert stored["active_leaf_id"] == edited["assistant_message_id"]


def test_ask_continues_edits_and_regenerates_a_stored_conversation(
    tmp_path: Path, model_path: Path
) -> None:
    common = ["--model", str(model_path), "--json", "--temperature", "0", "--max-tokens", "6"]
    first = json.loads(cli(tmp_path, "ask", *common, "Hello there").stdout)
    conv = str(first["conversation"])
    second = json.loads(cli(tmp_path, "ask", *common, "--conversation", conv, "More").stdout)
    regen = json.loads(cli(tmp_path, "ask", *common, "--conversation", conv, "--regenerate").stdout)
    assert regen["text"] == second["text"]
    edit = json.loads(
        cli(
            tmp_path,
            "ask",
            *common,
            "--conversation",
            conv,
            "--edit",
            str(second["user_message_id"]),
            "Less",
        ).stdout
    )
    stored = history(tmp_path, first["conversation"])
    ids = {m["id"] for m in stored["messages"]}
    assert {
        second["assistant_message_id"],
        regen["assistant_message_id"],
        edit["assistant_message_id"],
    } <= ids
    assert len(stored["messages"]) == 7  # 2 + 2 + 1 regenerated answer + 2 edited


def test_bad_requests_get_an_error_line_and_the_batch_goes_on(
    tmp_path: Path, model_path: Path
) -> None:
    stdin = "\n".join(
        [
            json.dumps({"text": "", "conversation": None}),
            "this is not json",
            json.dumps({"text": "Hi", "conversation": None, "max_tokens": 3, "temperature": 0}),
        ]
    )
    result = cli(tmp_path, "batch", "--model", str(model_path), stdin=stdin + "\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert "error" in lines[0] and "error" in lines[1]
    assert lines[2]["completion_tokens"] >= 1
    assert result.returncode == 1


def test_batch_on_a_llama_architecture_model(tmp_path: Path, smollm2_path: Path) -> None:
    """Follow-up, regenerate and edit through one worker on SmolLM2 (full-attention cache)."""
    base = {"temperature": 0, "max_tokens": 24, "edit": None, "regenerate": False}
    first = batch(tmp_path, smollm2_path, [{**base, "text": "What is 2+2?", "conversation": None}])
    conversation = first[0]["conversation"]
    assert first[0]["finish_reason"] == "stop" and first[0]["text"].strip()
    results = batch(
        tmp_path,
        smollm2_path,
        [
            {**base, "text": "And 3+3?", "conversation": conversation},
            {**base, "text": None, "conversation": conversation, "regenerate": True},
            {
                **base,
                "text": "What is 5+5?",
                "conversation": conversation,
                "edit": first[0]["user_message_id"],
            },
        ],
    )
    follow, regenerated, edited = results
    assert all("error" not in r for r in results), results
    assert regenerated["reuse_path"] == "rollback" and regenerated["reevaluated_tokens"] == 1
    assert regenerated["text"] == follow["text"]  # greedy: the same answer again
    assert edited["text"].strip()
    shown = history(tmp_path, conversation)
    assert shown  # stored and readable
