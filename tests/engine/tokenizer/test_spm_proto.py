"""The hand-written protobuf writer and reader for SentencePiece models."""

from __future__ import annotations

import sentencepiece

from engine.tokenizer.spm_proto import (
    ModelType,
    PieceType,
    SpecialIds,
    _varint,
    build_model_proto,
    read_pieces,
)


def test_varints() -> None:
    assert _varint(0) == b"\x00"
    assert _varint(1) == b"\x01"
    assert _varint(127) == b"\x7f"
    assert _varint(128) == b"\x80\x01"
    assert _varint(300) == b"\xac\x02"
    assert _varint(-1) == b"\xff" * 9 + b"\x01"  # int32 -1 is sign-extended to 10 bytes


def _tiny() -> list[tuple[str, float, PieceType]]:
    pieces = [
        ("<pad>", 0.0, PieceType.CONTROL),
        ("<eos>", 0.0, PieceType.CONTROL),
        ("<bos>", 0.0, PieceType.CONTROL),
        ("<unk>", 0.0, PieceType.UNKNOWN),
        ("h", -1.0, PieceType.NORMAL),
        ("i", -2.0, PieceType.NORMAL),
        ("hi", -3.0, PieceType.NORMAL),
        ("\u2581", -4.0, PieceType.NORMAL),
        ("\u2581hi", -5.0, PieceType.NORMAL),
        ("<b>", 0.0, PieceType.USER_DEFINED),
    ]
    pieces += [(f"<0x{value:02X}>", 0.0, PieceType.BYTE) for value in range(256)]
    return pieces


def test_a_built_model_loads_and_encodes_like_bpe() -> None:
    proto = build_model_proto(
        _tiny(), ids=SpecialIds(unk_id=3, bos_id=2, eos_id=1, pad_id=0), model_type=ModelType.BPE
    )
    processor = sentencepiece.SentencePieceProcessor()
    processor.LoadFromSerializedProto(proto)

    assert processor.GetPieceSize() == 266
    assert processor.EncodeAsIds("hi hi") == [6, 8]
    assert processor.EncodeAsIds("<b>hi") == [9, 6]  # user-defined pieces are atomic
    assert processor.EncodeAsIds("z") == [10 + ord("z")]  # byte fallback
    assert processor.bos_id() == 2
    assert processor.eos_id() == 1
    assert processor.pad_id() == 0


def test_the_reader_returns_what_the_writer_wrote() -> None:
    pieces = _tiny()
    proto = build_model_proto(pieces, ids=SpecialIds(unk_id=3, bos_id=2, eos_id=1, pad_id=0))
    assert list(read_pieces(proto)) == pieces
