"""The shipped desktop files: valid for the freedesktop tools, consistent with each other and
with pyproject's version."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from pathlib import Path

import pytest

from engine import resources

ROOT = Path(__file__).resolve().parents[2]
REQUIRED_TYPES = {
    "image/png",
    "image/jpeg",
    "image/webp",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/epub+zip",
    "text/plain",
    "text/markdown",
    "text/html",
}


def desktop_types() -> set[str]:
    entry = ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(resources.desktop_entry(), encoding="utf-8")
    return {t for t in entry["Desktop Entry"]["MimeType"].split(";") if t}


def metainfo() -> ET.Element:
    return ET.parse(resources.metainfo()).getroot()


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="apt-get install appstream")
def test_metainfo_passes_appstreamcli_validate() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", "--explain", str(resources.metainfo())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None, reason="apt-get install desktop-file-utils"
)
def test_desktop_entry_passes_desktop_file_validate() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(resources.desktop_entry())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_open_with_covers_images_and_documents() -> None:
    assert desktop_types() >= REQUIRED_TYPES


def test_metainfo_agrees_with_the_desktop_entry_and_pyproject() -> None:
    root = metainfo()
    assert root.findtext("id") == resources.APP_ID
    assert root.find("launchable").text == f"{resources.APP_ID}.desktop"  # type: ignore[union-attr]
    provided = {node.text for node in root.iter("mediatype")}
    assert provided == desktop_types()
    newest = root.find("releases/release")
    assert newest is not None
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert newest.get("version") == project["version"]
    assert root.findtext("project_license") == project["license"]


def test_the_gguf_mime_type_matches_the_files_hearth_reads() -> None:
    namespace = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    root = ET.parse(resources.mime_package()).getroot()
    (mime,) = root.findall("m:mime-type", namespace)
    assert mime.get("type") == "application/x-gguf"
    assert mime.find("m:glob", namespace).get("pattern") == "*.gguf"  # type: ignore[union-attr]
    match = mime.find("m:magic/m:match", namespace)
    assert match is not None and match.get("value") == "GGUF" and match.get("offset") == "0"
    assert "application/x-gguf" in desktop_types()


def test_icons_exist_at_every_size() -> None:
    svg = resources.icon_svg().read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for size in resources.ICON_SIZES:
        data = resources.icon_png(size).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (size, size)
