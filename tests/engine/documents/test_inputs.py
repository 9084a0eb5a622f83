"""Path hygiene: what is refused before anything is opened, with one sentence each."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from engine.documents import DocumentError, extract_unsafe
from engine.documents.inputs import check_path, open_checked, open_untrusted


def _refusal(path: Path, **kwargs: object) -> str:
    with pytest.raises(DocumentError) as caught:
        check_path(path, **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message
    assert message.endswith(".")
    return message


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.touch()
    assert _refusal(empty) == "empty.txt is empty."


def test_a_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    assert _refusal(folder) == "folder.pdf is a folder, not a document."


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    started = time.monotonic()

    assert _refusal(fifo) == "pipe.txt is a named pipe (FIFO), not a document."
    with pytest.raises(DocumentError, match="named pipe"):
        extract_unsafe(fifo)

    assert time.monotonic() - started < 2


def test_a_device_is_refused() -> None:
    assert _refusal(Path("/dev/zero")) == "zero is a device, not a document."


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert _refusal(tmp_path / "gone.pdf") == (
        "gone.pdf does not exist (it may have been moved or deleted)."
    )


def test_a_file_deleted_after_the_check_is_refused_at_open(tmp_path: Path) -> None:
    path = tmp_path / "brief.txt"
    path.write_text("here now")
    checked = check_path(path)
    path.unlink()

    with pytest.raises(DocumentError, match="does not exist"):
        open_checked(checked)


def test_a_file_swapped_after_the_check_is_refused_at_open(tmp_path: Path) -> None:
    path = tmp_path / "swap.txt"
    path.write_text("original")
    checked = check_path(path)
    replacement = tmp_path / "other.txt"
    replacement.write_text("replacement")
    os.replace(replacement, path)

    with pytest.raises(DocumentError, match="changed while it was being opened"):
        open_checked(checked)


def test_a_too_large_sparse_file_is_refused_without_reading(tmp_path: Path) -> None:
    sparse = tmp_path / "huge.txt"
    with sparse.open("wb") as handle:
        handle.truncate(10 * 1024**3)  # 10 GB, no blocks allocated
    assert _refusal(sparse) == "huge.txt is too large (10,240 MB; the limit is 256 MB)."
    assert "limit is 1 MB" in _refusal(sparse, max_bytes=1024 * 1024)


def test_symlinks_are_followed_only_to_regular_files_inside_the_allowed_root(
    tmp_path: Path,
) -> None:
    root = tmp_path / "chosen"
    root.mkdir()
    inside = root / "notes.txt"
    inside.write_text("inside text")
    outside = tmp_path / "private.key"
    outside.write_text("secret")
    (root / "link-inside.txt").symlink_to(inside)
    (root / "link-outside.txt").symlink_to(outside)

    checked = check_path(root / "link-inside.txt", allowed_root=root)
    assert checked.real == inside.resolve()
    assert extract_unsafe(root / "link-inside.txt", allowed_root=root).text == "inside text"

    message = _refusal(root / "link-outside.txt", allowed_root=root)
    assert message.startswith("link-outside.txt is a link to a file outside the folder")
    with pytest.raises(DocumentError, match="outside the folder"):
        extract_unsafe(root / "link-outside.txt", allowed_root=root)
    # Without an allowed root, a link to a regular file is followed.
    assert check_path(root / "link-outside.txt").real == outside.resolve()


def test_a_file_under_a_symlinked_folder_is_checked_by_its_real_path(tmp_path: Path) -> None:
    root = tmp_path / "chosen"
    root.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "doc.txt").write_text("x")
    (root / "sub").symlink_to(elsewhere, target_is_directory=True)

    assert "outside the folder" in _refusal(root / "sub" / "doc.txt", allowed_root=root)


def test_broken_and_looping_links_and_links_to_pipes(tmp_path: Path) -> None:
    (tmp_path / "broken.txt").symlink_to(tmp_path / "nothing-here")
    assert _refusal(tmp_path / "broken.txt") == (
        "broken.txt is a broken link: the file it points to does not exist."
    )
    (tmp_path / "loop-a").symlink_to(tmp_path / "loop-b")
    (tmp_path / "loop-b").symlink_to(tmp_path / "loop-a")
    assert _refusal(tmp_path / "loop-a") == "loop-a is a link that loops back on itself."
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "to-fifo.txt").symlink_to(tmp_path / "fifo")
    assert _refusal(tmp_path / "to-fifo.txt") == (
        "to-fifo.txt is a link to a named pipe (FIFO), not a document."
    )


def test_open_untrusted_returns_a_readable_handle(tmp_path: Path) -> None:
    path = tmp_path / "ok.txt"
    path.write_bytes(b"content")
    checked, handle = open_untrusted(path)
    with handle:
        assert handle.read() == b"content"
    assert checked.size == 7
    assert checked.name == "ok.txt"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files regardless of permissions")
def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("x")
    path.chmod(0)
    with pytest.raises(DocumentError, match="permission denied"):
        extract_unsafe(path)
