"""Attachment bytes, stored once per SHA-256 in a content-addressed folder.

``<data>/attachments/ab/abcdef…`` holds the bytes whose SHA-256 is ``abcdef…``. Files are
written private, atomically, and before the database row that refers to them is committed; a
file that no row refers to (a crash between the two, or a delete) is an orphan and removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from pathlib import Path

from engine.store.errors import StoreError, StoreIOError, translate_os_error
from engine.store.files import PRIVATE_FILE_MODE, ensure_private_dir, fsync_dir, temp_sibling
from engine.store.records import StoredBlob

_BLOCK = 1 << 20
ORPHAN_GRACE_SECONDS = 3600.0
"""A file younger than this may belong to another process that has not committed its row yet."""

_IMAGE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff_image_mime(head: bytes) -> str | None:
    """The image type from the first bytes, for the formats a browser shows safely."""
    for signature, mime in _IMAGE_SIGNATURES:
        if head.startswith(signature):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def is_sha256(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


class BlobStore:
    """The content-addressed attachment folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put_bytes(self, data: bytes, mime: str = "application/octet-stream") -> StoredBlob:
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path_for(sha256)
        if not target.is_file():
            self._write(target, [data])
        return StoredBlob(sha256=sha256, size=len(data), mime=mime)

    def put_file(self, source: Path, mime: str = "application/octet-stream") -> StoredBlob:
        """Copy a file in while hashing it (one pass; the source is read exactly once)."""
        digest = hashlib.sha256()
        size = 0
        staging_dir = ensure_private_dir(self.root)
        staging = temp_sibling(staging_dir / "incoming")
        try:
            fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                while block := src.read(_BLOCK):
                    digest.update(block)
                    out.write(block)
                    size += len(block)
                out.flush()
                os.fsync(out.fileno())
            sha256 = digest.hexdigest()
            target = self.path_for(sha256)
            if not target.is_file():
                ensure_private_dir(target.parent)
                os.replace(staging, target)
                fsync_dir(target.parent)
        except OSError as exc:
            raise translate_os_error(exc, self.root, "save the attachment") from exc
        finally:
            with contextlib.suppress(OSError):
                staging.unlink()
        return StoredBlob(sha256=sha256, size=size, mime=mime)

    def _write(self, target: Path, chunks: list[bytes]) -> None:
        try:
            ensure_private_dir(target.parent)
            staging = temp_sibling(target)
            fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
            try:
                with os.fdopen(fd, "wb") as out:
                    for chunk in chunks:
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(staging, target)
            finally:
                with contextlib.suppress(OSError):
                    staging.unlink()
            fsync_dir(target.parent)
        except OSError as exc:
            raise translate_os_error(exc, self.root, "save the attachment") from exc

    def read_bytes(self, sha256: str) -> bytes:
        path = self.path_for(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise StoreIOError(
                f"The attachment file {path.name} is missing from {path.parent}."
            ) from exc
        except OSError as exc:
            raise translate_os_error(exc, path.parent, "read the attachment") from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError(f"The attachment file {path.name} is damaged (its checksum changed).")
        return data

    def remove(self, sha256: str) -> bool:
        path = self.path_for(sha256)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        with contextlib.suppress(OSError):
            fsync_dir(path.parent)
            path.parent.rmdir()  # only succeeds when empty
        return True

    def sweep(self, referenced: set[str], grace_seconds: float = ORPHAN_GRACE_SECONDS) -> int:
        """Remove files no row refers to (and abandoned temp files) older than the grace time."""
        if not self.root.is_dir():
            return 0
        cutoff = time.time() - grace_seconds
        removed = 0
        for path in self.root.rglob("*"):
            if not path.is_file():
                continue
            orphan = path.name.startswith(".") or (
                is_sha256(path.name) and path.name not in referenced
            )
            try:
                if orphan and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
        return removed
