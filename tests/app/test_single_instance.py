"""Single instance for real: this test process is the running Hearth (real window, real local
socket); a second ``python -m app FILE`` process hands its files over and exits 0."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtNetwork import QLocalSocket
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import single_instance
from app.main import attach_file_open_events, attach_instance, claim_instance
from app.single_instance import InstanceServer, claim, decode_message, encode_message, server_name
from engine.paths import AppPaths

from .conftest import WindowFactory, load_pdf_builder

ROOT = Path(__file__).resolve().parents[2]


def launch(data_dir: Path, *files: Path, cwd: Path | None = None) -> subprocess.Popen[str]:
    """A second Hearth launched the way a file manager does: ``hearth FILE...``."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), *map(str, files)],
        cwd=cwd or ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(qtbot: QtBot, process: subprocess.Popen[str]) -> tuple[int, str]:
    """Run this process's event loop (the first instance answers from it) until the second
    launch exits."""
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=60000)
    _out, err = process.communicate()
    return process.returncode, err


@pytest.fixture()
def running(
    qtbot: QtBot, qapp: QApplication, make_window: WindowFactory, data_paths: AppPaths
) -> object:
    server = claim_instance(qapp, data_paths, [])
    assert server is not None and server.server.isListening()
    window = make_window(wait=False)
    attach_instance(server, window)
    yield window
    server.close()


def test_a_second_launch_hands_its_image_to_the_first_window(
    qtbot: QtBot, running: object, data_paths: AppPaths, real_photo: Path, tmp_path: Path
) -> None:
    window = running
    assert not window.composer.images  # type: ignore[attr-defined]
    window.showMinimized()  # type: ignore[attr-defined]
    # A relative path, resolved against the second launch's working directory.
    work = tmp_path / "photos"
    work.mkdir()
    (work / "board.jpeg").write_bytes(real_photo.read_bytes())
    code, err = finish(qtbot, launch(data_paths.data_dir, Path("board.jpeg"), cwd=work))
    assert code == 0, err
    qtbot.waitUntil(lambda: bool(window.composer.images), timeout=10000)  # type: ignore[attr-defined]
    (image,) = window.composer.images  # type: ignore[attr-defined]
    assert image.name == "board.jpeg"
    assert not window.isMinimized()  # type: ignore[attr-defined]


def test_a_document_and_a_missing_file(
    qtbot: QtBot, running: object, data_paths: AppPaths, tmp_path: Path
) -> None:
    window = running
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(load_pdf_builder().build_pdf([["The hearth keeps the house warm."]]))
    missing = tmp_path / "gone.png"
    code, err = finish(qtbot, launch(data_paths.data_dir, pdf, missing))
    assert code == 0, err
    qtbot.waitUntil(lambda: bool(window.documents.cards), timeout=10000)  # type: ignore[attr-defined]
    assert [card.document.path for card in window.documents.cards] == [pdf]  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: "gone.png" in window.notice.text(),  # type: ignore[attr-defined]
        timeout=10000,
    )


def test_another_data_directory_is_another_instance(tmp_path: Path) -> None:
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert server_name(tmp_path / "a") == server_name(tmp_path / "x" / ".." / "a")
    assert len(os.path.join(QDir.tempPath(), server_name(tmp_path))) < 100  # sun_path limit


def test_the_socket_is_private_to_the_user(qapp: QApplication, tmp_path: Path) -> None:
    server = claim(server_name(tmp_path), [], tmp_path / "instance.lock")
    assert server is not None
    try:
        mode = stat.S_IMODE(os.stat(server.full_path()).st_mode)
        assert mode & 0o077 == 0, oct(mode)
    finally:
        server.close()


def test_a_stale_socket_after_a_crash_is_replaced(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    name = server_name(tmp_path)
    path = os.path.join(QDir.tempPath(), name)
    # What a killed Hearth leaves: a bound socket file nobody listens on.
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(path)
    dead.close()
    assert os.path.exists(path)
    server = claim(name, [], tmp_path / "instance.lock")
    assert server is not None and server.server.isListening() and server.removed_stale
    try:
        received: list[list[Path]] = []
        server.files_received.connect(received.append)
        other = tmp_path / "x.txt"
        other.write_text("hello")
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; from PySide6.QtCore import "
                "QCoreApplication; app = QCoreApplication([]); from app.single_instance "
                "import hand_over; sys.exit(0 if hand_over(sys.argv[1], [Path(sys.argv[2])]) "
                "else 3)",
                name,
                str(other),
            ],
            cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            stderr=subprocess.PIPE,
            text=True,
        )
        code, err = finish(qtbot, process)
        assert code == 0, err
        assert received == [[other]]
    finally:
        server.close()


def test_the_lock_of_a_killed_instance_is_taken_over(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = tmp_path / "instance.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from PySide6.QtCore import QLockFile; lock = QLockFile(sys.argv[1]);"
            " assert lock.tryLock(0); print('locked', flush=True); time.sleep(120)",
            str(lock),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        monkeypatch.setattr(single_instance, "STARTUP_WAIT_MS", 300)
        with pytest.raises(single_instance.InstanceNotResponding):
            # Alive but not listening: a later launch gives up with a clear error.
            claim(server_name(tmp_path), [], lock)
    finally:
        holder.kill()  # what a crash leaves: the lock file of a dead process
        holder.wait()
    assert lock.exists()
    server = claim(server_name(tmp_path), [], lock)
    assert server is not None and server.server.isListening()
    server.close()
    assert not lock.exists()


def test_a_malformed_message_is_refused_and_ignored(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    server = InstanceServer(server_name(tmp_path))
    assert server.listen()
    received: list[object] = []
    server.files_received.connect(received.append)
    try:
        client = QLocalSocket()
        client.connectToServer(server.name)
        assert client.waitForConnected(5000)
        client.write(b'{"hearth": 99, "files": ["/etc/passwd"]}\n')
        client.flush()
        reply = b""
        qtbot.waitUntil(lambda: client.bytesAvailable() > 0, timeout=5000)
        reply += bytes(client.readAll().data())
        assert reply == b'{"ok": false}\n'
        assert received == []
    finally:
        server.close()


def test_message_round_trip(tmp_path: Path) -> None:
    files = [tmp_path / "a b.png", tmp_path / "ünï.pdf"]
    data = encode_message(files)
    assert data.endswith(b"\n") and data.count(b"\n") == 1
    assert decode_message(data.rstrip(b"\n")) == files
    for bad in (
        b"",
        b"[]",
        b'{"hearth": 1, "files": "x"}',
        b'{"hearth": 1, "files": [1]}',
        b"\xff",
    ):
        assert decode_message(bad) is None


def test_nobody_listening_means_no_hand_over(qapp: QApplication, tmp_path: Path) -> None:
    assert single_instance.hand_over(server_name(tmp_path / "nobody"), []) is False


def test_a_file_open_event_reaches_the_window(
    qtbot: QtBot, qapp: QApplication, running: object, real_photo: Path
) -> None:
    # How macOS Finder's "Open with" arrives: an event to the application, not argv.
    window = running
    assert not window.composer.images  # type: ignore[attr-defined]
    events = attach_file_open_events(qapp, window)  # type: ignore[arg-type]
    try:
        QApplication.sendEvent(qapp, QFileOpenEvent(str(real_photo)))
        qtbot.waitUntil(lambda: bool(window.composer.images), timeout=10000)  # type: ignore[attr-defined]
    finally:
        qapp.removeEventFilter(events)
    assert window.composer.images[0].name == real_photo.name  # type: ignore[attr-defined]
