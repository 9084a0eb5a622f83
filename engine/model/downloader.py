"""Download a catalogue file, only when the user asked: resumable, checked, atomic.

``Downloader.download`` is a generator of progress events in the engine's long-job style: the
caller iterates it (off the GUI thread) and passes a ``cancelled`` callable; when that returns
True the generator raises ``Cancelled`` and the partial file is kept (that is *pause*; start
again to resume; ``discard`` deletes it: that is *cancel*).

On disk, beside the target in the models folder: ``<name>.part`` (the bytes so far) and
``<name>.part.json`` (which URL and hash they belong to). A later download of the same file —
in this run or after a restart — asks the server only for the rest (HTTP ``Range``). Before
any request the free disk space is checked against what is left to fetch. The SHA-256 of the
whole file is computed while it arrives (the bytes of an earlier part are hashed from disk once
on resume) and compared with the published hash; only a match is renamed (atomically) to its
final name, where the model manager lists it. A mismatch deletes the part: a wrong file never
appears. Connection cuts are retried from where they stopped a few times before giving up.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, one window at a time
    fcntl = None  # type: ignore[assignment]

from engine.errors import Cancelled, HearthError
from engine.model.download_catalog import DownloadFile
from engine.model.memory import format_bytes

__all__ = [
    "DownloadEvent",
    "DownloadFinished",
    "DownloadProgress",
    "DownloadStarted",
    "DownloadVerifying",
    "Downloader",
    "disk_free_bytes",
]

PART_SUFFIX: Final = ".part"
LOCK_SUFFIX: Final = ".part.lock"
SIDECAR_SUFFIX: Final = ".part.json"
SPACE_MARGIN: Final = 64 << 20  # never fill the disk to the last byte
_BLOCK: Final = 1 << 20


@dataclass(frozen=True)
class DownloadStarted:
    file: str
    url: str
    total: int
    resumed_from: int
    """Bytes already on disk from an earlier attempt (0 for a fresh download)."""


@dataclass(frozen=True)
class DownloadProgress:
    file: str
    done: int
    total: int


@dataclass(frozen=True)
class DownloadVerifying:
    file: str
    total: int


@dataclass(frozen=True)
class DownloadFinished:
    file: str
    path: Path
    size: int
    fetched: int
    """Bytes that came over the network in this call (the rest was on disk already)."""
    resumed_from: int
    seconds: float
    already_present: bool = False


DownloadEvent = DownloadStarted | DownloadProgress | DownloadVerifying | DownloadFinished


def disk_free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


class _Interrupted(Exception):
    """The connection broke mid-file; the part on disk is consistent with the hash so far."""


@dataclass
class _State:
    """The running hash and where the current request started."""

    hasher: Any
    offset: int


class _Restart(Exception):
    """The server cannot continue the part (ignored Range, or a different range): start over."""


class Downloader:
    """Fetches catalogue files into ``models_dir`` from ``base_url`` (the configured endpoint)."""

    def __init__(
        self,
        models_dir: Path,
        base_url: str,
        *,
        free_space: Callable[[Path], int] = disk_free_bytes,
        retries: int = 3,
        backoff: float = 1.0,
        timeout: float = 30.0,
        chunk_size: int = _BLOCK,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.models_dir = models_dir
        self.base_url = base_url.rstrip("/")
        self._free_space = free_space
        self._retries = retries
        self._backoff = backoff  # seconds before the first retry, doubled for each next one
        self._timeout = timeout
        self._chunk = chunk_size
        self._transport = transport

    # ------------------------------------------------------------------ paths and state

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or self.base_url

    def target(self, file: DownloadFile) -> Path:
        return self.models_dir / file.target_name

    def part_path(self, file: DownloadFile) -> Path:
        return self.models_dir / (file.target_name + PART_SUFFIX)

    def sidecar_path(self, file: DownloadFile) -> Path:
        return self.models_dir / (file.target_name + SIDECAR_SUFFIX)

    def partial_bytes(self, file: DownloadFile) -> int:
        """Bytes of an unfinished download of ``file`` kept on disk (0 when none)."""
        if self._sidecar_matches(file):
            with contextlib.suppress(OSError):
                return self.part_path(file).stat().st_size
        return 0

    def discard(self, file: DownloadFile) -> None:
        """Forget an unfinished download (the user cancelled it)."""
        for path in (self.part_path(file), self.sidecar_path(file)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def _sidecar_matches(self, file: DownloadFile) -> bool:
        try:
            data = json.loads(self.sidecar_path(file).read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return False
        return (
            isinstance(data, dict)
            and data.get("url") == file.url(self.base_url)
            and data.get("sha256") == file.sha256
        )

    def _write_sidecar(self, file: DownloadFile) -> None:
        record = {
            "url": file.url(self.base_url),
            "sha256": file.sha256,
            "file": file.file,
            "size": file.size,
        }
        temp = self.sidecar_path(file).with_suffix(".tmp")
        temp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(temp, self.sidecar_path(file))

    def _check_space(self, name: str, need: int) -> None:
        free = self._free_space(self.models_dir)
        if need + SPACE_MARGIN > free:
            raise HearthError(
                f"Not enough disk space for {name}: it needs {format_bytes(need)} more, but "
                f"only {format_bytes(free)} is free in {self.models_dir}. Free some space and "
                "try again."
            )

    # ------------------------------------------------------------------ the job

    def download(
        self, file: DownloadFile, cancelled: Callable[[], bool] = lambda: False
    ) -> Iterator[DownloadEvent]:
        """Fetch ``file``; yields events, ends with ``DownloadFinished``.

        Raises:
            Cancelled: ``cancelled()`` became true (the part is kept: resume later).
            HearthError: no published hash known, no space, the server refused (404, 401…),
                the connection failed repeatedly (the part is kept), or the hash did not
                match (the part is deleted); one sentence each.
        """
        if file.sha256 is None:
            raise HearthError(
                f"Hearth does not know the published SHA-256 of {file.file}, so it will not "
                "download it: a file it cannot check is never made usable."
            )
        try:
            self.models_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise HearthError(
                f"Cannot create the models folder {self.models_dir}: {exc.strerror}."
            ) from exc
        with _exclusive(self.models_dir / (file.target_name + LOCK_SUFFIX), file.target_name):
            yield from self._download(file, cancelled)

    def _download(
        self, file: DownloadFile, cancelled: Callable[[], bool]
    ) -> Iterator[DownloadEvent]:
        name = file.target_name
        assert file.sha256 is not None
        started = time.monotonic()
        target = self.target(file)
        if target.exists():
            if _sha256_of(target) == file.sha256:
                size = target.stat().st_size
                yield DownloadFinished(name, target, size, 0, size, 0.0, already_present=True)
                return
            raise HearthError(
                f"A different file called {name} is already in {self.models_dir}; move it away "
                "to download this one."
            )

        part = self.part_path(file)
        if not self._sidecar_matches(file):
            self.discard(file)
        resumed_from = part.stat().st_size if part.exists() else 0
        self._check_space(name, max(file.size - resumed_from, 0))
        self._write_sidecar(file)

        state = _State(hashlib.sha256(), resumed_from)
        if resumed_from:
            _hash_into(state.hasher, part)  # the resume overhead: earlier bytes are read once
        fetched = 0
        failures = 0
        url = file.url(self.base_url)
        with self._client() as client:
            while True:
                if cancelled():
                    raise Cancelled()
                try:
                    for event in self._fetch(client, file, url, state, cancelled):
                        if isinstance(event, DownloadStarted):
                            resumed_from = min(resumed_from, state.offset)
                            yield DownloadStarted(name, url, event.total, resumed_from)
                        else:
                            yield event
                    break
                except _Restart:
                    state = _State(hashlib.sha256(), 0)
                    resumed_from = 0
                    part.unlink(missing_ok=True)
                    failures += 1
                    if failures > self._retries:
                        raise HearthError(
                            f"{self.host} could not serve {file.file} consistently; "
                            "try again later."
                        ) from None
                except _Interrupted as exc:
                    failures += 1
                    now = part.stat().st_size if part.exists() else 0
                    fetched += now - state.offset
                    state.offset = now
                    if failures > self._retries:
                        raise HearthError(
                            f"The download of {name} from {self.host} was interrupted ({exc}). "
                            f"{format_bytes(now)} are kept; start it again to continue "
                            "where it stopped."
                        ) from None
                    _wait(self._backoff * 2 ** (failures - 1), cancelled)
            now = part.stat().st_size
            fetched += now - state.offset

        yield DownloadVerifying(name, now)
        if state.hasher.hexdigest() != file.sha256:
            self.discard(file)
            raise HearthError(
                f"{name} arrived, but its SHA-256 does not match the published one, so it was "
                "deleted and not added. The source may have changed the file; try again later."
            )
        _fsync(part)
        os.replace(part, target)
        _fsync_dir(self.models_dir)
        self.sidecar_path(file).unlink(missing_ok=True)
        yield DownloadFinished(name, target, now, fetched, resumed_from, time.monotonic() - started)

    def _client(self) -> httpx.Client:
        timeout = httpx.Timeout(self._timeout, connect=min(self._timeout, 15.0))
        return httpx.Client(
            timeout=timeout,
            follow_redirects=True,  # the Hub answers with a redirect to its file CDN
            headers={"Accept-Encoding": "identity", "User-Agent": "Hearth"},
            transport=self._transport,
        )

    def _fetch(
        self,
        client: httpx.Client,
        file: DownloadFile,
        url: str,
        state: _State,
        cancelled: Callable[[], bool],
    ) -> Iterator[DownloadEvent]:
        """One request for the bytes from ``state.offset`` on, appended to the part.

        ``state.offset`` stays where the request started (the caller measures what came);
        a server that ignores ``Range`` sends the whole file: the part is restarted from it.
        """
        name = file.target_name
        offset = state.offset
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        try:
            with client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status == 416 and offset:
                    raise _Restart()
                self._raise_for_status(file, status)
                if offset and status == 200:  # the server ignored the Range: start over
                    state.hasher = hashlib.sha256()
                    state.offset = offset = 0
                elif status == 206 and _range_start(response) != offset:
                    raise _Restart()
                length = response.headers.get("Content-Length")
                total = offset + int(length) if length and length.isdigit() else file.size
                self._check_space(name, total - offset)
                yield DownloadStarted(name, url, total, offset)
                done = offset
                with self.part_path(file).open("ab" if offset else "wb") as out:
                    for chunk in response.iter_bytes(self._chunk):
                        if cancelled():
                            out.flush()
                            raise Cancelled()
                        out.write(chunk)
                        state.hasher.update(chunk)
                        done += len(chunk)
                        yield DownloadProgress(name, done, total)
                    out.flush()
                if done < total:
                    raise _Interrupted(
                        f"the server sent {format_bytes(done)} of {format_bytes(total)}"
                    )
        except httpx.TransportError as exc:
            raise _Interrupted(_transport_reason(exc)) from None
        except OSError as exc:
            raise HearthError(
                f"Could not write {name} to {self.models_dir}: {exc.strerror}."
            ) from exc

    def _raise_for_status(self, file: DownloadFile, status: int) -> None:
        if status < 400:
            return
        if status == 404:
            raise HearthError(
                f"{file.file} was not found at {self.host} (HTTP 404): the repository "
                f"{file.repo} may have moved or removed it."
            )
        if status in (401, 403):
            raise HearthError(
                f"{self.host} refused {file.file} (HTTP {status}): the repository {file.repo} "
                "asks you to accept its licence and sign in first."
            )
        raise HearthError(f"{self.host} answered HTTP {status} for {file.file}; try again later.")


@contextlib.contextmanager
def _exclusive(lock_path: Path, name: str) -> Iterator[None]:
    """Hold ``lock_path`` while one download of ``name`` runs, so a second Hearth window (or
    process) cannot write into the same part; the lock file is removed afterwards."""
    try:
        handle = lock_path.open("a+")
    except OSError as exc:
        raise HearthError(f"Cannot write in {lock_path.parent}: {exc.strerror}.") from exc
    try:
        if fcntl is not None:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                raise HearthError(
                    f"{name} is already being downloaded by another Hearth window."
                ) from None
        try:
            yield
        finally:
            lock_path.unlink(missing_ok=True)
    finally:
        handle.close()


def _wait(seconds: float, cancelled: Callable[[], bool]) -> None:
    """Sleep before a retry, waking early when the user pauses or cancels."""
    deadline = time.monotonic() + seconds
    while not cancelled() and (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, 0.1))
    if cancelled():
        raise Cancelled()


def _range_start(response: httpx.Response) -> int | None:
    value = response.headers.get("Content-Range", "")
    try:
        unit, rest = value.split(" ", 1)
        return int(rest.split("-", 1)[0]) if unit == "bytes" else None
    except ValueError:
        return None


def _transport_reason(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "the server could not be reached"
    if isinstance(exc, httpx.TimeoutException):
        return "the server stopped answering"
    return "the connection was cut"


def _hash_into(hasher: Any, path: Path) -> None:
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            hasher.update(block)


def _sha256_of(path: Path) -> str:
    hasher = hashlib.sha256()
    _hash_into(hasher, path)
    return hasher.hexdigest()


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
