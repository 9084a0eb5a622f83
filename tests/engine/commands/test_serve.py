"""``hearth-cli serve`` in a real subprocess, talked to with plain ``curl``."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.settings import load_settings

pytestmark = pytest.mark.model

CURL = shutil.which("curl")


@pytest.fixture()
def served(tmp_path: Path, model_path: Path) -> Iterator[tuple[str, str]]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "engine",
            "--data-dir",
            str(tmp_path),
            "serve",
            "--model",
            str(model_path),
            "--port",
            "0",
            "--ctx",
            "2048",
            "--show-token",
            "--enable",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        url_line = process.stdout.readline()
        token_line = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/v1)", url_line)
        assert match, url_line + (process.stderr.read() if process.stderr else "")
        token = token_line.split(":", 1)[1].strip()
        token_file = tmp_path / "api-token"
        assert token_file.read_text().strip() == token
        if os.name == "posix":
            assert token_file.stat().st_mode & 0o777 == 0o600
        settings = load_settings(tmp_path / "settings.toml").settings
        assert settings.api_server_enabled  # --enable turned the setting on
        yield match.group(1), token
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        assert code == 0, process.stderr.read() if process.stderr else code


def test_serve_refuses_while_the_setting_is_off(tmp_path: Path, model_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "engine", "--data-dir", str(tmp_path), "serve",
         "--model", str(model_path), "--port", "0"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "local API server is off" in result.stderr
    assert not (tmp_path / "api-token").exists()  # nothing was set up


def curl(*args: str) -> subprocess.CompletedProcess[str]:
    assert CURL is not None
    return subprocess.run(
        [CURL, "-sS", "--max-time", "120", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=150,
    )


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
def test_curl_talks_to_hearth_cli_serve(served: tuple[str, str]) -> None:
    url, token = served
    auth = f"Authorization: Bearer {token}"
    models = curl("-H", auth, f"{url}/models")
    assert models.returncode == 0, models.stderr
    assert json.loads(models.stdout)["data"][0]["id"] == "gemma-3-270m-q4_k_m"

    body = json.dumps(
        {
            "model": "x",
            "messages": [{"role": "user", "content": "Say hello."}],
            "max_tokens": 8,
            "temperature": 0,
        }
    )
    plain = curl(
        "-H", auth, "-H", "Content-Type: application/json", "-d", body, f"{url}/chat/completions"
    )
    assert plain.returncode == 0, plain.stderr
    answer = json.loads(plain.stdout)["choices"][0]["message"]["content"]
    assert answer

    streamed = curl(
        "-N",
        "-H",
        auth,
        "-H",
        "Content-Type: application/json",
        "-d",
        body[:-1] + ', "stream": true}',
        f"{url}/chat/completions",
    )
    assert streamed.returncode == 0, streamed.stderr
    events = [line[6:] for line in streamed.stdout.splitlines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    text = "".join(
        choice["delta"].get("content") or ""
        for event in events[:-1]
        for choice in json.loads(event)["choices"]
    )
    assert text == answer

    refused = curl(
        "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer nope", f"{url}/models"
    )
    assert refused.stdout == "401"
