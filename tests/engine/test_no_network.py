"""The default install opens no network socket: a whole local session under a socket fence.

The fence is on in this test process (``forbid_network``) and, through ``HEARTH_NO_NETWORK``,
in every child Hearth spawns (the inference worker and the document sandbox fence themselves at
their entry, below ``socket.socket`` too). Only AF_UNIX sockets (multiprocessing's
``socketpair`` pipes) may be made. The API server is present in the code but off by default.
"""

from __future__ import annotations

import json
import multiprocessing
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine import cli
from engine.netguard import (
    NO_NETWORK_ENV,
    NetworkForbidden,
    fenced_child_probe,
    forbid_network,
    network_socket_possible,
)
from engine.settings import Settings

DATA = Path(__file__).parents[1] / "data"
PHOTO = DATA / "f3-discovery-board.jpeg"
DOCUMENT = DATA / "documents" / "sample-3-pages.pdf"


@pytest.fixture()
def fenced(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(NO_NETWORK_ENV, "1")
    undo = forbid_network()
    try:
        yield
    finally:
        undo()


def test_the_fence_blocks_network_sockets_and_allows_unix_pairs(fenced: None) -> None:
    with pytest.raises(NetworkForbidden):
        socket.socket()
    assert network_socket_possible()  # this process: socket.socket is fenced, not _socket
    with pytest.raises(NetworkForbidden):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    left, right = socket.socketpair()
    left.close()
    right.close()
    context = multiprocessing.get_context("spawn")
    parent, child_end = context.Pipe()
    child = context.Process(target=fenced_child_probe, args=(child_end,))
    child.start()
    child_end.close()
    assert parent.poll(60)
    assert parent.recv() is False  # even _socket itself is fenced in a spawned child
    child.join(30)
    assert child.exitcode == 0


def run_cli(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> str:
    code = cli.main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.mark.model
def test_a_full_local_session_opens_no_network_socket(
    fenced: None,
    tmp_path: Path,
    model_path: Path,
    tiny_mmproj_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert Settings().api_server_enabled is False  # the server exists but is off
    data = tmp_path / "hearth"
    model = ["--model", str(model_path), "--ctx", "4096"]
    greedy = ["--temperature", "0", "--max-tokens", "8", "--json"]
    chat = json.loads(run_cli(capsys, data, "ask", *model, *greedy, "Name a quiet river."))
    assert chat["completion_tokens"] >= 1
    follow = json.loads(
        run_cli(capsys, data, "ask", *model, *greedy, "--conversation",
                str(chat["conversation"]), "And a loud one?")
    )  # fmt: skip
    assert follow["conversation"] == chat["conversation"]  # saved and continued
    image = json.loads(
        run_cli(capsys, data, "ask", *model, *greedy, "--image", str(PHOTO),
                "--mmproj", str(tiny_mmproj_path), "--allow-text-only-vision",
                "What board is this?")
    )  # fmt: skip
    assert image["image_tiles"] >= 1
    summary = run_cli(
        capsys, data, "summarize", str(DOCUMENT), *model, "--max-tokens", "16", "--json"
    )
    assert json.loads(summary.strip().splitlines()[-1])
    found = run_cli(capsys, data, "history", "search", "river")
    assert "river" in found.lower()
    log = (data / "cache" / "worker.log").read_text(encoding="utf-8")
    assert "network sockets are blocked" in log  # the worker fenced itself too
    with pytest.raises(NetworkForbidden):
        socket.socket(socket.AF_INET6, socket.SOCK_STREAM)  # still fenced at the end
