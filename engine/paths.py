"""Where Hearth keeps its files: platformdirs, overridden by ``--data-dir``/``HEARTH_DATA_DIR``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Hearth"
DATA_DIR_ENV = "HEARTH_DATA_DIR"


@dataclass(frozen=True)
class AppPaths:
    """All directories Hearth writes to, derived from one data directory."""

    data_dir: Path
    cache_dir: Path

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def tokenizer_cache(self) -> Path:
        """SentencePiece models built from GGUF vocabularies (shared by the CLI and the GUI)."""
        return self.cache_dir / "tokenizers"

    @property
    def settings_path(self) -> Path:
        return self.data_dir / "settings.toml"

    @property
    def api_token_path(self) -> Path:
        """The local API server's bearer token (user-only file)."""
        return self.data_dir / "api-token"

    @property
    def remote_engines_path(self) -> Path:
        """The remote engines the user configured (no secrets: keys are in the keyring)."""
        return self.data_dir / "remote-engines.toml"

    @property
    def secrets_fallback_path(self) -> Path:
        """API keys when the system has no keyring: a file only the user can read."""
        return self.data_dir / "secrets.json"

    @property
    def crash_log(self) -> Path:
        return self.data_dir / "crash.log"

    def ensure(self) -> AppPaths:
        """Create the directories (private to the user) and return self."""
        for directory in (self.data_dir, self.cache_dir, self.models_dir):
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    """Pick the data directory: explicit argument, then ``HEARTH_DATA_DIR``, then platformdirs.

    When the data directory is overridden the cache lives inside it, so a test or a
    portable install never touches the user's real directories.
    """
    chosen = data_dir if data_dir is not None else os.environ.get(DATA_DIR_ENV) or None
    if chosen is not None:
        root = Path(chosen).expanduser().resolve()
        return AppPaths(data_dir=root, cache_dir=root / "cache")
    return AppPaths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
    )
