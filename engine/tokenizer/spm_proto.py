"""Writing a SentencePiece ``ModelProto`` by hand, in protobuf wire format (no protobuf package).

Only the fields the encoder reads are written (field numbers from sentencepiece's
``sentencepiece_model.proto``):

========================  =======================================================================
message                   fields written (number)
========================  =======================================================================
``ModelProto``            pieces (1, repeated), trainer_spec (2), normalizer_spec (3)
``SentencePiece``         piece (1, string), score (2, float), type (3, enum)
``TrainerSpec``           model_type (3), vocab_size (4), byte_fallback (35), unk/bos/eos/pad id
                          (40-43), unk/bos/eos/pad piece (45-48)
``NormalizerSpec``        name (1), add_dummy_prefix (3), remove_extra_whitespaces (4),
                          escape_whitespaces (5)
========================  =======================================================================

Booleans whose proto default is ``true`` are always written, so ``false`` is explicit.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum

_WIRE_VARINT = 0
_WIRE_BYTES = 2
_WIRE_FIXED32 = 5


class PieceType(IntEnum):
    """``SentencePiece.Type``."""

    NORMAL = 1
    UNKNOWN = 2
    CONTROL = 3
    USER_DEFINED = 4
    UNUSED = 5
    BYTE = 6


class ModelType(IntEnum):
    """``TrainerSpec.ModelType``."""

    UNIGRAM = 1
    BPE = 2
    WORD = 3
    CHAR = 4


def _varint(value: int) -> bytes:
    if value < 0:
        value += 1 << 64  # int32/int64 negatives are sign-extended to 10 bytes
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(number: int, wire: int) -> bytes:
    return _varint((number << 3) | wire)


def _int_field(number: int, value: int) -> bytes:
    return _key(number, _WIRE_VARINT) + _varint(value)


def _bytes_field(number: int, value: bytes) -> bytes:
    return _key(number, _WIRE_BYTES) + _varint(len(value)) + value


def _str_field(number: int, value: str) -> bytes:
    return _bytes_field(number, value.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class SpecialIds:
    unk_id: int
    bos_id: int
    eos_id: int
    pad_id: int
    unk_piece: str = "<unk>"
    bos_piece: str = "<bos>"
    eos_piece: str = "<eos>"
    pad_piece: str = "<pad>"


def _trainer_spec(vocab_size: int, model_type: ModelType, ids: SpecialIds) -> bytes:
    return b"".join(
        (
            _int_field(3, int(model_type)),
            _int_field(4, vocab_size),
            _int_field(35, 1),  # byte_fallback
            _int_field(40, ids.unk_id),
            _int_field(41, ids.bos_id),
            _int_field(42, ids.eos_id),
            _int_field(43, ids.pad_id),
            _str_field(45, ids.unk_piece),
            _str_field(46, ids.bos_piece),
            _str_field(47, ids.eos_piece),
            _str_field(48, ids.pad_piece),
        )
    )


def _normalizer_spec(*, add_dummy_prefix: bool) -> bytes:
    return b"".join(
        (
            _str_field(1, "identity"),
            _int_field(3, int(add_dummy_prefix)),
            _int_field(4, 0),  # remove_extra_whitespaces
            _int_field(5, 1),  # escape_whitespaces
        )
    )


_PIECE_KEY = _key(1, _WIRE_BYTES)
_SCORE_KEY = _key(2, _WIRE_FIXED32)
_TYPE_KEY = _key(3, _WIRE_VARINT)
_MODEL_PIECE_KEY = _key(1, _WIRE_BYTES)
_FLOAT = struct.Struct("<f")


def build_model_proto(
    pieces: Iterable[tuple[str, float, PieceType]],
    *,
    ids: SpecialIds,
    model_type: ModelType = ModelType.BPE,
    add_dummy_prefix: bool = False,
) -> bytes:
    """Serialise a ``ModelProto`` with ``pieces`` (in id order) and the given specs."""
    out: list[bytes] = []
    count = 0
    for text, score, piece_type in pieces:
        raw = text.encode("utf-8")
        body = b"".join(
            (
                _PIECE_KEY,
                _varint(len(raw)),
                raw,
                _SCORE_KEY,
                _FLOAT.pack(score),
                _TYPE_KEY,
                _varint(int(piece_type)),
            )
        )
        out.append(_MODEL_PIECE_KEY + _varint(len(body)) + body)
        count += 1
    out.append(_bytes_field(2, _trainer_spec(count, model_type, ids)))
    out.append(_bytes_field(3, _normalizer_spec(add_dummy_prefix=add_dummy_prefix)))
    return b"".join(out)


def _read_varint(data: bytes, position: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7


def read_pieces(model_proto: bytes) -> Iterator[tuple[str, float, PieceType]]:
    """The pieces of a serialized ``ModelProto``, in id order (reads what
    :func:`build_model_proto` writes; other fields are skipped)."""
    position = 0
    end = len(model_proto)
    while position < end:
        key, position = _read_varint(model_proto, position)
        number, wire = key >> 3, key & 7
        if wire == _WIRE_VARINT:
            _, position = _read_varint(model_proto, position)
            continue
        if wire == _WIRE_FIXED32:
            position += 4
            continue
        if wire == 1:  # fixed64
            position += 8
            continue
        if wire != _WIRE_BYTES:
            raise ValueError(f"unsupported wire type {wire}")
        length, position = _read_varint(model_proto, position)
        body_end = position + length
        if number == 1:
            yield _read_piece(model_proto, position, body_end)
        position = body_end


def _read_piece(data: bytes, position: int, end: int) -> tuple[str, float, PieceType]:
    text = ""
    score = 0.0
    piece_type = PieceType.NORMAL
    while position < end:
        key, position = _read_varint(data, position)
        number, wire = key >> 3, key & 7
        if wire == _WIRE_BYTES:
            length, position = _read_varint(data, position)
            if number == 1:
                text = data[position : position + length].decode("utf-8")
            position += length
        elif wire == _WIRE_FIXED32:
            if number == 2:
                (score,) = _FLOAT.unpack_from(data, position)
            position += 4
        elif wire == _WIRE_VARINT:
            value, position = _read_varint(data, position)
            if number == 3:
                piece_type = PieceType(value)
        else:
            raise ValueError(f"unsupported wire type {wire} in a piece")
    return text, score, piece_type
