"""The API server's bearer token: generated once per install, kept in a user-only file."""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
import stat
from pathlib import Path
from typing import Final

from engine.errors import HearthError

TOKEN_PREFIX: Final = "hearth-"
_TOKEN_BYTES: Final = 32


def _valid(text: str) -> bool:
    body = text.removeprefix(TOKEN_PREFIX)
    return text.startswith(TOKEN_PREFIX) and len(body) >= 32 and body.isascii()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(_TOKEN_BYTES)


def load_or_create_token(path: Path) -> str:
    """The install's token: read from ``path``, or generated and written there (mode 0600).

    A file that is readable by others is tightened to 0600; a damaged one is replaced.

    Raises:
        HearthError: the file cannot be read or written.
    """
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        if isinstance(exc, UnicodeDecodeError):
            text = ""
        else:
            raise HearthError(f"Could not read the API token at {path}: {exc.strerror}.") from exc
    if _valid(text):
        _tighten(path)
        return text
    return _write_token(path, new_token())


def regenerate_token(path: Path) -> str:
    """Replace the token (every client must then use the new one)."""
    return _write_token(path, new_token())


def _tighten(path: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(0o600)


def _write_token(path: Path, token: str) -> str:
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(token + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise HearthError(f"Could not save the API token to {path}: {exc.strerror}.") from exc
    return token


def token_matches(expected: str, presented: str) -> bool:
    """Constant-time comparison of a presented token with the install's token."""
    return hmac.compare_digest(expected.encode("utf-8"), presented.encode("utf-8"))
