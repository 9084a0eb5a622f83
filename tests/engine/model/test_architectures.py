"""Every architecture of the pinned llama.cpp is accepted or refused with a reason.

Table-driven from ``engine.model.llama_archs``, which ``packaging/gen_llama_archs.py`` reads
from llama.cpp's own source. The table is checked against that source (when the sdist is in the
setup cache) and against the compiled library the tests run on.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import llama_cpp
import pytest

from engine.errors import ModelFileError
from engine.model.architectures import architecture, known_architectures
from engine.model.gguf_header import read_gguf_header
from engine.model.llama_archs import ARCHITECTURE_FACTS, LLAMA_CPP_PYTHON_VERSION
from engine.model.memory import estimate_memory
from tests.engine.model.gguf_fixtures import ARR, STR, U32, build_gguf, write

ROOT = Path(__file__).parents[3]
SDIST = (
    Path.home()
    / ".cache"
    / "hearth"
    / "src"
    / f"llama_cpp_python-{LLAMA_CPP_PYTHON_VERSION}.tar.gz"
)


def text_model_kv(arch: str) -> dict[str, tuple[int, object]]:
    """A small, plausible header for a decoder of any architecture (no tensors)."""
    return {
        "general.architecture": (STR, arch),
        "general.name": (STR, f"tiny {arch}"),
        f"{arch}.context_length": (U32, 4096),
        f"{arch}.embedding_length": (U32, 256),
        f"{arch}.block_count": (U32, 4),
        f"{arch}.feed_forward_length": (U32, 1024),
        f"{arch}.attention.head_count": (U32, 4),
        f"{arch}.attention.head_count_kv": (U32, 2),
        "tokenizer.ggml.model": (STR, "gpt2"),
    }


def test_the_table_holds_every_architecture_and_matches_the_pinned_version() -> None:
    installed = llama_cpp.__version__
    assert installed == LLAMA_CPP_PYTHON_VERSION, "regenerate engine/model/llama_archs.py"
    assert len(ARCHITECTURE_FACTS) > 100
    assert {"llama", "gemma3", "qwen2", "phi3", "mamba", "bert", "clip"} <= set(ARCHITECTURE_FACTS)


def test_every_architecture_name_is_compiled_into_the_llama_library() -> None:
    """The names are C strings in libllama: a name missing there is a stale or invented entry.

    (The linker may store "bert" as the tail of "nomic-bert", so only the terminating NUL is
    required.)"""
    lib_dir = Path(llama_cpp.__file__).parent / "lib"
    blob = b"".join(path.read_bytes() for path in lib_dir.glob("libllama*.so*"))
    assert blob, f"no libllama in {lib_dir}"
    missing = [name for name in ARCHITECTURE_FACTS if name.encode() + b"\0" not in blob]
    assert missing == []


@pytest.mark.skipif(not SDIST.exists(), reason=f"no llama.cpp source at {SDIST} (setup --dev)")
def test_the_table_is_what_the_generator_reads_from_llama_cpp_source() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "gen_llama_archs.py"), str(SDIST), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", known_architectures())
def test_each_architecture_is_accepted_or_refused_with_its_reason(
    tmp_path: Path, name: str
) -> None:
    facts = architecture(name)
    assert facts is not None
    if facts.is_mmproj:
        return  # projectors have their own tests (test_gguf_header, test_pairing)
    path = write(tmp_path / f"{name}.gguf", build_gguf(text_model_kv(name)))
    expected = (
        "no loader"
        if not facts.loadable
        else "diffusion"
        if facts.diffusion
        else "does not write text"
        if facts.memory == "none"
        else "encoder"
        if facts.encoder
        else None
    )
    if expected is None:
        info = read_gguf_header(path)
        assert info.architecture == name
        assert info.context_length == 4096
        estimate = estimate_memory(info, 2048)
        assert estimate.kv_bytes >= 0
        if facts.memory == "attention":
            assert estimate.kv_bytes > 0
        return
    with pytest.raises(ModelFileError) as raised:
        read_gguf_header(path)
    message = str(raised.value)
    assert expected in message and f"'{name}'" in message
    assert message.count(".") <= 3  # one sentence, not a traceback


def test_a_hybrid_with_per_layer_kv_heads_counts_only_its_attention_layers(
    tmp_path: Path,
) -> None:
    """lfm2/jamba-style files give head_count_kv per layer, 0 for the recurrent layers."""
    kv = text_model_kv("jamba")
    kv["jamba.attention.head_count_kv"] = (ARR, (U32, [0, 0, 0, 2]))
    info = read_gguf_header(write(tmp_path / "hybrid.gguf", build_gguf(kv)))
    assert info.head_count_kv == 2
    assert info.head_count_kv_layers == (0, 0, 0, 2)
    full = estimate_memory(
        read_gguf_header(write(tmp_path / "dense.gguf", build_gguf(text_model_kv("llama")))), 2048
    )
    hybrid = estimate_memory(info, 2048)
    assert hybrid.kv_bytes * 4 == full.kv_bytes  # one attention layer of four


def test_sliding_window_defaults_follow_each_architectures_own_pattern(tmp_path: Path) -> None:
    """gemma2 slides every other layer, cohere2 three of four, as llama.cpp's loaders set."""
    for name, expected in (("gemma2", [True, False] * 2), ("cohere2", [True, True, True, False])):
        kv = text_model_kv(name)
        kv[f"{name}.attention.sliding_window"] = (U32, 512)
        info = read_gguf_header(write(tmp_path / f"{name}.gguf", build_gguf(kv)))
        estimate = estimate_memory(info, 8192)
        assert estimate.sliding_layers == sum(expected), name
