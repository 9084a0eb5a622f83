"""Private files and folders: 0700 directories, 0600 files, atomic replace with fsync."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed; a folder we create is private to the user."""
    missing: list[Path] = []
    current = path
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for directory in reversed(missing):
        directory.mkdir(exist_ok=True, mode=PRIVATE_DIR_MODE)
        with contextlib.suppress(OSError):
            os.chmod(directory, PRIVATE_DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def make_private(path: Path) -> None:
    """Tighten an existing file to 0600 (no-op where the OS has no such modes)."""
    with contextlib.suppress(FileNotFoundError, PermissionError):
        if path.stat().st_mode & 0o077:
            os.chmod(path, PRIVATE_FILE_MODE)


def create_private_file(path: Path) -> bool:
    """Create an empty 0600 file if none exists; True if this call created it.

    Used for the database before SQLite first opens it, so SQLite's -wal and -shm files (which
    copy the database file's mode) are private too. O_EXCL means nobody else has it open.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def fsync_dir(path: Path) -> None:
    """Make a rename or unlink in ``path`` durable (no-op on systems without directory fds)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_sibling(path: Path, suffix: str = ".partial") -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{suffix}")


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """Write ``path`` all-or-nothing: a private temp file, fsync, rename, fsync the folder.

    The old file stays intact until the new one is complete; on error the temp file is removed.
    """
    temp = temp_sibling(path)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_dir(path.parent)


def unique_path(directory: Path, stem: str, suffix: str) -> Path:
    """A path in ``directory`` that does not exist yet (stem, stem-2, stem-3...)."""
    candidate = directory / f"{stem}{suffix}"
    counter = 2
    while candidate.exists():
        candidate = directory / f"{stem}-{counter}{suffix}"
        counter += 1
    return candidate
