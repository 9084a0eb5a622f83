"""A bounded, pure-Python reader for the header of a GGUF file: its metadata and tensor table.

Model files are untrusted input. Every count, length and offset read from the file is checked
against hard caps and against the bytes that are actually left in the file before anything is
allocated or looped over, so a crafted 43-byte file cannot make the reader hang or eat memory.
Tensor data is never read: only its declared extent is checked against the file size.

Layout (little endian, versions 2 and 3)::

    "GGUF" u32 version, u64 tensor_count, u64 kv_count
    kv_count   x (string key, u32 value_type, value)
    tensor_count x (string name, u32 n_dims, u64 ne[n_dims], u32 ggml_type, u64 offset)
    padding to general.alignment (default 32), then tensor data
"""

from __future__ import annotations

import os
import stat
import struct
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import BinaryIO, Final, NamedTuple

from engine.errors import ModelFileError
from engine.model.architectures import (
    MMPROJ_ARCHITECTURE,
    architecture,
    unknown_architecture_reason,
)
from engine.model.catalog import size_label_for

__all__ = [
    "GGML_TYPES",
    "MMPROJ_ARCHITECTURE",
    "GGMLType",
    "GGUFInfo",
    "TensorInfo",
    "read_gguf_header",
    "tensor_nbytes",
]

GGUF_MAGIC: Final = b"GGUF"
SUPPORTED_VERSIONS: Final = (2, 3)

# Hard caps. Real Gemma 3 files have ~40 keys, <= 900 tensors and a ~6.5 MB header.
MAX_KV_COUNT: Final = 1 << 16
MAX_TENSOR_COUNT: Final = 1 << 16
MAX_HEADER_BYTES: Final = 64 << 20  # metadata + tensor table, before the tensor data
MAX_KEY_BYTES: Final = 1 << 12
MAX_STRING_BYTES: Final = 16 << 20
MAX_ARRAY_ITEMS: Final = 1 << 22
MAX_ARRAY_DEPTH: Final = 2  # an array may hold arrays, those may not
MAX_TENSOR_NAME_BYTES: Final = 63  # GGML_MAX_NAME (64) including the terminating NUL
MAX_DIMS: Final = 4  # GGML_MAX_DIMS
MAX_ELEMENTS: Final = 1 << 48
MAX_ALIGNMENT: Final = 1 << 16
DEFAULT_ALIGNMENT: Final = 32
SHORT_ARRAY_ITEMS: Final = 64  # longer arrays are summarised in GGUFInfo.metadata
# Per-layer patterns are kept in full even when longer than SHORT_ARRAY_ITEMS.
MAX_LAYER_ARRAY_ITEMS: Final = 1024

_WINDOW: Final = 1 << 20  # how much of the file is read at a time


class GGMLType(NamedTuple):
    """A ggml tensor element type: ``block_size`` elements are stored in ``type_size`` bytes."""

    name: str
    block_size: int
    type_size: int


# ggml type ids and block layouts (ggml/include/ggml.h, ggml/src/ggml.c type_traits).
GGML_TYPES: Final[Mapping[int, GGMLType]] = MappingProxyType(
    {
        0: GGMLType("F32", 1, 4),
        1: GGMLType("F16", 1, 2),
        2: GGMLType("Q4_0", 32, 18),
        3: GGMLType("Q4_1", 32, 20),
        6: GGMLType("Q5_0", 32, 22),
        7: GGMLType("Q5_1", 32, 24),
        8: GGMLType("Q8_0", 32, 34),
        9: GGMLType("Q8_1", 32, 40),
        10: GGMLType("Q2_K", 256, 84),
        11: GGMLType("Q3_K", 256, 110),
        12: GGMLType("Q4_K", 256, 144),
        13: GGMLType("Q5_K", 256, 176),
        14: GGMLType("Q6_K", 256, 210),
        15: GGMLType("Q8_K", 256, 292),
        16: GGMLType("IQ2_XXS", 256, 66),
        17: GGMLType("IQ2_XS", 256, 74),
        18: GGMLType("IQ3_XXS", 256, 98),
        19: GGMLType("IQ1_S", 256, 50),
        20: GGMLType("IQ4_NL", 32, 18),
        21: GGMLType("IQ3_S", 256, 110),
        22: GGMLType("IQ2_S", 256, 82),
        23: GGMLType("IQ4_XS", 256, 136),
        24: GGMLType("I8", 1, 1),
        25: GGMLType("I16", 1, 2),
        26: GGMLType("I32", 1, 4),
        27: GGMLType("I64", 1, 8),
        28: GGMLType("F64", 1, 8),
        29: GGMLType("IQ1_M", 256, 56),
        30: GGMLType("BF16", 1, 2),
        34: GGMLType("TQ1_0", 256, 54),
        35: GGMLType("TQ2_0", 256, 66),
        39: GGMLType("MXFP4", 32, 17),
        40: GGMLType("NVFP4", 64, 36),
        41: GGMLType("Q1_0", 128, 18),
    }
)

# Repacked types that llama.cpp dropped from the file format; named so the message can say so.
_REMOVED_TYPES: Final = {
    4: "Q4_2",
    5: "Q4_3",
    31: "Q4_0_4_4",
    32: "Q4_0_4_8",
    33: "Q4_0_8_8",
    36: "IQ4_NL_4_4",
    37: "IQ4_NL_4_8",
    38: "IQ4_NL_8_8",
}

# general.file_type (llama_ftype) -> the usual quantization label.
_FILE_TYPES: Final = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    7: "Q8_0",
    8: "Q5_0",
    9: "Q5_1",
    10: "Q2_K",
    11: "Q3_K_S",
    12: "Q3_K_M",
    13: "Q3_K_L",
    14: "Q4_K_S",
    15: "Q4_K_M",
    16: "Q5_K_S",
    17: "Q5_K_M",
    18: "Q6_K",
    19: "IQ2_XXS",
    20: "IQ2_XS",
    21: "Q2_K_S",
    22: "IQ3_XS",
    23: "IQ3_XXS",
    24: "IQ1_S",
    25: "IQ4_NL",
    26: "IQ3_S",
    27: "IQ3_M",
    28: "IQ2_S",
    29: "IQ2_M",
    30: "IQ4_XS",
    31: "IQ1_M",
    32: "BF16",
    36: "TQ1_0",
    37: "TQ2_0",
    38: "MXFP4_MOE",
    39: "NVFP4",
    40: "Q1_0",
}
_FILE_TYPE_GUESSED: Final = 1024

# GGUF metadata value types: id -> (struct format, size, short name). Strings (8) and arrays (9)
# have variable size and are handled separately.
_STRING: Final = 8
_ARRAY: Final = 9
_SCALARS: Final = {
    0: ("B", 1, "u8"),
    1: ("b", 1, "i8"),
    2: ("H", 2, "u16"),
    3: ("h", 2, "i16"),
    4: ("I", 4, "u32"),
    5: ("i", 4, "i32"),
    6: ("f", 4, "f32"),
    7: ("?", 1, "bool"),
    10: ("Q", 8, "u64"),
    11: ("q", 8, "i64"),
    12: ("d", 8, "f64"),
}
_MIN_STRING_BYTES: Final = 8  # u64 length, empty content
_MIN_ARRAY_BYTES: Final = 12  # u32 type + u64 count, no items
_MIN_KV_BYTES: Final = _MIN_STRING_BYTES + 4 + 1
_MIN_TENSOR_INFO_BYTES: Final = _MIN_STRING_BYTES + 4 + 4 + 8

_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")
_HEADER = struct.Struct("<4sIQQ")


@dataclass(frozen=True)
class TensorInfo:
    """One entry of the tensor table.

    ``shape`` is in ggml order (``ne[0]``, the fastest-varying dimension, first); ``offset`` is
    absolute in the file; ``nbytes`` is computed from the shape and the type's block layout.
    """

    name: str
    shape: tuple[int, ...]
    ggml_type: int
    offset: int
    nbytes: int

    @property
    def type_name(self) -> str:
        """The ggml type name, e.g. ``"F32"`` or ``"Q4_K"``."""
        return GGML_TYPES[self.ggml_type].name

    @property
    def n_elements(self) -> int:
        count = 1
        for dim in self.shape:
            count *= dim
        return count


@dataclass(frozen=True)
class GGUFInfo:
    """The facts Hearth needs from a GGUF header, checked and typed.

    For an ``mmproj`` (architecture ``clip``) the width/depth fields (``embedding_length``,
    ``block_count``, ``head_count``, ``feed_forward_length``) describe the vision encoder
    (``clip.vision.*``); the context and tokenizer fields are ``None``.
    """

    path: Path
    file_size: int
    version: int
    architecture: str
    name: str | None
    size_label: str | None
    quantization: str | None
    context_length: int | None
    embedding_length: int | None
    block_count: int | None
    head_count: int | None
    head_count_kv: int | None  # the largest, when the file gives one per layer
    key_length: int | None
    value_length: int | None
    feed_forward_length: int | None
    sliding_window: int | None
    sliding_window_pattern: int | None
    vocab_size: int | None
    chat_template: str | None
    bos_token_id: int | None
    eos_token_id: int | None
    projector_type: str | None
    projection_dim: int | None
    has_vision_encoder: bool
    tensor_count: int
    metadata: Mapping[str, object] = field(hash=False, repr=False)
    tensors: tuple[TensorInfo, ...] = field(repr=False)
    arrays: Mapping[str, tuple[object, ...]] = field(hash=False, repr=False)
    # Per-layer values where the file gives arrays (hybrid and mixed-width models).
    head_count_kv_layers: tuple[int, ...] | None = field(default=None, repr=False)
    head_count_layers: tuple[int, ...] | None = field(default=None, repr=False)

    @property
    def has_chat_template(self) -> bool:
        return bool(self.chat_template and self.chat_template.strip())

    @property
    def is_mmproj(self) -> bool:
        return self.architecture == MMPROJ_ARCHITECTURE

    @property
    def weights_bytes(self) -> int:
        """Bytes of tensor data (the whole file when the header declares no tensors)."""
        if not self.tensors:
            return self.file_size
        return sum(tensor.nbytes for tensor in self.tensors)

    def tensor(self, name: str) -> TensorInfo | None:
        """The tensor called ``name``, or ``None``."""
        for tensor in self.tensors:
            if tensor.name == name:
                return tensor
        return None


def tensor_nbytes(shape: tuple[int, ...], ggml_type: int) -> int:
    """Bytes a tensor of ``shape`` (ggml order) and ``ggml_type`` occupies.

    Raises:
        ValueError: unknown type, or a first dimension that is not a whole number of blocks.
    """
    layout = GGML_TYPES.get(ggml_type)
    if layout is None:
        raise ValueError(f"unknown ggml type {ggml_type}")
    row = shape[0] if shape else 1
    if row % layout.block_size:
        raise ValueError(f"{row} elements are not a whole number of {layout.name} blocks")
    rows = 1
    for dim in shape[1:]:
        rows *= dim
    return row // layout.block_size * layout.type_size * rows


class _BadFile(Exception):
    """Internal: why the file is unusable, as a sentence fragment (joined to the file name)."""


_TRUNCATED_META: Final = "the file is truncated (it ends inside its header); download it again"
_TOO_BIG_HEADER: Final = (
    f"its header is larger than {MAX_HEADER_BYTES >> 20} MiB, which no real model has"
)


class _Reader:
    """Sequential little-endian reads through a bounded window of the file.

    Only the window (about 1 MiB, or one large item) is held in memory; skipped items are
    never read from disk.
    """

    def __init__(self, handle: BinaryIO, size: int) -> None:
        self._handle = handle
        self.size = size
        self.pos = 0
        self._base = 0
        self._buf = b""

    def check_end(self, end: int) -> None:
        if end > self.size:
            raise _BadFile(_TRUNCATED_META)
        if end > MAX_HEADER_BYTES:
            raise _BadFile(_TOO_BIG_HEADER)

    def remaining(self) -> int:
        return self.size - self.pos

    def need(self, n: int) -> int:
        """Make the next ``n`` bytes readable; return their index in ``self.buf``."""
        self.check_end(self.pos + n)
        if self.pos < self._base or self.pos + n > self._base + len(self._buf):
            self._handle.seek(self.pos)
            want = min(max(n, _WINDOW), self.size - self.pos)
            data = self._handle.read(want)
            if len(data) < n:
                raise _BadFile(_TRUNCATED_META)  # the file shrank while being read
            self._base, self._buf = self.pos, data
        return self.pos - self._base

    @property
    def buf(self) -> bytes:
        return self._buf

    def skip(self, n: int) -> None:
        self.check_end(self.pos + n)
        self.pos += n

    def u32(self) -> int:
        index = self.need(4)
        self.pos += 4
        value: int = _U32.unpack_from(self._buf, index)[0]
        return value

    def u64(self) -> int:
        index = self.need(8)
        self.pos += 8
        value: int = _U64.unpack_from(self._buf, index)[0]
        return value

    def string(self, limit: int, what: str) -> str:
        length = self.u64()
        if length > limit:
            raise _BadFile(f"{what} claims to be {length:,} bytes long, which is absurd")
        index = self.need(length)
        self.pos += length
        return self._buf[index : index + length].decode("utf-8", errors="replace")

    def scalars(self, code: int, count: int) -> tuple[object, ...]:
        fmt, size, _ = _SCALARS[code]
        index = self.need(size * count)
        self.pos += size * count
        return struct.unpack_from(f"<{count}{fmt}", self._buf, index)

    def strings(self, count: int, keep: bool) -> tuple[str, ...] | None:
        """Walk ``count`` strings, returning them only if ``keep`` (the vocabulary hot loop).

        The window bookkeeping is inlined: this loop runs 262,144 times for a Gemma vocabulary.
        """
        out: list[str] = []
        append = out.append
        unpack = _U64.unpack_from
        limit = min(self.size, MAX_HEADER_BYTES)
        buf, base = self._buf, self._base
        window_end = base + len(buf)
        pos = self.pos
        for _ in range(count):
            if pos + 8 > window_end:
                self.pos = pos
                self.need(8)
                buf, base = self._buf, self._base
                window_end = base + len(buf)
            (length,) = unpack(buf, pos - base)
            if length > MAX_STRING_BYTES:
                raise _BadFile(
                    f"a metadata string claims to be {length:,} bytes long, which is absurd"
                )
            start = pos + 8
            pos = start + length
            if pos > limit:
                self.check_end(pos)
            if keep:
                if pos > window_end:
                    self.pos = start
                    self.need(length)
                    buf, base = self._buf, self._base
                    window_end = base + len(buf)
                append(buf[start - base : pos - base].decode("utf-8", errors="replace"))
        self.pos = pos
        return tuple(out) if keep else None


def _type_name(code: int) -> str:
    if code == _STRING:
        return "str"
    if code == _ARRAY:
        return "array"
    return _SCALARS[code][2]


def _read_array(reader: _Reader, depth: int, limit: int) -> tuple[str, int, tuple[object, ...]]:
    """Read an array value (after its type code).

    Returns ``(item type name, count, values)``; ``values`` is empty when ``count > limit`` (the
    items were skipped). Nested arrays longer than ``limit`` appear as summary strings.
    """
    if depth > MAX_ARRAY_DEPTH:
        raise _BadFile("its metadata nests arrays too deeply")
    item_code = reader.u32()
    count = reader.u64()
    if item_code in _SCALARS:
        min_item = _SCALARS[item_code][1]
    elif item_code == _STRING:
        min_item = _MIN_STRING_BYTES
    elif item_code == _ARRAY:
        min_item = _MIN_ARRAY_BYTES
    else:
        raise _BadFile(f"its metadata uses the unknown array item type {item_code}")
    if count > MAX_ARRAY_ITEMS:
        raise _BadFile(f"a metadata array claims {count:,} items, which is absurd")
    if count * min_item > reader.remaining():
        raise _BadFile(_TRUNCATED_META)
    type_name = _type_name(item_code)
    materialize = count <= limit
    if item_code in _SCALARS:
        if materialize:
            return type_name, count, reader.scalars(item_code, count)
        reader.skip(count * min_item)
        return type_name, count, ()
    if item_code == _STRING:
        strings = reader.strings(count, keep=materialize)
        return type_name, count, strings or ()
    items: list[object] = []
    for _ in range(count):
        inner_name, inner_count, inner_values = _read_array(reader, depth + 1, limit)
        if materialize:
            items.append(
                inner_values if inner_count <= limit else f"<array of {inner_count} {inner_name}>"
            )
    return type_name, count, tuple(items)


def _read_value(reader: _Reader, code: int) -> object:
    """Read a scalar or string value (arrays go through ``_read_array``)."""
    if code in _SCALARS:
        return reader.scalars(code, 1)[0]
    if code == _STRING:
        return reader.string(MAX_STRING_BYTES, "a metadata string")
    raise _BadFile(f"its metadata uses the unknown value type {code}")


_LAYER_ARRAY_SUFFIXES: Final = (
    ".attention.sliding_window_pattern",
    ".attention.head_count",
    ".attention.head_count_kv",
    ".feed_forward_length",
)


def _is_layer_array(key: str) -> bool:
    return key.endswith(_LAYER_ARRAY_SUFFIXES)


class _Metadata(NamedTuple):
    values: dict[str, object]  # scalars, short arrays as tuples, long ones as summaries
    arrays: dict[str, tuple[object, ...]]  # the arrays asked for, in full
    lengths: dict[str, int]  # the item count of every array


def _read_metadata(reader: _Reader, kv_count: int, keep_arrays: Collection[str]) -> _Metadata:
    metadata: dict[str, object] = {}
    arrays: dict[str, tuple[object, ...]] = {}
    lengths: dict[str, int] = {}
    for _ in range(kv_count):
        key = reader.string(MAX_KEY_BYTES, "a metadata key")
        if key in metadata:
            raise _BadFile(f"its metadata has the key {key!r} twice")
        code = reader.u32()
        if code != _ARRAY:
            metadata[key] = _read_value(reader, code)
            continue
        keep = key in keep_arrays
        shown = MAX_LAYER_ARRAY_ITEMS if _is_layer_array(key) else SHORT_ARRAY_ITEMS
        limit = MAX_ARRAY_ITEMS if keep else shown
        type_name, count, values = _read_array(reader, 1, limit)
        if keep:
            arrays[key] = values
        lengths[key] = count
        metadata[key] = values if count <= shown else f"<array of {count} {type_name}>"
    return _Metadata(metadata, arrays, lengths)


def _read_tensors(
    reader: _Reader, tensor_count: int
) -> list[tuple[str, tuple[int, ...], int, int]]:
    """Read the tensor table: (name, shape, ggml type, offset relative to the data section)."""
    entries: list[tuple[str, tuple[int, ...], int, int]] = []
    seen: set[str] = set()
    for _ in range(tensor_count):
        name = reader.string(MAX_TENSOR_NAME_BYTES, "a tensor name")
        if name in seen:
            raise _BadFile(f"its tensor table lists {name!r} twice")
        seen.add(name)
        n_dims = reader.u32()
        if n_dims > MAX_DIMS:
            raise _BadFile(f"tensor {name!r} claims {n_dims} dimensions (at most {MAX_DIMS})")
        shape = tuple(reader.u64() for _ in range(n_dims))
        elements = 1
        for dim in shape:
            elements *= dim
        if elements > MAX_ELEMENTS:
            raise _BadFile(f"tensor {name!r} has the absurd shape {list(shape)}")
        ggml_type = reader.u32()
        if ggml_type not in GGML_TYPES:
            if ggml_type in _REMOVED_TYPES:
                raise _BadFile(
                    f"tensor {name!r} uses the type {_REMOVED_TYPES[ggml_type]}, which llama.cpp "
                    "no longer supports; download a current conversion"
                )
            raise _BadFile(f"tensor {name!r} has the unknown type {ggml_type}")
        offset = reader.u64()
        entries.append((name, shape, ggml_type, offset))
    return entries


def _place_tensors(
    entries: list[tuple[str, tuple[int, ...], int, int]], data_start: int, alignment: int, size: int
) -> tuple[TensorInfo, ...]:
    """Compute byte sizes and check every tensor's data lies inside the file, without overlap."""
    tensors: list[TensorInfo] = []
    for name, shape, ggml_type, relative in entries:
        try:
            nbytes = tensor_nbytes(shape, ggml_type)
        except ValueError as exc:
            raise _BadFile(f"tensor {name!r} has an impossible shape: {exc}") from None
        if relative % alignment:
            raise _BadFile(f"tensor {name!r} is not aligned to {alignment} bytes")
        tensors.append(TensorInfo(name, shape, ggml_type, data_start + relative, nbytes))
    end = data_start
    previous_end = 0
    for tensor in sorted(tensors, key=lambda t: t.offset):
        if tensor.offset < previous_end:
            raise _BadFile(f"the data of tensor {tensor.name!r} overlaps another tensor")
        previous_end = tensor.offset + tensor.nbytes
        end = max(end, previous_end)
    if end > size:
        raise _BadFile(
            f"the file is truncated (its tensors need {end:,} bytes but it has {size:,}); "
            "download it again"
        )
    return tuple(tensors)


def _sniff(head: bytes) -> str:
    """Explain what a file that is not GGUF looks like, from its first bytes."""
    if head[:4] in (b"ggml", b"ggmf", b"ggjt", b"lmgg", b"fmgg", b"tjgg"):
        return "it is an old GGML-format file; Hearth needs the newer GGUF format"
    if head.startswith(b"version https://git-lfs"):
        return "it is a Git LFS pointer, not the model itself; fetch the real file (git lfs pull)"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--", b"<?xml")) or (
        b"<html" in text
    ):
        return (
            "it looks like a web page, not a GGUF model (the download probably saved an error or "
            "login page)"
        )
    if head.startswith(b"PK\x03\x04"):
        return "it is a ZIP archive; extract the .gguf file from it first"
    if len(head) >= 10 and head[8:10] == b'{"':
        return "it looks like a safetensors file; Hearth needs a GGUF conversion of the model"
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of the sample is still text.
        decoded = head[: exc.start].decode("utf-8") if exc.start >= len(head) - 3 else ""
    if decoded and all(ch.isprintable() or ch in "\t\r\n\f" for ch in decoded):
        return "it looks like a text file, not a GGUF model"
    return "it is not a GGUF model file (it does not start with the GGUF signature)"


def _int(metadata: Mapping[str, object], key: str, low: int = 0, high: int = 1 << 62) -> int | None:
    """An integer metadata value within [low, high], ``None`` if absent."""
    value = metadata.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _BadFile(f"its key {key} should be an integer but is {type(value).__name__}")
    if not low <= value <= high:
        raise _BadFile(f"its key {key} is {value}, which no real model has")
    return value


def _per_layer(
    metadata: Mapping[str, object], key: str, low: int, high: int
) -> tuple[int | None, tuple[int, ...] | None]:
    """An integer that may be given once or per layer: ``(largest value, per-layer values)``."""
    value = metadata.get(key)
    if not isinstance(value, tuple):
        return _int(metadata, key, low, high), None
    if not value:
        raise _BadFile(f"its key {key} is an empty list")
    layers: list[int] = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int):
            raise _BadFile(f"its key {key} should list integers but holds {type(item).__name__}")
        if not 0 <= item <= high:
            raise _BadFile(f"its key {key} holds {item}, which no real model has")
        layers.append(item)
    largest = max(layers)
    if largest < low:
        raise _BadFile(f"its key {key} is {largest} for every layer, which no real model has")
    return largest, tuple(layers)


def _str(metadata: Mapping[str, object], key: str) -> str | None:
    value = metadata.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _BadFile(f"its key {key} should be a string but is {type(value).__name__}")
    return value


# Sanity ranges for the hyper-parameters of a text model (key suffix after "<arch>.").
_TEXT_LIMITS: Final = {
    "context_length": (1, 1 << 24),
    "embedding_length": (1, 1 << 16),
    "block_count": (1, 512),  # LLAMA_MAX_LAYERS
    "feed_forward_length": (1, 1 << 18),
    "attention.head_count": (1, 1 << 10),
    "attention.head_count_kv": (1, 1 << 10),
    "attention.key_length": (1, 1 << 12),
    "attention.value_length": (1, 1 << 12),
    "attention.sliding_window": (0, 1 << 24),
    "vocab_size": (1, MAX_ARRAY_ITEMS),
}
_VISION_LIMITS: Final = {
    "embedding_length": (1, 1 << 16),
    "block_count": (1, 512),
    "feed_forward_length": (1, 1 << 18),
    "attention.head_count": (1, 1 << 10),
    "projection_dim": (1, 1 << 16),
    "image_size": (1, 1 << 14),
    "patch_size": (1, 1 << 10),
}


def _quantization(metadata: Mapping[str, object], tensors: tuple[TensorInfo, ...]) -> str | None:
    file_type = _int(metadata, "general.file_type", 0, 1 << 31)
    if file_type is not None:
        label = _FILE_TYPES.get(file_type & ~_FILE_TYPE_GUESSED)
        if label is not None:
            return label
    by_bytes: Counter[str] = Counter()
    for tensor in tensors:
        by_bytes[tensor.type_name] += tensor.nbytes
    return by_bytes.most_common(1)[0][0] if by_bytes else None


def _build_info(
    path: Path,
    *,
    size: int,
    version: int,
    meta: _Metadata,
    tensors: tuple[TensorInfo, ...],
) -> GGUFInfo:
    metadata, arrays, array_lengths = meta
    arch = _str(metadata, "general.architecture")
    if arch is None:
        raise _BadFile("its metadata has no general.architecture key")
    facts = architecture(arch)
    if facts is None:
        raise _BadFile(unknown_architecture_reason(arch))
    if facts.refusal is not None:
        raise _BadFile(facts.refusal)
    mmproj = arch == MMPROJ_ARCHITECTURE
    prefix = "clip.vision." if mmproj else f"{arch}."
    limits = _VISION_LIMITS if mmproj else _TEXT_LIMITS
    per_layer: dict[str, tuple[int, ...] | None] = {}
    num: dict[str, int | None] = {}
    for suffix, (low, high) in limits.items():
        if mmproj or not _is_layer_array(prefix + suffix):
            num[suffix] = _int(metadata, prefix + suffix, low, high)
        else:
            num[suffix], per_layer[suffix] = _per_layer(metadata, prefix + suffix, low, high)

    pattern_value = metadata.get(f"{arch}.attention.sliding_window_pattern")
    pattern = (
        _int(metadata, f"{arch}.attention.sliding_window_pattern", 0, 1 << 10)
        if isinstance(pattern_value, int)
        else None
    )
    vocab_size = array_lengths.get("tokenizer.ggml.tokens", num.get("vocab_size"))
    projector = _str(metadata, "clip.projector_type") or _str(
        metadata, "clip.vision.projector_type"
    )
    projection_dim = num.get("projection_dim")
    input_projection = next((t for t in tensors if t.name == "mm.input_projection.weight"), None)
    if input_projection is not None and input_projection.shape:
        projection_dim = input_projection.shape[0]
    has_vision = metadata.get("clip.has_vision_encoder") is True

    embedding_length = num["embedding_length"]
    block_count = num["block_count"]
    size_label = _str(metadata, "general.size_label")
    if size_label is None and not mmproj:
        size_label = size_label_for(arch, embedding_length, block_count)

    return GGUFInfo(
        path=path,
        file_size=size,
        version=version,
        architecture=arch,
        name=_str(metadata, "general.name"),
        size_label=size_label,
        quantization=_quantization(metadata, tensors),
        context_length=num.get("context_length"),
        embedding_length=embedding_length,
        block_count=block_count,
        head_count=num["attention.head_count"],
        head_count_kv=num.get("attention.head_count_kv"),
        key_length=num.get("attention.key_length"),
        value_length=num.get("attention.value_length"),
        feed_forward_length=num["feed_forward_length"],
        sliding_window=num.get("attention.sliding_window"),
        sliding_window_pattern=pattern,
        vocab_size=vocab_size,
        chat_template=_str(metadata, "tokenizer.chat_template"),
        bos_token_id=_int(metadata, "tokenizer.ggml.bos_token_id", 0, MAX_ARRAY_ITEMS),
        eos_token_id=_int(metadata, "tokenizer.ggml.eos_token_id", 0, MAX_ARRAY_ITEMS),
        projector_type=projector,
        projection_dim=projection_dim,
        has_vision_encoder=has_vision,
        tensor_count=len(tensors),
        metadata=MappingProxyType(metadata),
        tensors=tensors,
        arrays=MappingProxyType(arrays),
        head_count_kv_layers=per_layer.get("attention.head_count_kv"),
        head_count_layers=per_layer.get("attention.head_count"),
    )


def _parse(handle: BinaryIO, path: Path, size: int, keep_arrays: Collection[str]) -> GGUFInfo:
    reader = _Reader(handle, size)
    if size == 0:
        raise _BadFile("the file is empty")
    sample = min(size, 1024)
    start = reader.need(sample)
    head = reader.buf[start : start + sample]
    if size < _HEADER.size and (head[:4] == GGUF_MAGIC or GGUF_MAGIC.startswith(head)):
        raise _BadFile(_TRUNCATED_META)
    if head[:4] != GGUF_MAGIC:
        raise _BadFile(_sniff(head))
    _magic, version, tensor_count, kv_count = _HEADER.unpack_from(head)
    reader.pos = _HEADER.size
    if version not in SUPPORTED_VERSIONS:
        if version == 1:
            raise _BadFile("it uses GGUF version 1, which is too old; get a current conversion")
        if version & 0xFFFF == 0 and (version >> 24) in SUPPORTED_VERSIONS:
            raise _BadFile("it is a big-endian GGUF file; Hearth needs the little-endian kind")
        raise _BadFile(f"it uses GGUF version {version}, which this version of Hearth cannot read")
    if kv_count > MAX_KV_COUNT:
        raise _BadFile(f"its header claims {kv_count:,} metadata entries, which is absurd")
    if tensor_count > MAX_TENSOR_COUNT:
        raise _BadFile(f"its header claims {tensor_count:,} tensors, which is absurd")
    if kv_count * _MIN_KV_BYTES + tensor_count * _MIN_TENSOR_INFO_BYTES > reader.remaining():
        raise _BadFile(_TRUNCATED_META)

    meta = _read_metadata(reader, kv_count, frozenset(keep_arrays))
    entries = _read_tensors(reader, tensor_count)
    alignment = _int(meta.values, "general.alignment", 1, MAX_ALIGNMENT) or DEFAULT_ALIGNMENT
    if alignment & (alignment - 1):
        raise _BadFile(f"its general.alignment is {alignment}, which is not a power of two")
    data_start = -(-reader.pos // alignment) * alignment
    tensors = _place_tensors(entries, data_start, alignment, size) if entries else ()
    return _build_info(path, size=size, version=version, meta=meta, tensors=tensors)


def read_gguf_header(
    path: str | os.PathLike[str], *, keep_arrays: Collection[str] = ()
) -> GGUFInfo:
    """Read and check the header of the GGUF file at ``path`` without touching tensor data.

    Args:
        path: the ``.gguf`` file (a text model or an ``mmproj`` vision projector).
        keep_arrays: metadata keys whose arrays are returned in full in ``GGUFInfo.arrays``
            (e.g. ``"tokenizer.ggml.tokens"``); other long arrays are skipped and summarised.

    Raises:
        ModelFileError: the file is missing, unreadable, not GGUF, truncated, corrupt, or of an
            unsupported architecture; the message is one sentence naming the file.
    """
    file_path = Path(os.fspath(path))
    label = file_path.name or str(file_path)
    try:
        info = os.stat(file_path)
        if stat.S_ISDIR(info.st_mode):
            raise _BadFile("it is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise _BadFile("it is not a regular file")
        with file_path.open("rb", buffering=0) as handle:
            size = os.fstat(handle.fileno()).st_size
            return _parse(handle, file_path, size, keep_arrays)
    except _BadFile as exc:
        raise ModelFileError(f"{label} cannot be used as a model: {exc}.") from None
    except FileNotFoundError:
        raise ModelFileError(f"{label} cannot be used as a model: it does not exist.") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ModelFileError(f"{label} cannot be read: {reason}.") from None
