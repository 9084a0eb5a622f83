"""``hearth-cli bench`` on both model families: ratios and memory lines are printed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.model


@pytest.mark.timeout(900)
@pytest.mark.parametrize("family", ["gemma3", "smollm2"])
def test_bench_prints_ratios_and_memory_against_llama_cpp(
    tmp_path: Path, family: str, model_path: Path, smollm2_path: Path
) -> None:
    model = model_path if family == "gemma3" else smollm2_path
    result = subprocess.run(
        [sys.executable, "-m", "engine", "--data-dir", str(tmp_path), "bench", "--model",
         str(model), "--rounds", "1", "--gen-tokens", "8", "--prompt-tokens", "64",
         "--kv-contexts", "2048"],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "generation: raw" in out and "prefill: raw" in out and "ratio" in out
    memory = [line for line in out.splitlines() if line.startswith("memory at")]
    assert len(memory) == (2 if family == "gemma3" else 1)
    for line in memory:
        kv_measured = float(line.split("KV llama.cpp")[1].split("MiB")[0])
        kv_estimate = float(line.split("estimate")[1].split("MiB")[0])
        assert kv_measured > 0
        assert abs(kv_estimate - kv_measured) <= 0.05 * kv_measured, line
