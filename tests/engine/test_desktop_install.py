"""``hearth-cli desktop install|uninstall`` into a private XDG_DATA_HOME, checked with the real
freedesktop tools where they are installed (desktop-file-validate, gio, update-*-database)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine import resources
from engine.cli import main
from engine.desktop_install import (
    data_home,
    desktop_entry_text,
    install,
    launcher_command,
    quote_exec_argument,
)

APP_ID = resources.APP_ID


@pytest.fixture()
def xdg_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def test_data_home_follows_the_xdg_spec(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert data_home() == tmp_path
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")  # ignored, as the spec says
    assert data_home() == Path.home() / ".local" / "share"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert data_home() == Path.home() / ".local" / "share"


def test_exec_quoting() -> None:
    assert quote_exec_argument("/opt/Hearth/Hearth") == "/opt/Hearth/Hearth"
    assert quote_exec_argument("/home/a b/Hearth") == '"/home/a b/Hearth"'
    assert quote_exec_argument('/x/$HOME"q') == '"/x/\\$HOME\\"q"'
    assert quote_exec_argument("/x/100%") == "/x/100%%"


def test_launcher_in_a_venv_is_the_gui_script() -> None:
    command = launcher_command()
    assert Path(command[0]).is_absolute()
    assert command == [str(Path(sys.executable).parent / "hearth")]


def test_install_writes_every_file(xdg_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["desktop", "install"]) == 0
    assert f"under {xdg_home}" in capsys.readouterr().out
    desktop = xdg_home / "applications" / f"{APP_ID}.desktop"
    text = desktop.read_text(encoding="utf-8")
    assert f"Exec={launcher_command()[0]} %F" in text.splitlines()
    assert f"TryExec={launcher_command()[0]}" in text.splitlines()
    assert (xdg_home / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg").is_file()
    for size in resources.ICON_SIZES:
        installed = xdg_home / f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png"
        assert installed.read_bytes() == resources.icon_png(size).read_bytes()
    assert (xdg_home / "mime/packages" / f"{APP_ID}.xml").is_file()
    assert (xdg_home / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_installed_entry_is_valid_even_with_a_strange_path(tmp_path: Path) -> None:
    home = tmp_path / "data home"
    weird = str(tmp_path / 'my apps/$Hearth "1"/hearth')
    install(home, [weird])
    desktop = home / "applications" / f"{APP_ID}.desktop"
    result = subprocess.run(
        ["desktop-file-validate", str(desktop)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert desktop.read_text(encoding="utf-8") == desktop_entry_text([weird])


@pytest.mark.skipif(
    shutil.which("update-desktop-database") is None or shutil.which("gio") is None,
    reason="needs desktop-file-utils and gio to resolve 'Open with'",
)
def test_open_with_hearth_is_offered(xdg_home: Path, tmp_path: Path) -> None:
    report = install()
    assert "update-desktop-database" in report.refreshed
    cache = (xdg_home / "applications" / "mimeinfo.cache").read_text(encoding="utf-8")
    for mime in ("image/png", "image/jpeg", "image/webp", "application/pdf", "text/markdown"):
        assert any(
            line.startswith(f"{mime}=") and f"{APP_ID}.desktop" in line
            for line in cache.splitlines()
        ), mime
    env = dict(os.environ, XDG_DATA_HOME=str(xdg_home))
    result = subprocess.run(
        ["gio", "mime", "application/pdf"], capture_output=True, text=True, env=env, check=False
    )
    assert f"{APP_ID}.desktop" in result.stdout, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("update-mime-database") is None, reason="shared-mime-info")
def test_gguf_files_get_their_type(xdg_home: Path, tmp_path: Path) -> None:
    report = install()
    assert "update-mime-database" in report.refreshed
    assert (xdg_home / "mime" / "application" / "x-gguf.xml").is_file()
    if shutil.which("gio") is None:
        return
    model = tmp_path / "no-suffix-model"
    model.write_bytes(b"GGUF\x03\x00\x00\x00" + bytes(64))
    env = dict(os.environ, XDG_DATA_HOME=str(xdg_home))
    result = subprocess.run(
        ["gio", "info", "-a", "standard::content-type", str(model)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "application/x-gguf" in result.stdout, result.stdout + result.stderr


def test_uninstall_removes_only_hearths_files(
    xdg_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["desktop", "install"]) == 0
    foreign = xdg_home / "applications" / "org.example.Other.desktop"
    foreign.write_text("[Desktop Entry]\nType=Application\nName=Other\nExec=other\n")
    old_size = xdg_home / "icons/hicolor/96x96/apps" / f"{APP_ID}.png"  # an older release's
    old_size.parent.mkdir(parents=True)
    old_size.write_bytes(resources.icon_png(64).read_bytes())
    capsys.readouterr()
    assert main(["desktop", "uninstall"]) == 0
    assert "Removed" in capsys.readouterr().out
    assert foreign.is_file()
    left = [p for p in xdg_home.rglob(f"{APP_ID}*") if p.is_file()]
    assert left == []
    assert not (xdg_home / "mime" / "application" / "x-gguf.xml").exists() or (
        shutil.which("update-mime-database") is None
    )
    assert main(["desktop", "uninstall"]) == 0
    assert "nothing to remove" in capsys.readouterr().out


def test_install_into_an_unwritable_place_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    assert main(["desktop", "install", "--data-home", str(blocker / "share")]) == 2
    assert "Could not write the desktop files" in capsys.readouterr().err
