"""API keys of remote engines: in the OS keyring, or a user-only file when there is none.

The keyring (``keyring`` package: macOS Keychain, Windows Credential Locker, the Secret Service
on Linux) is used whenever it has a working backend. On a system without one (a headless Linux
box, a minimal desktop) the keys go to a JSON file created with mode 0600 in Hearth's private
data directory, and ``where`` says so, so the settings dialog can tell the user.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Final, Literal

from engine.errors import HearthError

__all__ = ["SERVICE", "ApiKeyStore", "keyring_available"]

SERVICE: Final = "Hearth remote engine"
Where = Literal["keyring", "file"]


def keyring_available() -> bool:
    """Whether ``keyring`` has a real backend (not the "fail" or "null" placeholder)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return False
    try:
        backend = keyring.get_keyring()
    except Exception:
        return False
    if isinstance(backend, fail.Keyring):
        return False
    chained = getattr(backend, "backends", None)
    if chained is not None and not chained:
        return False
    return type(backend).__module__ != "keyring.backends.null"


class ApiKeyStore:
    """Get, set and delete the API key of an engine (by the engine's name)."""

    def __init__(self, fallback_path: Path, *, use_keyring: bool | None = None) -> None:
        self._path = fallback_path
        self._keyring = keyring_available() if use_keyring is None else use_keyring

    @property
    def where(self) -> Where:
        return "keyring" if self._keyring else "file"

    @property
    def fallback_path(self) -> Path:
        return self._path

    def get(self, name: str) -> str:
        """The key, or "" when the engine has none."""
        if self._keyring:
            import keyring
            import keyring.errors

            try:
                return keyring.get_password(SERVICE, name) or ""
            except keyring.errors.KeyringError as exc:
                raise HearthError(f"The system keyring could not be read: {exc}") from exc
        return self._read_file().get(name, "")

    def set(self, name: str, key: str) -> None:
        """Store ``key`` (an empty key deletes it)."""
        if not key:
            self.delete(name)
            return
        if self._keyring:
            import keyring
            import keyring.errors

            try:
                keyring.set_password(SERVICE, name, key)
            except keyring.errors.KeyringError as exc:
                raise HearthError(f"The system keyring refused the key: {exc}") from exc
            return
        keys = self._read_file()
        keys[name] = key
        self._write_file(keys)

    def delete(self, name: str) -> None:
        if self._keyring:
            import keyring
            import keyring.errors

            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                keyring.delete_password(SERVICE, name)
            return
        keys = self._read_file()
        if keys.pop(name, None) is not None:
            self._write_file(keys)

    def rename(self, old: str, new: str) -> None:
        key = self.get(old)
        if key:
            self.set(new, key)
            self.delete(old)

    # ------------------------------------------------------------------ the fallback file

    def _read_file(self) -> dict[str, str]:
        try:
            raw = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise HearthError(f"The key file {self._path} could not be read: {exc}") from exc
        if not isinstance(raw, dict):
            return {}
        return {str(k): str(v) for k, v in raw.items() if isinstance(v, str)}

    def _write_file(self, keys: dict[str, str]) -> None:
        temp_name: str | None = None
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, temp_name = tempfile.mkstemp(prefix=".secrets.", dir=self._path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                if hasattr(os, "fchmod"):
                    os.fchmod(out.fileno(), 0o600)
                json.dump(keys, out, indent=1, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp_name, self._path)
            temp_name = None
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise HearthError(f"Could not save the API key to {self._path}: {reason}.") from exc
        finally:
            if temp_name is not None:
                Path(temp_name).unlink(missing_ok=True)
