"""Who is still running? A lock file per open store tells a crash from a busy neighbour.

An assistant answer being streamed is stored with ``status = 'streaming'`` and a writer token.
The process that writes it holds an exclusive OS lock on ``<leases>/<token>.lock`` for as long
as it lives; the OS drops the lock when the process dies, however it dies (SIGKILL included).
On open, a 'streaming' row whose token's lock can be taken belonged to a dead process and is
marked 'interrupted'; a row whose lock is held is a live stream in another Hearth (the GUI
while ``hearth-cli`` runs, say) and is left alone.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from pathlib import Path

from engine.store.files import PRIVATE_FILE_MODE, ensure_private_dir

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True


class WriterLease:
    """An open store's claim on the rows it streams; held until ``release()`` or death.

    A lease file whose lock can be taken therefore means a process ended without closing
    its store (a crash): ``stale_leases_exist``.
    """

    def __init__(self, leases_dir: Path) -> None:
        ensure_private_dir(leases_dir)
        self.token = secrets.token_hex(12)
        self.path = leases_dir / f"{self.token}.lock"
        # Lock first, publish second: a probe must never see an unlocked live lease.
        staging = leases_dir / f".{self.token}.tmp" if os.name == "posix" else self.path
        fd = os.open(staging, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        if not _try_lock(fd):  # pragma: no cover - a fresh random name is never locked
            os.close(fd)
            raise OSError(f"could not lock {staging}")
        if staging != self.path:
            os.rename(staging, self.path)
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self._fd)
        self._fd = None


def owner_is_alive(leases_dir: Path, token: str | None) -> bool:
    """True while the process that holds ``token`` is running (its lock cannot be taken)."""
    if not token or not all(c in "0123456789abcdef" for c in token):
        return False
    path = leases_dir / f"{token}.lock"
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False  # no lease file: its owner released it or never had one
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)  # closing drops the probe lock


def _unlocked(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        return _try_lock(fd)
    finally:
        os.close(fd)


def stale_leases_exist(leases_dir: Path) -> bool:
    """True if a process that held the store open died without closing it."""
    if not leases_dir.is_dir():
        return False
    return any(_unlocked(path) for path in leases_dir.glob("*.lock"))


def live_leases_exist(leases_dir: Path) -> bool:
    """True while another process has the store open (its lease is locked)."""
    if not leases_dir.is_dir():
        return False
    return any(not _unlocked(path) for path in leases_dir.glob("*.lock"))


def remove_stale_leases(leases_dir: Path) -> int:
    """Delete the lock files of dead processes; returns how many were removed."""
    removed = 0
    if not leases_dir.is_dir():
        return 0
    for path in [*leases_dir.glob("*.lock"), *leases_dir.glob(".*.tmp")]:
        if _unlocked(path):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    return removed
