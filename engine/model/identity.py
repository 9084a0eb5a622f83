"""A cheap, stable identity for a (multi-gigabyte) model file.

Summaries and image recipes are keyed by the model that made them. Hashing a 16 GB file takes
a minute, so the identity is the SHA-256 of the file size plus its first and last 8 MiB: the
GGUF header (all metadata and the tensor table) and the end of the tensor data. Two different
model files practically never share it; the same file moved or renamed keeps it.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

_EDGE = 8 << 20


@lru_cache(maxsize=16)
def _identity(path: str, size: int, mtime_ns: int) -> str:
    del mtime_ns  # part of the cache key only
    digest = hashlib.sha256(f"hearth-model-identity:{size}:".encode())
    with open(path, "rb") as handle:
        digest.update(handle.read(_EDGE))
        if size > 2 * _EDGE:
            handle.seek(size - _EDGE)
        digest.update(handle.read(_EDGE))
    return digest.hexdigest()


def model_identity(path: str | os.PathLike[str]) -> str:
    info = os.stat(path)
    return _identity(os.path.realpath(path), info.st_size, info.st_mtime_ns)
