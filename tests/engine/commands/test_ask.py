"""``hearth-cli ask`` end to end in a real subprocess with the bundled model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.model


def hearth_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_ask_json_reports_every_field(tmp_path: Path, model_path: Path) -> None:
    result = hearth_cli(
        tmp_path,
        "ask",
        "--model",
        str(model_path),
        "--json",
        "--temperature",
        "0",
        "--max-tokens",
        "12",
        "Name a river.",
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(payload) >= {
        "text",
        "prompt_tokens",
        "cached_tokens",
        "completion_tokens",
        "ttft_s",
        "tokens_per_s",
        "context_used",
        "context_size",
    }
    assert payload["completion_tokens"] >= 1
    assert payload["context_used"] == payload["prompt_tokens"] + payload["completion_tokens"]


def test_ask_uses_the_bundled_model_from_the_data_dir(tmp_path: Path) -> None:
    result = hearth_cli(tmp_path, "ask", "--max-tokens", "4", "--temperature", "0", "Hi")
    assert result.returncode == 0, result.stderr
    assembled = tmp_path / "models" / "gemma-3-270m-q4_k_m.gguf"
    assert assembled.is_file() and assembled.stat().st_size > 200_000_000
    assert result.stdout.strip()


def test_ask_with_a_bad_model_fails_with_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "fake.gguf"
    bad.write_text("<html><body>404</body></html>")
    result = hearth_cli(tmp_path, "ask", "--model", str(bad), "Hi")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hearth-cli: ")


def test_ask_about_an_image_reports_tiles_and_keeps_the_recipe(
    tmp_path: Path, model_path: Path, tiny_mmproj_path: Path
) -> None:
    photo = Path(__file__).parents[2] / "data" / "f3-discovery-board.jpeg"
    result = hearth_cli(
        tmp_path,
        "ask",
        "--model",
        str(model_path),
        "--mmproj",
        str(tiny_mmproj_path),
        "--allow-text-only-vision",
        "--image",
        str(photo),
        "--json",
        "--temperature",
        "0",
        "--max-tokens",
        "4",
        "What is this board?",
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    assert payload["image_tiles"] == 3 and payload["images_encoded"] == 3
    shown = hearth_cli(tmp_path, "history", "show", str(payload["conversation"]), "--json")
    question = json.loads(shown.stdout)["messages"][0]
    (attachment,) = question["attachments"]
    assert attachment["kind"] == "image"
    assert attachment["recipe"]["crops"] == [[0, 0, 360, 477], [360, 0, 720, 477]]
    assert len(attachment["recipe"]["mmproj_sha256"]) == 64


def test_a_text_only_model_refuses_images_clearly(tmp_path: Path, model_path: Path) -> None:
    photo = Path(__file__).parents[2] / "data" / "f3-discovery-board.jpeg"
    result = hearth_cli(tmp_path, "ask", "--model", str(model_path), "--image", str(photo), "Hi")
    assert result.returncode == 2
    assert "cannot see images" in result.stderr


def test_continue_goes_on_with_the_last_answer_in_the_same_message(
    tmp_path: Path, model_path: Path
) -> None:
    common = ("--model", str(model_path), "--json", "--temperature", "0")
    first = hearth_cli(tmp_path, "ask", *common, "--max-tokens", "5", "Describe a harbour.")
    assert first.returncode == 0, first.stderr
    cut = json.loads(first.stdout.strip().splitlines()[-1])
    assert cut["finish_reason"] == "length"
    conversation = str(cut["conversation"])

    more = hearth_cli(
        tmp_path, "ask", *common, "--max-tokens", "5", "--conversation", conversation, "--continue"
    )
    assert more.returncode == 0, more.stderr
    payload = json.loads(more.stdout.strip().splitlines()[-1])
    assert payload["assistant_message_id"] == cut["assistant_message_id"]
    assert payload["saved_text"] == cut["text"].rstrip() + payload["text"]
    assert payload["completion_tokens"] >= 1

    shown = hearth_cli(tmp_path, "history", "show", conversation, "--json")
    messages = json.loads(shown.stdout)["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert messages[1]["content"] == payload["saved_text"].strip()
    assert messages[1]["completion_tokens"] == 5 + payload["completion_tokens"]
    assert messages[1]["stats"]["continued"] == 1

    refused = hearth_cli(tmp_path, "ask", *common, "--continue")
    assert refused.returncode == 2 and "--conversation" in refused.stderr


def test_ask_a_chat_tuned_llama_model_answers_and_stops_by_itself(
    tmp_path: Path, smollm2_path: Path
) -> None:
    result = hearth_cli(
        tmp_path, "ask", "--model", str(smollm2_path), "--json", "--temperature", "0",
        "--max-tokens", "200", "What is 2+2?",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    assert payload["text"].strip()
    assert payload["finish_reason"] == "stop"
    assert payload["completion_tokens"] < 200


def test_ask_a_model_without_a_template_needs_a_format(tmp_path: Path, smollm2_path: Path) -> None:
    bare = tmp_path / "bare.gguf"
    subprocess.run(
        [sys.executable, "-m", "gguf.scripts.gguf_new_metadata", str(smollm2_path), str(bare),
         "--force", "--remove-metadata", "tokenizer.chat_template"],
        check=True, capture_output=True,
    )  # fmt: skip
    refused = hearth_cli(tmp_path, "ask", "--model", str(bare), "What is 2+2?")
    assert refused.returncode != 0
    assert "has no chat template" in refused.stderr and "ChatML" in refused.stderr
    assert "Traceback" not in refused.stderr
    chosen = hearth_cli(
        tmp_path, "ask", "--model", str(bare), "--prompt-format", "chatml", "--json",
        "--temperature", "0", "--max-tokens", "200", "What is 2+2?",
    )  # fmt: skip
    assert chosen.returncode == 0, chosen.stderr
    assert json.loads(chosen.stdout.strip().splitlines()[-1])["finish_reason"] == "stop"
