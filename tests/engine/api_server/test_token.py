"""The per-install bearer token: made once, kept user-only, compared in constant time."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from engine.api_server.token import load_or_create_token, regenerate_token, token_matches


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_token_is_made_once_and_kept_user_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "api-token"
    first = load_or_create_token(path)
    assert first.startswith("hearth-") and len(first) > 40
    assert mode(path) == 0o600
    assert load_or_create_token(path) == first
    path.chmod(0o644)
    assert load_or_create_token(path) == first and mode(path) == 0o600


def test_a_damaged_token_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "api-token"
    path.write_bytes(b"\xff\xfe not a token")
    token = load_or_create_token(path)
    assert token.startswith("hearth-") and path.read_text().strip() == token


def test_regenerate_gives_a_new_token(tmp_path: Path) -> None:
    path = tmp_path / "api-token"
    old = load_or_create_token(path)
    new = regenerate_token(path)
    assert new != old and load_or_create_token(path) == new


def test_tokens_compare_exactly() -> None:
    assert token_matches("hearth-abc", "hearth-abc")
    assert not token_matches("hearth-abc", "hearth-abd")
    assert not token_matches("hearth-abc", "")
