"""The cheap model identity: stable for the same bytes, different for different files."""

from __future__ import annotations

import os
from pathlib import Path

from engine.model.identity import model_identity


def test_same_bytes_same_identity_wherever_the_file_is(tmp_path: Path) -> None:
    data = os.urandom(20 << 20)
    first, second = tmp_path / "a.gguf", tmp_path / "b.gguf"
    first.write_bytes(data)
    second.write_bytes(data)
    assert model_identity(first) == model_identity(second)
    assert len(model_identity(first)) == 64


def test_a_change_in_the_header_or_the_tail_changes_the_identity(tmp_path: Path) -> None:
    data = bytearray(os.urandom(20 << 20))
    path = tmp_path / "m.gguf"
    path.write_bytes(data)
    original = model_identity(path)
    data[10] ^= 1
    path.write_bytes(data)
    header_changed = model_identity(path)
    data[10] ^= 1
    data[-10] ^= 1
    path.write_bytes(data)
    assert len({original, header_changed, model_identity(path)}) == 3


def test_small_files_are_hashed_whole(tmp_path: Path) -> None:
    path = tmp_path / "tiny.gguf"
    path.write_bytes(b"GGUF" + bytes(100))
    other = tmp_path / "tiny2.gguf"
    other.write_bytes(b"GGUF" + bytes(99) + b"\x01")
    assert model_identity(path) != model_identity(other)
