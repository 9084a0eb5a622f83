"""``hearth-cli engines`` and ``ask --engine`` against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from engine.cli import main
from engine.paths import AppPaths
from tests.engine.remote.shape_server import WORDS, ShapeServer


@pytest.fixture()
def server() -> Iterator[ShapeServer]:
    with ShapeServer() as running:
        yield running


def cli(app_paths: AppPaths, *args: str) -> int:
    return main(["--data-dir", str(app_paths.data_dir), *args])


def test_add_list_models_ask_remove(
    server: ShapeServer,
    app_paths: AppPaths,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("sk-test-1\n"))
    assert cli(app_paths, "engines", "add", "Box", server.url + "/v1", "--model", "shape:ok",
               "--api-key-stdin", "--family", "other") == 0  # fmt: skip
    assert "secrets.json" in capsys.readouterr().out  # no keyring here: the private file
    assert not server.requests  # saving an engine contacts nothing

    assert cli(app_paths, "engines", "list", "--json") == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["base_url"] == server.url and row["api_key"] is True

    assert cli(app_paths, "engines", "models", "Box") == 0
    assert "shape:ok — Box" in capsys.readouterr().out

    assert cli(app_paths, "ask", "--engine", "Box", "--json", "Hello?") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["text"] == "".join(WORDS)
    assert result["reuse_path"] == "remote"
    assert server.requests[-1]["headers"]["Authorization"] == "Bearer sk-test-1"

    assert cli(app_paths, "history", "show", str(result["conversation"])) == 0
    assert "".join(WORDS) in capsys.readouterr().out

    assert cli(app_paths, "engines", "remove", "box") == 0
    assert cli(app_paths, "ask", "--engine", "Box", "Hello?") == 2
    assert "no remote engine called 'Box'" in capsys.readouterr().err


def test_ask_with_an_engine_that_fails_gives_one_sentence(
    server: ShapeServer, app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(app_paths, "engines", "add", "Box", server.url, "--model", "shape:http500") == 0
    capsys.readouterr()
    assert cli(app_paths, "ask", "--engine", "Box", "Hello?") == 2
    err = capsys.readouterr().err
    assert "Box hit an internal error (HTTP 500)" in err and "Traceback" not in err
