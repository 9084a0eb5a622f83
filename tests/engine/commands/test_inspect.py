"""``hearth-cli inspect``: header facts, family limits and memory, or exit 2 with one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main
from tests.engine.model.gguf_fixtures import (
    STR,
    U32,
    Tensor,
    build_gguf,
    write,
    write_gemma3,
    write_mmproj,
)

MIB = 1 << 20


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["inspect", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.model
def test_real_model_text(model_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(model_path))
    assert code == 0
    assert err == ""
    rows = dict(line.split(None, 1) for line in out.splitlines() if line)
    assert "gemma3" in out
    assert "Quantization     Q4_K_M" in out
    assert "Size             270M" in out
    assert "Context length   32,768 tokens" in out
    assert "Embedding width  640" in out
    assert "Layers           18" in out
    assert "4 (1 KV head, head size 256)" in out
    assert "512 tokens (15 sliding, 3 global layers)" in out
    assert "Chat template    no" in out
    assert "Gemma 3 270M; up to 32,768 tokens; text only" in out
    assert "at 8,192 tokens" in out  # min(32768, 8192)
    assert rows["File"].startswith(str(model_path))


@pytest.mark.model
def test_real_model_json_with_ctx(model_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(model_path), "--json", "--ctx", "32768")
    assert code == 0
    report = json.loads(out)
    assert report["kind"] == "model"
    assert report["architecture"] == "gemma3"
    assert report["size_label"] == "270M"
    assert report["quantization"] == "Q4_K_M"
    assert (report["head_count"], report["head_count_kv"]) == (4, 1)
    assert report["has_chat_template"] is False
    assert report["family"] == {"member": "Gemma 3 270M", "max_context": 32768, "vision": False}
    memory = report["memory"]
    assert memory["n_ctx"] == 32768
    assert memory["swa_full"] is False
    assert memory["kv_bytes"] == 111 * MIB
    assert memory["kv_full_bytes"] == 576 * MIB
    assert report["metadata"]["tokenizer.ggml.tokens"] == "<array of 262144 str>"


def test_default_context_is_capped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_gemma3(tmp_path / "gemma-3-12b.gguf", "12B")
    code, out, _ = run(capsys, str(path), "--json")
    report = json.loads(out)
    assert code == 0
    assert report["memory"]["n_ctx"] == 8192
    assert report["family"] == {"member": "Gemma 3 12B", "max_context": 131072, "vision": True}
    code, out, _ = run(capsys, str(path))
    assert "images and text" in out


def test_small_context_model_defaults_to_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_gemma3(tmp_path / "tiny.gguf", "1B", gemma3__context_length=(U32, 2048))
    code, out, _ = run(capsys, str(path), "--json")
    assert code == 0
    assert json.loads(out)["memory"]["n_ctx"] == 2048


def test_chat_template_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_gemma3(tmp_path / "it.gguf", "4B", tokenizer__chat_template=(STR, "{{ x }}"))
    _, out, _ = run(capsys, str(path))
    assert "Chat template    yes" in out


def test_projector(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(write_mmproj(tmp_path / "mmproj.gguf")))
    assert (code, err) == (0, "")
    assert "clip (vision projector)" in out
    assert "Projector type  gemma3" in out
    assert "640 (the text model's width)" in out
    assert "usable as a Gemma 3 projector" in out


def test_broken_projector_prints_facts_then_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = Tensor("v.position_embd.weight", (32, 1000))
    path = write_mmproj(tmp_path / "bad.gguf", tensors={"v.position_embd.weight": bad})
    code, out, err = run(capsys, str(path), "--json")
    assert code == 2
    report = json.loads(out)
    assert report["valid"] is False
    assert "v.position_embd.weight has the shape" in report["problem"]
    assert err.count("\n") == 1
    assert err.startswith("hearth-cli: bad.gguf is not a usable Gemma 3 vision projector")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<html><body>Not found</body></html>", "looks like a web page"),
        (b"", "the file is empty"),
        (b"GGUF\x03\x00\x00\x00", "the file is truncated"),
    ],
)
def test_bad_file_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, reason: str
) -> None:
    code, out, err = run(capsys, str(write(tmp_path / "x.gguf", content)))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("hearth-cli: x.gguf cannot be used as a model: ")
    assert reason in err


def test_bad_ctx_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_gemma3(tmp_path / "m.gguf", "1B")
    with pytest.raises(SystemExit) as exited:
        main(["inspect", str(path), "--ctx", "0"])
    assert exited.value.code == 2
    assert "positive" in capsys.readouterr().err


@pytest.mark.timeout(60)
def test_module_entry_point(tmp_path: Path) -> None:
    path = write_gemma3(tmp_path / "m.gguf", "27B")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    done = subprocess.run(
        [sys.executable, "-m", "engine", "inspect", str(path), "--json", "--ctx", "131072"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["size_label"] == "27B"
    assert report["memory"]["kv_bytes"] / (1 << 30) == pytest.approx(10.6, rel=0.05)


@pytest.mark.model
def test_a_llama_architecture_model_with_its_own_template(
    smollm2_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, str(smollm2_path))
    assert code == 0 and err == ""
    assert "Architecture     llama" in out
    assert "9 (3 KV heads, head size 64)" in out
    assert "Sliding window   none" in out
    assert "Prompt format    the model's own chat template (sandboxed)" in out
    assert "regenerate and edit cut the cache back exactly" in out
    assert "With swa_full" not in out  # no sliding window, nothing to compare
    code, out, _ = run(capsys, str(smollm2_path), "--json", "--ctx", "2048")
    report = json.loads(out)
    assert report["cache"] == {"memory": "attention", "sliding_window_kind": "none",
                               "rollback": "exact"}  # fmt: skip
    # 30 layers x 2048 cells x 3 KV heads x 64 x (K + V) x 2 bytes
    assert report["memory"]["kv_bytes"] == 30 * 2048 * 3 * 64 * 2 * 2


def test_an_embedding_model_is_refused_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path / "embed.gguf",
        build_gguf({"general.architecture": (STR, "bert"), "bert.block_count": (U32, 4)}),
    )
    code, out, err = run(capsys, str(path))
    assert code == 2 and out == ""
    assert "embed.gguf cannot be used as a model: 'bert' is an embedding" in err
