"""Opening an untrusted path safely: ``lstat`` first, refuse anything that is not a regular file.

Opening a FIFO with no writer blocks inside ``open()``, and ``Path.is_file()`` follows symlinks, so
the checks here run on ``lstat``/``stat`` results *before* anything is opened, the open itself uses
``O_NONBLOCK | O_NOFOLLOW`` on the resolved path, and the opened descriptor is checked again with
``fstat`` (same device and inode) so a file swapped in between cannot slip through.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from engine.documents.errors import DocumentError

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
"""Largest document Hearth reads (a 10 GB sparse file is refused before it is opened)."""

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


@dataclass(frozen=True, slots=True)
class CheckedPath:
    """A path that passed the checks: what was given, where it really is, how big it is."""

    given: Path
    real: Path
    size: int
    device: int
    inode: int

    @property
    def name(self) -> str:
        return display_name(self.given)


def display_name(path: str | os.PathLike[str]) -> str:
    """The file name as shown in messages (the last path component)."""
    candidate = Path(path)
    return candidate.name or str(candidate)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def _kind(mode: int) -> str | None:
    """What a non-regular file is, as a noun phrase (``None`` for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _os_reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return "does not exist (it may have been moved or deleted)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read (permission denied)"
    if exc.errno == errno.ELOOP:
        return "is a link that loops back on itself"
    if exc.errno == errno.ENAMETOOLONG:
        return "has a path that is too long"
    return f"cannot be read ({exc.strerror or exc.__class__.__name__})"


def _inside(real: str, root: str) -> bool:
    try:
        return os.path.commonpath([real, root]) == root
    except ValueError:  # different drives on Windows
        return False


def check_path(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allowed_root: str | os.PathLike[str] | None = None,
) -> CheckedPath:
    """Check ``path`` without opening it; raise :class:`DocumentError` with the reason if unusable.

    A symlink is followed only to a regular file, and, when ``allowed_root`` is given, only if the
    real target lies inside that folder (compared with ``realpath``, not ``resolve``).
    """
    given = Path(path)
    name = display_name(given)
    try:
        link_info = os.lstat(given)
    except OSError as exc:
        raise DocumentError(f"{name} {_os_reason(exc)}.") from exc
    try:
        real = os.path.realpath(given, strict=True)
        info = os.stat(real)
    except OSError as exc:
        if stat.S_ISLNK(link_info.st_mode) and exc.errno in (errno.ENOENT, errno.ENOTDIR):
            reason = "is a broken link: the file it points to does not exist"
        else:
            reason = _os_reason(exc)
        raise DocumentError(f"{name} {reason}.") from exc
    except RuntimeError as exc:  # symlink loop on some Python versions
        raise DocumentError(f"{name} is a link that loops back on itself.") from exc
    if allowed_root is not None:
        root = os.path.realpath(allowed_root)
        if not _inside(real, root):
            what = "is a link to a file" if stat.S_ISLNK(link_info.st_mode) else "is"
            raise DocumentError(
                f"{name} {what} outside the folder Hearth may read ({root}); it was not opened."
            )
    kind = _kind(info.st_mode)
    if kind is not None:
        link = "a link to " if stat.S_ISLNK(link_info.st_mode) else ""
        raise DocumentError(f"{name} is {link}{kind}, not a document.")
    if info.st_size == 0:
        raise DocumentError(f"{name} is empty.")
    if info.st_size > max_bytes:
        raise DocumentError(
            f"{name} is too large ({_mb(info.st_size)}; the limit is {_mb(max_bytes)})."
        )
    return CheckedPath(
        given=given, real=Path(real), size=info.st_size, device=info.st_dev, inode=info.st_ino
    )


def open_checked(checked: CheckedPath) -> BinaryIO:
    """Open a checked path for binary reading, making sure it is still the same regular file."""
    name = checked.name
    try:
        descriptor = os.open(checked.real, _OPEN_FLAGS)
    except OSError as exc:
        raise DocumentError(f"{name} {_os_reason(exc)}.") from exc
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) != (
            checked.device,
            checked.inode,
        ):
            raise DocumentError(f"{name} changed while it was being opened; try again.")
        if getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def open_untrusted(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allowed_root: str | os.PathLike[str] | None = None,
) -> tuple[CheckedPath, BinaryIO]:
    """:func:`check_path` then :func:`open_checked`."""
    checked = check_path(path, max_bytes=max_bytes, allowed_root=allowed_root)
    return checked, open_checked(checked)
