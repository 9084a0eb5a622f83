"""``hearth-cli licenses``: the listing, one component's text, a clear error for a wrong name."""

from __future__ import annotations

import json

import pytest

from engine.cli import EXIT_BAD_INPUT, main


def test_json_listing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["licenses", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    names = [component["name"].lower() for component in report["components"]]
    assert names[0] == "hearth" and "llama_cpp_python" in {n.replace("-", "_") for n in names}
    assert {note["license"] for note in report["notes"]} >= {"MIT", "Gemma Terms of Use"}


def test_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["licenses"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:2][0] == "hearth"
    assert "https://ai.google.dev/gemma/terms" in out


def test_one_components_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["licenses", "--text", "Jinja2"]) == 0
    assert "Redistribution and use" in capsys.readouterr().out
    assert main(["licenses", "--text", "gemma"]) == 0
    assert "Gemma Terms of Use" in capsys.readouterr().out


def test_an_unknown_component(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["licenses", "--text", "no-such-library"]) == EXIT_BAD_INPUT
    assert "not a component of this build" in capsys.readouterr().err


def test_pyside6_text_is_the_lgpl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["licenses", "--text", "PySide6"]) == 0
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in capsys.readouterr().out
