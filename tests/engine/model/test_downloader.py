"""Downloads against a real HTTP server on 127.0.0.1 serving the real bundled GGUF bytes:
happy path, a cut mid-file then resume (only the rest is fetched), a restart, pause, a wrong
hash, no space, 404, a server that ignores Range."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.errors import Cancelled, HearthError
from engine.model.bundled import sha256_file
from engine.model.download_catalog import DownloadFile
from engine.model.downloader import (
    Downloader,
    DownloadFinished,
    DownloadProgress,
    DownloadStarted,
)
from engine.model.references import validate_model_file
from tests.engine.model.file_server import FileServer, serve

REPO = "test-org/tiny-GGUF"
URL_PATH = f"/{REPO}/resolve/main/gemma-3-270m.gguf"
CHUNK = 1 << 16


@pytest.fixture(scope="module")
def model_sha(model_path: Path) -> str:
    return sha256_file(model_path)


def entry(model_path: Path, sha: str | None, name: str = "gemma-3-270m.gguf") -> DownloadFile:
    return DownloadFile(REPO, "main", name, model_path.stat().st_size, sha, size_exact=True)


@pytest.fixture()
def server(model_path: Path) -> Iterator[FileServer]:
    with serve({URL_PATH: model_path}) as running:
        yield running


def run(downloader: Downloader, file: DownloadFile, **kw: object) -> list[object]:
    return list(downloader.download(file, **kw))  # type: ignore[arg-type]


def test_happy_path_verifies_and_renames_atomically(
    tmp_path: Path, server: FileServer, model_path: Path, model_sha: str
) -> None:
    models = tmp_path / "models"
    downloader = Downloader(models, server.base_url, chunk_size=CHUNK)
    events = run(downloader, entry(model_path, model_sha))
    finished = events[-1]
    assert isinstance(finished, DownloadFinished) and not finished.already_present
    assert finished.path == models / "gemma-3-270m.gguf"
    assert sha256_file(finished.path) == model_sha
    assert finished.fetched == finished.size == model_path.stat().st_size
    started = next(e for e in events if isinstance(e, DownloadStarted))
    assert started.total == finished.size and started.resumed_from == 0
    progress = [e.done for e in events if isinstance(e, DownloadProgress)]
    assert progress == sorted(progress) and progress[-1] == finished.size
    assert sorted(p.name for p in models.iterdir()) == ["gemma-3-270m.gguf"]  # no .part left
    validate_model_file(finished.path)  # a real, usable GGUF
    assert [(s.range_start, s.status) for s in server.log] == [(None, 200)]
    # Asking again finds the verified file: no byte is fetched.
    again = run(downloader, entry(model_path, model_sha))
    assert isinstance(again[-1], DownloadFinished) and again[-1].already_present
    assert len(server.log) == 1


def test_a_cut_connection_resumes_and_fetches_only_the_rest(
    tmp_path: Path, server: FileServer, model_path: Path, model_sha: str
) -> None:
    size = model_path.stat().st_size
    server.cut_after = [size // 3]
    downloader = Downloader(tmp_path / "models", server.base_url, chunk_size=CHUNK)
    events = run(downloader, entry(model_path, model_sha))
    assert isinstance(events[-1], DownloadFinished)
    assert sha256_file(events[-1].path) == model_sha
    first, second = server.log
    assert first.range_start is None and 0 < first.sent <= size // 3
    assert second.status == 206 and second.range_start is not None
    assert 0 < second.range_start <= first.sent
    # Only the rest came over the wire the second time.
    assert second.sent == size - second.range_start
    assert server.bytes_sent - size == first.sent - second.range_start  # what the cut lost


def test_a_cut_download_resumes_after_a_restart(
    tmp_path: Path, server: FileServer, model_path: Path, model_sha: str
) -> None:
    size = model_path.stat().st_size
    server.cut_after = [size // 2]
    models = tmp_path / "models"
    first = Downloader(models, server.base_url, retries=0, chunk_size=CHUNK)
    with pytest.raises(HearthError, match=r"interrupted.*continue where it stopped"):
        run(first, entry(model_path, model_sha))
    kept = first.partial_bytes(entry(model_path, model_sha))
    assert 0 < kept <= size // 2
    assert not (models / "gemma-3-270m.gguf").exists()  # never usable half-done
    # "Restart": a new downloader (new process in real life) finds the part and its sidecar.
    second = Downloader(models, server.base_url, chunk_size=CHUNK)
    events = run(second, entry(model_path, model_sha))
    started = next(e for e in events if isinstance(e, DownloadStarted))
    finished = events[-1]
    assert isinstance(finished, DownloadFinished)
    assert started.resumed_from == kept == finished.resumed_from
    assert finished.fetched == size - kept
    assert server.log[-1].range_start == kept and server.log[-1].sent == size - kept
    assert sha256_file(finished.path) == model_sha


def test_pause_keeps_the_part_and_cancel_discards_it(
    tmp_path: Path, server: FileServer, model_path: Path, model_sha: str
) -> None:
    file = entry(model_path, model_sha)
    downloader = Downloader(tmp_path / "models", server.base_url, chunk_size=CHUNK)
    seen = 0

    def pause() -> bool:
        return seen >= 20

    with pytest.raises(Cancelled):
        for event in downloader.download(file, cancelled=pause):
            if isinstance(event, DownloadProgress):
                seen += 1
    kept = downloader.partial_bytes(file)
    assert kept >= 20 * CHUNK // 2
    downloader.discard(file)
    assert downloader.partial_bytes(file) == 0
    assert list((tmp_path / "models").iterdir()) == []


def test_a_wrong_hash_never_makes_the_file_usable(
    tmp_path: Path, server: FileServer, model_path: Path
) -> None:
    models = tmp_path / "models"
    downloader = Downloader(models, server.base_url, chunk_size=CHUNK)
    with pytest.raises(HearthError, match=r"does not match the published one.*deleted"):
        run(downloader, entry(model_path, "0" * 64))
    assert list(models.iterdir()) == []  # neither the file nor its .part remain


def test_no_space_is_refused_before_any_request(
    tmp_path: Path, server: FileServer, model_path: Path, model_sha: str
) -> None:
    free = model_path.stat().st_size // 2
    downloader = Downloader(tmp_path / "models", server.base_url, free_space=lambda _p: free)
    with pytest.raises(HearthError, match=r"Not enough disk space.*Free some space"):
        run(downloader, entry(model_path, model_sha))
    assert server.log == []  # not a single request, so not a single byte
    assert list((tmp_path / "models").iterdir()) == []


def test_a_missing_file_is_a_clear_404(tmp_path: Path, server: FileServer, model_path: Path,
                                       model_sha: str) -> None:  # fmt: skip
    downloader = Downloader(tmp_path / "models", server.base_url)
    with pytest.raises(HearthError, match=r"not found at 127\.0\.0\.1 \(HTTP 404\)"):
        run(downloader, entry(model_path, model_sha, name="no-such.gguf"))
    assert [s.status for s in server.log] == [404]
    assert not (tmp_path / "models" / "no-such.gguf").exists()


def test_unknown_hash_is_never_downloaded(tmp_path: Path, server: FileServer,
                                          model_path: Path) -> None:  # fmt: skip
    downloader = Downloader(tmp_path / "models", server.base_url)
    with pytest.raises(HearthError, match=r"does not know the published SHA-256"):
        run(downloader, entry(model_path, None))
    assert server.log == []


def test_a_server_ignoring_range_restarts_cleanly(
    tmp_path: Path, model_path: Path, model_sha: str
) -> None:
    size = model_path.stat().st_size
    with serve({URL_PATH: model_path}, cut_after=[size // 4], ignore_range=True) as server:
        downloader = Downloader(tmp_path / "models", server.base_url, chunk_size=CHUNK)
        events = run(downloader, entry(model_path, model_sha))
    assert isinstance(events[-1], DownloadFinished)
    assert sha256_file(events[-1].path) == model_sha
    assert [s.status for s in server.log] == [200, 200]


def test_unreachable_server_keeps_nothing_half_done(tmp_path: Path, model_path: Path,
                                                    model_sha: str) -> None:  # fmt: skip
    with serve({}) as server:
        base = server.base_url  # the port is free again once the server stopped
    downloader = Downloader(tmp_path / "models", base, retries=1, timeout=5)
    with pytest.raises(HearthError, match=r"could not be reached"):
        run(downloader, entry(model_path, model_sha))
    assert not (tmp_path / "models" / "gemma-3-270m.gguf").exists()


def test_a_second_download_of_the_same_file_is_refused_while_one_runs(
    tmp_path: Path, server: FileServer, model_path: Path, model_sha: str
) -> None:
    file = entry(model_path, model_sha)
    first = Downloader(tmp_path / "models", server.base_url, chunk_size=CHUNK)
    running = first.download(file)
    assert isinstance(next(running), DownloadStarted)  # holds the lock from here on
    second = Downloader(tmp_path / "models", server.base_url)
    with pytest.raises(HearthError, match="already being downloaded"):
        run(second, file)
    events = list(running)
    assert isinstance(events[-1], DownloadFinished)
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["gemma-3-270m.gguf"]
