"""The bounded GGUF header reader: real model facts, hostile files, and a fuzzing property."""

from __future__ import annotations

import os
import random
import struct
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import ModelFileError
from engine.model.gguf_header import (
    GGML_TYPES,
    MAX_ARRAY_ITEMS,
    GGUFInfo,
    read_gguf_header,
    tensor_nbytes,
)
from tests.engine.model.gguf_fixtures import (
    ARR,
    BOOL,
    F32,
    GGML_F16,
    GGML_F32,
    GGML_Q4_K,
    GGML_Q8_0,
    I32,
    STR,
    U8,
    U32,
    U64,
    Tensor,
    build_gguf,
    gemma3_kv,
    header,
    string,
    write,
    write_gemma3,
    write_mmproj,
)

pytestmark = pytest.mark.timeout(30)

TOKENIZER_ARRAYS = ("tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type")


def reject(path: Path, *fragments: str) -> str:
    """Read ``path`` expecting a ModelFileError whose one-sentence message has ``fragments``."""
    with pytest.raises(ModelFileError) as caught:
        read_gguf_header(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.endswith(".")
    for fragment in fragments:
        assert fragment in message
    return message


def small_model(tensors: list[Tensor] | None = None, **kw: object) -> bytes:
    return build_gguf(gemma3_kv("270M"), tensors or [], **kw)  # type: ignore[arg-type]


# --- the real bundled model -------------------------------------------------------------------


@pytest.mark.model
def test_real_270m_header_facts(model_path: Path) -> None:
    info = read_gguf_header(model_path)
    assert info.architecture == "gemma3"
    assert info.version == 3
    assert info.file_size == model_path.stat().st_size
    assert info.embedding_length == 640
    assert info.block_count == 18
    assert info.context_length == 32768
    assert info.sliding_window == 512
    assert info.sliding_window_pattern is None
    assert (info.head_count, info.head_count_kv) == (4, 1)
    assert (info.key_length, info.value_length) == (256, 256)
    assert info.feed_forward_length == 2048
    assert info.vocab_size == 262144
    assert info.chat_template is None
    assert not info.has_chat_template
    assert info.quantization == "Q4_K_M"
    assert info.size_label == "270M"
    assert (info.bos_token_id, info.eos_token_id) == (2, 1)
    assert not info.is_mmproj
    assert info.tensor_count == len(info.tensors) == 236
    assert info.metadata["tokenizer.ggml.tokens"] == "<array of 262144 str>"
    assert info.metadata["general.tags"] == ("gemma3", "gemma", "google", "text-generation")
    assert info.arrays == {}
    # Every tensor lies inside the file, and the last one ends at the end of the file.
    assert max(t.offset + t.nbytes for t in info.tensors) == info.file_size
    embed = info.tensor("token_embd.weight")
    assert embed is not None
    assert embed.shape == (640, 262144)
    assert embed.type_name == "Q8_0"
    assert embed.nbytes == 640 * 262144 // 32 * 34


@pytest.mark.model
def test_real_270m_keeps_requested_tokenizer_arrays(model_path: Path) -> None:
    info = read_gguf_header(model_path, keep_arrays=TOKENIZER_ARRAYS)
    tokens = info.arrays["tokenizer.ggml.tokens"]
    scores = info.arrays["tokenizer.ggml.scores"]
    types = info.arrays["tokenizer.ggml.token_type"]
    assert len(tokens) == len(scores) == len(types) == 262144
    assert tokens[:4] == ("<pad>", "<eos>", "<bos>", "<unk>")
    assert tokens[105:107] == ("<start_of_turn>", "<end_of_turn>")
    assert all(isinstance(s, float) for s in scores[:100])
    assert all(isinstance(t, int) for t in types[:100])
    assert set(info.arrays) == set(TOKENIZER_ARRAYS)


@pytest.mark.model
def test_real_270m_header_is_read_fast(model_path: Path) -> None:
    read_gguf_header(model_path)  # warm the page cache
    plain = min(_timed(lambda: read_gguf_header(model_path)) for _ in range(3))
    full = min(
        _timed(lambda: read_gguf_header(model_path, keep_arrays=TOKENIZER_ARRAYS)) for _ in range(3)
    )
    # Measured ~0.04 s and ~0.15 s; generous bounds for a loaded CI machine.
    assert plain < 0.5
    assert full < 1.5


def _timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def _prefix_copy(source: Path, target: Path, size: int) -> Path:
    with source.open("rb") as src, target.open("wb") as dst:
        remaining = size
        while remaining:
            block = src.read(min(remaining, 1 << 22))
            dst.write(block)
            remaining -= len(block)
    return target


@pytest.mark.model
@pytest.mark.parametrize(
    ("cut", "where"),
    # Layout of the file: metadata up to 6,511,167 (tokens from 967, scores from 4,413,530,
    # types from 5,462,155), tensor table up to 6,525,112, tensor data to the end.
    [
        (3, "magic"),
        (20, "counts"),
        (30, "first key"),
        (200, "general metadata"),
        (3_000_000, "token strings"),
        (5_000_000, "token scores"),
        (6_000_000, "token types"),
        (6_520_000, "tensor table"),
        (10_000_000, "tensor data"),
        (-1, "last byte"),
    ],
)
def test_truncated_real_model_is_rejected(
    model_path: Path, tmp_path: Path, cut: int, where: str
) -> None:
    size = model_path.stat().st_size
    length = cut if cut > 0 else size + cut
    path = _prefix_copy(model_path, tmp_path / f"cut-{where}.gguf", length)
    reject(path, "the file is truncated")


# --- files that are not GGUF at all -----------------------------------------------------------


def test_random_bytes(tmp_path: Path) -> None:
    data = random.Random(7).randbytes(4096)
    reject(write(tmp_path / "noise.gguf", data), "noise.gguf", "not a GGUF model file")


def test_html_page_renamed(tmp_path: Path) -> None:
    page = b"\n<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>...</body></html>"
    reject(write(tmp_path / "model.gguf", page), "looks like a web page")


def test_text_file(tmp_path: Path) -> None:
    reject(write(tmp_path / "notes.gguf", "héllo\nwörld\n".encode()), "looks like a text file")


def test_git_lfs_pointer(tmp_path: Path) -> None:
    pointer = b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 253113024\n"
    reject(write(tmp_path / "lfs.gguf", pointer), "Git LFS pointer")


def test_empty_file(tmp_path: Path) -> None:
    reject(write(tmp_path / "empty.gguf", b""), "empty")


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "folder.gguf"
    folder.mkdir()
    reject(folder, "folder")


def test_missing_file(tmp_path: Path) -> None:
    reject(tmp_path / "absent.gguf", "does not exist")


@pytest.mark.timeout(10)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_not_opened(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.gguf"
    os.mkfifo(pipe)
    reject(pipe, "not a regular file")  # opening it would block forever


@pytest.mark.parametrize(
    ("version_bytes", "fragment"),
    [
        (struct.pack("<I", 1), "version 1"),
        (struct.pack("<I", 4), "version 4"),
        (struct.pack(">I", 3), "big-endian"),
    ],
)
def test_unsupported_versions(tmp_path: Path, version_bytes: bytes, fragment: str) -> None:
    data = small_model()
    reject(write(tmp_path / "v.gguf", data[:4] + version_bytes + data[8:]), fragment)


def test_version_2_is_read(tmp_path: Path) -> None:
    info = read_gguf_header(write(tmp_path / "v2.gguf", small_model(version=2)))
    assert info.version == 2
    assert info.embedding_length == 640


# --- absurd counts and lengths ----------------------------------------------------------------


@pytest.mark.timeout(10)
@pytest.mark.parametrize("item_code", [U8, STR, ARR, U64])
def test_tiny_file_claiming_2_63_array_items(tmp_path: Path, item_code: int) -> None:
    # The gguf-py reader hangs on such a file while its memory grows without bound.
    data = header(0, 1) + string("a") + struct.pack("<IIQ", ARR, item_code, 1 << 63)
    assert len(data) < 64
    reject(write(tmp_path / "bomb.gguf", data), "array claims", "absurd")


@pytest.mark.timeout(10)
def test_array_longer_than_the_file(tmp_path: Path) -> None:
    # Small enough for the item cap, but 8-byte items that cannot fit in what is left.
    data = header(0, 1) + string("a") + struct.pack("<IIQ", ARR, U64, 1000) + b"\0" * 100
    reject(write(tmp_path / "short.gguf", data), "the file is truncated")


@pytest.mark.timeout(10)
def test_array_item_cap(tmp_path: Path) -> None:
    count = MAX_ARRAY_ITEMS + 1
    data = header(0, 1) + string("a") + struct.pack("<IIQ", ARR, U8, count) + b"\0" * count
    reject(write(tmp_path / "many.gguf", data), "absurd")


@pytest.mark.timeout(10)
@pytest.mark.parametrize("length", [1 << 63, 1 << 40, (1 << 24) + 1])
def test_huge_string_length(tmp_path: Path, length: int) -> None:
    data = header(0, 1) + string("general.name") + struct.pack("<IQ", STR, length) + b"x" * 64
    reject(write(tmp_path / "string.gguf", data), "absurd")


def test_string_running_past_the_end(tmp_path: Path) -> None:
    data = header(0, 1) + string("general.name") + struct.pack("<IQ", STR, 1000) + b"x" * 64
    reject(write(tmp_path / "string.gguf", data), "the file is truncated")


@pytest.mark.timeout(10)
def test_huge_key_length(tmp_path: Path) -> None:
    data = header(0, 1) + struct.pack("<Q", 1 << 62) + b"key" + b"\0" * 32
    reject(write(tmp_path / "key.gguf", data), "metadata key", "absurd")


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    ("tensors", "kvs", "fragment"),
    [
        (0, 1 << 63, "absurd"),
        (1 << 63, 0, "absurd"),
        (70_000, 0, "absurd"),
        (0, 10_000, "the file is truncated"),  # plausible, but 10,000 entries cannot fit
        (1000, 0, "the file is truncated"),
    ],
)
def test_absurd_counts(tmp_path: Path, tensors: int, kvs: int, fragment: str) -> None:
    data = header(tensors, kvs) + b"\0" * 4000
    reject(write(tmp_path / "counts.gguf", data), fragment)


@pytest.mark.timeout(10)
def test_deeply_nested_arrays(tmp_path: Path) -> None:
    nested = struct.pack("<IQ", ARR, 1) * 5000
    data = header(0, 1) + string("a") + struct.pack("<I", ARR) + nested + struct.pack("<IQ", U8, 0)
    reject(write(tmp_path / "deep.gguf", data), "nests arrays too deeply")


@pytest.mark.timeout(10)
@pytest.mark.parametrize("outer", [1 << 40, 4])
def test_nested_array_bomb(tmp_path: Path, outer: int) -> None:
    # Many inner arrays, each claiming 2^40 items.
    inner = struct.pack("<IQ", U64, 1 << 40)
    data = header(0, 1) + string("a") + struct.pack("<IIQ", ARR, ARR, outer) + inner * 4
    reject(write(tmp_path / "nested.gguf", data), "absurd")


def test_nested_arrays_are_read(tmp_path: Path) -> None:
    kv = gemma3_kv("270M")
    kv["test.pairs"] = (ARR, (ARR, [(U32, [1, 2]), (U32, []), (U32, list(range(100)))]))
    info = read_gguf_header(write(tmp_path / "pairs.gguf", build_gguf(kv)))
    assert info.metadata["test.pairs"] == ((1, 2), (), "<array of 100 u32>")


def test_unknown_value_type(tmp_path: Path) -> None:
    data = header(0, 1) + string("a") + struct.pack("<I", 13) + b"\0" * 16
    reject(write(tmp_path / "type.gguf", data), "unknown value type 13")


def test_duplicate_key(tmp_path: Path) -> None:
    kv = build_gguf(gemma3_kv("270M"))
    extra = string("general.name") + struct.pack("<I", STR) + string("again")
    data = header(0, len(gemma3_kv("270M")) + 1) + kv[24:] + extra
    reject(write(tmp_path / "dup.gguf", data), "twice")


# --- architecture and typed keys --------------------------------------------------------------


@pytest.mark.parametrize("arch", ["foo", "gemma9", ""])
def test_unknown_architecture(tmp_path: Path, arch: str) -> None:
    kv = gemma3_kv("1B")
    kv["general.architecture"] = (STR, arch)
    reject(write(tmp_path / "arch.gguf", build_gguf(kv)), "not one the llama.cpp inside")


def test_missing_architecture(tmp_path: Path) -> None:
    kv = gemma3_kv("1B")
    del kv["general.architecture"]
    reject(write(tmp_path / "arch.gguf", build_gguf(kv)), "general.architecture")


def test_wrong_typed_hyper_parameter(tmp_path: Path) -> None:
    path = write_gemma3(tmp_path / "typed.gguf", "1B", gemma3__context_length=(STR, "32768"))
    reject(path, "gemma3.context_length", "integer")


def test_absurd_layer_count(tmp_path: Path) -> None:
    path = write_gemma3(tmp_path / "layers.gguf", "1B", gemma3__block_count=(U32, 100_000))
    reject(path, "gemma3.block_count", "no real model")


@pytest.mark.parametrize("label", ["270M", "1B", "4B", "12B", "27B"])
def test_size_label_derived_when_missing(tmp_path: Path, label: str) -> None:
    path = write_gemma3(tmp_path / "m.gguf", label, general__size_label=None)
    info = read_gguf_header(path)
    assert info.size_label == label
    assert info.tensors == ()


def test_unknown_size_has_no_label(tmp_path: Path) -> None:
    path = write_gemma3(
        tmp_path / "m.gguf", "1B", general__size_label=None, gemma3__embedding_length=(U32, 64)
    )
    assert read_gguf_header(path).size_label is None


def test_metadata_summaries_and_kept_arrays(tmp_path: Path) -> None:
    kv = gemma3_kv("270M")
    kv["tokenizer.ggml.tokens"] = (ARR, (STR, [f"t{i}" for i in range(100)]))
    kv["tokenizer.ggml.scores"] = (ARR, (F32, [float(i) for i in range(100)]))
    kv["tokenizer.ggml.token_type"] = (ARR, (I32, [1] * 100))
    kv["short.list"] = (ARR, (BOOL, [True, False]))
    kv["tokenizer.chat_template"] = (STR, "{{ bos_token }}")
    path = write(tmp_path / "m.gguf", build_gguf(kv))
    info = read_gguf_header(path, keep_arrays=["tokenizer.ggml.tokens", "tokenizer.ggml.scores"])
    assert info.metadata["tokenizer.ggml.tokens"] == "<array of 100 str>"
    assert info.metadata["tokenizer.ggml.token_type"] == "<array of 100 i32>"
    assert info.metadata["short.list"] == (True, False)
    assert info.arrays["tokenizer.ggml.tokens"] == tuple(f"t{i}" for i in range(100))
    assert info.arrays["tokenizer.ggml.scores"] == tuple(float(i) for i in range(100))
    assert "tokenizer.ggml.token_type" not in info.arrays
    assert info.vocab_size == 100
    assert info.has_chat_template


def test_invalid_utf8_is_replaced_not_fatal(tmp_path: Path) -> None:
    kv = gemma3_kv("270M")
    kv["general.name"] = (STR, b"bad \xff name")
    info = read_gguf_header(write(tmp_path / "m.gguf", build_gguf(kv)))
    assert info.name == "bad \ufffd name"


# --- tensors ----------------------------------------------------------------------------------


def test_tensor_table_and_quantization_fallback(tmp_path: Path) -> None:
    kv = gemma3_kv("270M")
    del kv["general.file_type"]
    tensors = [
        Tensor("token_embd.weight", (640, 512), GGML_Q8_0),
        Tensor("output_norm.weight", (640,), GGML_F32),
        Tensor("blk.0.ffn_up.weight", (2048, 64), GGML_Q4_K),
    ]
    info = read_gguf_header(write(tmp_path / "t.gguf", build_gguf(kv, tensors)))
    assert [t.name for t in info.tensors] == [t.name for t in tensors]
    assert [t.nbytes for t in info.tensors] == [t.nbytes for t in tensors]
    assert info.quantization == "Q8_0"  # the type holding the most bytes
    assert info.weights_bytes == sum(t.nbytes for t in tensors)
    offsets = [t.offset for t in info.tensors]
    assert offsets == sorted(offsets)
    assert all(offset % 32 == 0 for offset in offsets)


def test_guessed_file_type_flag(tmp_path: Path) -> None:
    kv = gemma3_kv("270M")
    kv["general.file_type"] = (U32, 1024 + 7)
    assert read_gguf_header(write(tmp_path / "t.gguf", build_gguf(kv))).quantization == "Q8_0"


def test_declared_tensor_data_missing(tmp_path: Path) -> None:
    data = small_model([Tensor("token_embd.weight", (640, 512), GGML_F16)], with_data=False)
    reject(write(tmp_path / "t.gguf", data), "the file is truncated", "tensors need")


def _tensor_file(name: str, dims: list[int], ggml_type: int, offset: int = 0) -> bytes:
    kv = build_gguf(gemma3_kv("270M"))[24:]
    entry = string(name) + struct.pack("<I", len(dims)) + struct.pack(f"<{len(dims)}Q", *dims)
    entry += struct.pack("<IQ", ggml_type, offset)
    return header(1, len(gemma3_kv("270M"))) + kv + entry + b"\0" * 4096


@pytest.mark.parametrize(
    ("dims", "ggml_type", "offset", "fragment"),
    [
        ([1, 1, 1, 1, 1], GGML_F32, 0, "5 dimensions"),
        ([16], 99, 0, "unknown type 99"),
        ([32], 31, 0, "Q4_0_4_4"),
        ([1 << 62, 1 << 62], GGML_F32, 0, "absurd shape"),
        ([100, 4], GGML_Q4_K, 0, "impossible shape"),
        ([8], GGML_F32, 3, "not aligned"),
        ([1 << 40], GGML_F32, 0, "the file is truncated"),
        ([8], GGML_F32, 1 << 40, "the file is truncated"),
    ],
)
def test_bad_tensor_entries(
    tmp_path: Path, dims: list[int], ggml_type: int, offset: int, fragment: str
) -> None:
    reject(write(tmp_path / "t.gguf", _tensor_file("w", dims, ggml_type, offset)), fragment)


def test_tensor_name_too_long(tmp_path: Path) -> None:
    reject(write(tmp_path / "t.gguf", _tensor_file("x" * 64, [8], GGML_F32)), "tensor name")


def test_overlapping_and_duplicate_tensors(tmp_path: Path) -> None:
    kv_count = len(gemma3_kv("270M"))
    kv = build_gguf(gemma3_kv("270M"))[24:]

    def entry(name: str, offset: int) -> bytes:
        return string(name) + struct.pack("<IQIQ", 1, 64, GGML_F32, offset)

    overlap = header(2, kv_count) + kv + entry("a", 0) + entry("b", 128) + b"\0" * 4096
    reject(write(tmp_path / "overlap.gguf", overlap), "overlaps")
    twice = header(2, kv_count) + kv + entry("a", 0) + entry("a", 256) + b"\0" * 4096
    reject(write(tmp_path / "twice.gguf", twice), "twice")


@pytest.mark.parametrize(("alignment", "fragment"), [(48, "power of two"), (1 << 31, "no real")])
def test_bad_alignment(tmp_path: Path, alignment: int, fragment: str) -> None:
    kv = gemma3_kv("270M")
    kv["general.alignment"] = (U32, alignment)
    data = build_gguf(kv, [Tensor("w", (64,))], alignment=64)
    reject(write(tmp_path / "align.gguf", data), fragment)


def test_custom_alignment(tmp_path: Path) -> None:
    kv = gemma3_kv("270M")
    kv["general.alignment"] = (U32, 64)
    tensors = [Tensor("a", (3,)), Tensor("b", (5,))]
    info = read_gguf_header(write(tmp_path / "a.gguf", build_gguf(kv, tensors, alignment=64)))
    assert [t.offset % 64 for t in info.tensors] == [0, 0]
    assert info.tensors[1].offset - info.tensors[0].offset == 64


@pytest.mark.timeout(10)
def test_multi_gigabyte_file_reads_only_the_header(tmp_path: Path) -> None:
    # A sparse 8 GiB file: the tensor's data is never read, so this is instant.
    tensor = Tensor("token_embd.weight", (65536, 32768), GGML_F32)
    head = small_model([tensor], with_data=False)
    path = write(tmp_path / "big.gguf", head)
    data_start = -(-len(head) // 32) * 32
    os.truncate(path, data_start + tensor.nbytes)
    start = time.perf_counter()
    info = read_gguf_header(path)
    assert time.perf_counter() - start < 2.0
    assert info.file_size == data_start + 8 * (1 << 30)
    assert info.tensors[0].nbytes == 8 * (1 << 30)
    assert info.weights_bytes == 8 * (1 << 30)


def test_type_table_matches_the_gguf_package() -> None:
    from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType

    theirs = {int(t): GGML_QUANT_SIZES[t] for t in GGMLQuantizationType}
    ours = {code: (t.block_size, t.type_size) for code, t in GGML_TYPES.items()}
    assert ours == theirs
    assert tensor_nbytes((256, 3), GGML_Q4_K) == 3 * 144


def test_file_written_by_the_gguf_package(tmp_path: Path) -> None:
    import gguf
    import numpy as np

    path = tmp_path / "pkg.gguf"
    writer = gguf.GGUFWriter(str(path), arch="gemma3")
    writer.add_context_length(32768)
    writer.add_embedding_length(64)
    writer.add_block_count(2)
    writer.add_token_list(["<pad>", "<eos>", "<bos>", "héllo"])
    writer.add_tensor("a.weight", np.zeros((3, 64), np.float32))
    writer.add_tensor("b.weight", np.zeros((7,), np.float16))
    writer.add_tensor("c.weight", np.zeros((2, 32), np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()

    info = read_gguf_header(path, keep_arrays=["tokenizer.ggml.tokens"])
    reference = gguf.GGUFReader(path)
    assert [(t.name, t.shape, t.offset, t.nbytes) for t in info.tensors] == [
        (t.name, tuple(int(d) for d in t.shape), int(t.data_offset), int(t.n_bytes))
        for t in reference.tensors
    ]
    assert info.arrays["tokenizer.ggml.tokens"] == ("<pad>", "<eos>", "<bos>", "héllo")
    assert info.context_length == 32768
    assert (info.embedding_length, info.block_count) == (64, 2)
    assert info.tensors[1].type_name == "F16"


def test_mmproj_facts(tmp_path: Path) -> None:
    info = read_gguf_header(write_mmproj(tmp_path / "mmproj.gguf"))
    assert info.is_mmproj
    assert info.architecture == "clip"
    assert info.has_vision_encoder
    assert info.projector_type == "gemma3"
    assert info.projection_dim == 640
    assert (info.embedding_length, info.block_count, info.head_count) == (32, 1, 1)
    assert info.context_length is None
    assert info.size_label is None
    assert info.quantization == "F32"


def test_mmproj_projection_dim_comes_from_the_tensor(tmp_path: Path) -> None:
    path = write_mmproj(tmp_path / "m.gguf", keys={"clip.vision.projection_dim": (U32, 1024)})
    assert read_gguf_header(path).projection_dim == 640


def test_vision_projector_type_key(tmp_path: Path) -> None:
    path = write_mmproj(
        tmp_path / "m.gguf",
        keys={"clip.projector_type": None, "clip.vision.projector_type": (STR, "gemma3")},
    )
    assert read_gguf_header(path).projector_type == "gemma3"


def test_info_is_immutable(tmp_path: Path) -> None:
    info = read_gguf_header(write_gemma3(tmp_path / "m.gguf", "4B"))
    assert isinstance(info, GGUFInfo)
    with pytest.raises(TypeError):
        info.metadata["x"] = 1  # type: ignore[index]
    with pytest.raises(AttributeError):
        info.architecture = "clip"  # type: ignore[misc]


# --- never crash, never hang ------------------------------------------------------------------


def _seed_file() -> bytes:
    kv = gemma3_kv("270M")
    kv["tokenizer.ggml.tokens"] = (ARR, (STR, ["<pad>", "<eos>", "<bos>", "a", "bb"]))
    kv["nested"] = (ARR, (ARR, [(U8, [1, 2]), (STR, ["x"])]))
    return build_gguf(kv, [Tensor("w", (64, 2), GGML_F16), Tensor("n", (64,))])


_SEED = _seed_file()


@pytest.mark.timeout(120)
@settings(
    max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(_SEED) - 1), st.binary(min_size=1, max_size=9)), max_size=6
    ),
    cut=st.integers(0, len(_SEED)),
)
def test_mutated_files_fail_cleanly(
    tmp_path: Path, edits: list[tuple[int, bytes]], cut: int
) -> None:
    data = bytearray(_SEED)
    for at, patch in edits:
        data[at : at + len(patch)] = patch
    path = tmp_path / "fuzz.gguf"
    path.write_bytes(bytes(data[:cut]))
    try:
        info = read_gguf_header(path, keep_arrays=["tokenizer.ggml.tokens", "nested"])
    except ModelFileError as exc:
        assert "\n" not in str(exc)
    else:
        assert all(t.offset + t.nbytes <= info.file_size for t in info.tensors)


_CONFUSABLE_KEYS = [
    "general.architecture",
    "general.alignment",
    "general.file_type",
    "general.size_label",
    "gemma3.context_length",
    "gemma3.embedding_length",
    "gemma3.block_count",
    "gemma3.attention.head_count",
    "gemma3.attention.head_count_kv",
    "gemma3.attention.key_length",
    "gemma3.attention.sliding_window",
    "gemma3.attention.sliding_window_pattern",
    "tokenizer.ggml.tokens",
    "tokenizer.chat_template",
    "tokenizer.ggml.bos_token_id",
    "clip.has_vision_encoder",
    "clip.projector_type",
    "clip.vision.image_size",
    "clip.vision.patch_size",
    "clip.vision.embedding_length",
    "clip.vision.block_count",
    "clip.vision.attention.head_count",
    "clip.vision.image_mean",
    "clip.vision.attention.layer_norm_epsilon",
    "clip.vision.projector.scale_factor",
    "clip.vision.projection_dim",
]
_ANY_VALUE = st.one_of(
    st.tuples(st.just(U8), st.integers(0, 255)),
    st.tuples(st.just(I32), st.integers(-(2**31), 2**31 - 1)),
    st.tuples(st.just(U32), st.integers(0, 2**32 - 1)),
    st.tuples(st.just(U64), st.integers(0, 2**64 - 1)),
    st.tuples(st.just(F32), st.floats(width=32)),
    st.tuples(st.just(BOOL), st.booleans()),
    st.tuples(st.just(STR), st.sampled_from(["gemma3", "clip", "llama", "", "<array of x"])),
    st.tuples(st.just(ARR), st.tuples(st.just(U32), st.lists(st.integers(0, 99), max_size=70))),
    st.tuples(st.just(ARR), st.tuples(st.just(BOOL), st.lists(st.booleans(), max_size=40))),
    st.tuples(st.just(ARR), st.tuples(st.just(STR), st.lists(st.text(max_size=3), max_size=3))),
)


@pytest.mark.timeout(120)
@settings(
    max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    projector=st.booleans(),
    changes=st.dictionaries(st.sampled_from(_CONFUSABLE_KEYS), _ANY_VALUE, max_size=4),
)
def test_type_confusion_fails_cleanly(
    tmp_path: Path, projector: bool, changes: dict[str, tuple[int, object]]
) -> None:
    """Any type or value on the keys Hearth interprets gives a result or a ModelFileError."""
    from engine.model.catalog import model_limits, validate_mmproj
    from engine.model.memory import estimate_memory

    path = tmp_path / "confused.gguf"
    if projector:
        write_mmproj(path, keys=changes)
    else:
        kv = gemma3_kv("4B")
        kv.update(changes)
        write(path, build_gguf(kv, [Tensor("token_embd.weight", (2560, 4), GGML_Q8_0)]))
    try:
        info = read_gguf_header(path)
        if info.is_mmproj:
            validate_mmproj(info)
        else:
            model_limits(info)
            estimate_memory(info, 4096)
    except ModelFileError as exc:
        assert "\n" not in str(exc)


def test_copy_of_seed_reads(tmp_path: Path) -> None:
    info = read_gguf_header(write(tmp_path / "seed.gguf", _SEED), keep_arrays=["nested"])
    assert info.arrays["nested"] == ((1, 2), ("x",))
