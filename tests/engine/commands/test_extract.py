"""``hearth-cli extract``: text with anchors, or JSON with sections and exact token counts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main
from engine.paths import AppPaths

SAMPLE = Path(__file__).parents[2] / "data" / "documents" / "sample-3-pages.pdf"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_text_output_has_anchors_and_a_summary(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--data-dir", str(app_paths.data_dir), "extract", str(SAMPLE))

    assert code == 0
    assert out.startswith("[p. 1]\nHearth sample document\n")
    assert "\n[p. 3]\nThe third page closes the sample." in out
    assert "hearth-cli: pdf, 2 sections, 3 pages, scanned pages 2" in err


@pytest.mark.model
def test_json_output_counts_tokens_with_the_given_model(
    app_paths: AppPaths, model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from engine.tokenizer import load_token_counter

    code, out, err = run(
        capsys,
        "--data-dir",
        str(app_paths.data_dir),
        "extract",
        str(SAMPLE),
        "--json",
        "--model",
        str(model_path),
        "--ctx",
        "4096",
    )

    assert code == 0, err
    report = json.loads(out)
    assert report["format"] == "pdf"
    assert report["title"] == "Hearth sample"
    assert report["pages"] == 3
    assert report["scanned_pages"] == [2]
    assert [s["anchor"] for s in report["sections"]] == ["p. 1", "p. 3"]
    text = "\n\n".join(section["text"] for section in report["sections"])
    counter = load_token_counter(model_path)
    assert report["document_tokens"] == counter.count(text)
    assert report["plan"]["strategy"] == "single"
    assert report["plan"]["chunks"][0]["anchor"] == "pp. 1\u20133"
    assert report["tokenizer_model"] == str(model_path)
    # The tokenizer was cached under the data dir's cache.
    assert list((app_paths.cache_dir / "tokenizers").glob("spm-*.model"))


def test_json_without_tokens_needs_no_model(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "--data-dir",
        str(app_paths.data_dir),
        "extract",
        str(SAMPLE),
        "--json",
        "--no-tokens",
    )
    assert code == 0
    report = json.loads(out)
    assert "document_tokens" not in report
    assert report["sha256"] and report["size_bytes"] == SAMPLE.stat().st_size


def test_a_bad_file_exits_2_with_one_line(
    app_paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    code, out, err = run(capsys, "--data-dir", str(app_paths.data_dir), "extract", str(fifo))

    assert code == 2
    assert out == ""
    assert err == "hearth-cli: pipe.pdf is a named pipe (FIFO), not a document.\n"


def test_the_command_runs_as_a_real_process(app_paths: AppPaths, tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text("# Shopping\n\n- 牛乳\n- bread\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "engine", "extract", str(note), "--json", "--no-tokens"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).parents[3],
        env={**os.environ, "HEARTH_DATA_DIR": str(app_paths.data_dir)},
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["sections"][0]["anchor"] == "§ Shopping"
    assert "牛乳" in report["sections"][0]["text"]
