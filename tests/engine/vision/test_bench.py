"""The vision benchmark's tiling half runs and reports sane figures (timings are not asserted)."""

from __future__ import annotations

import json

import pytest

from engine.vision.bench import bench_tiling, main, synthetic_jpeg


def test_tiling_figures_for_a_small_photo() -> None:
    figures = bench_tiling(synthetic_jpeg(2400, 1600, quality=85), repeat=1)
    assert figures["source"] == "2400x1600"
    assert figures["tiles_auto"] == 3
    assert figures["decoded_auto"] == "2400x1600"  # crops 1200 wide: 1/2 would lose pixels
    assert figures["decoded_off"] == "2400x1600"  # exact decode: always the full size
    assert figures["decoded_approximate"] == "2400x1600"  # crops 1200 wide: 1/2 would lose pixels
    assert figures["approximate_max_abs_diff"] == 0  # nothing reduced, so nothing differs
    timings = [key for key in figures if key.endswith("_ms") and key != "approximate_saves_ms"]
    assert all(figures[key] >= 0 for key in timings)


def test_main_without_model_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-model", "--repeat", "1", "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert results["tiling"]["source"] == "6000x4000"
    assert results["tiling"]["decoded_auto"] == "6000x4000"  # exact by default
    assert results["tiling"]["decoded_approximate"] == "3000x2000"
    assert results["tiling"]["approximate_mean_abs_diff"] > 0  # the reduced decode is not exact
    assert "vision" not in results
