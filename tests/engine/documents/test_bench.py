"""The benchmark runs end to end on a real PDF and reports matching token counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.documents.bench import find_pdf, main, report, run_benchmark

SAMPLE = Path(__file__).parents[2] / "data" / "documents" / "sample-3-pages.pdf"


@pytest.mark.model
def test_the_benchmark_measures_a_pdf(model_path: Path, tmp_path: Path) -> None:
    figures = run_benchmark(SAMPLE, model_path, repeat=1, cache_dir=tmp_path / "spm")

    assert figures.pages == 3
    assert figures.counts_match
    assert figures.tokens > 10
    assert figures.extract_pages_per_s > 0
    assert figures.sandboxed_pages_per_s > 0
    assert figures.whole_speedup > 0
    text = report(figures)
    assert "pages/s" in text
    assert "Counts identical to llama.cpp: yes" in text


@pytest.mark.model
def test_the_command_prints_json(
    model_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            str(SAMPLE),
            "--model",
            str(model_path),
            "--data-dir",
            str(tmp_path),
            "--repeat",
            "1",
            "--json",
        ]
    )
    assert code == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["pages"] == 3
    assert figures["counts_match"] is True


def test_find_pdf_picks_the_first_large_enough_pdf(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "small.pdf").write_bytes(b"%PDF-" + bytes(10))
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "large.pdf").write_bytes(b"%PDF-" + bytes(300_000))
    (tmp_path / "c.pdf").symlink_to(tmp_path / "b" / "large.pdf")

    assert find_pdf([tmp_path]) == tmp_path / "b" / "large.pdf"
    assert find_pdf([tmp_path / "missing"]) is None
