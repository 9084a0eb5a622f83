"""``hearth-cli tiles``: the Pan & Scan plan of an image as text or JSON, tiles written as PNGs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from engine.cli import main

REAL_PHOTO = Path(__file__).resolve().parents[2] / "data" / "f3-discovery-board.jpeg"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["tiles", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_png(path: Path, width: int, height: int) -> Path:
    Image.new("RGB", (width, height), (20, 120, 220)).save(path, "PNG")
    return path


def test_json_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = write_png(tmp_path / "wide.png", 1920, 1080)
    code, out, err = run(capsys, str(image), "--json")
    assert code == 0 and err == ""
    report = json.loads(out)
    assert {k: report[k] for k in ("width", "height", "crops", "tiles", "image_tokens")} == {
        "width": 1920,
        "height": 1080,
        "crops": [[0, 0, 960, 1080], [960, 0, 1920, 1080]],
        "tiles": 3,
        "image_tokens": 768,
    }
    assert report["mode"] == "auto" and len(report["tile_sha256"]) == 3


def test_mode_off_text_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = write_png(tmp_path / "tall.png", 800, 2400)
    code, out, _ = run(capsys, str(image), "--mode", "off")
    assert code == 0
    assert "800x2400 PNG, mode off" in out
    assert "1 tiles, 256 image tokens" in out


def test_write_dir_with_zoom(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "tiles"
    code, out, _ = run(
        capsys, str(REAL_PHOTO), "--json", "--write-dir", str(out_dir), "--zoom", "0,0,100,100"
    )
    assert code == 0
    report = json.loads(out)
    assert report["tiles"] == 4 and report["zoom"] == [0, 0, 100, 100]
    names = sorted(path.name for path in out_dir.iterdir())
    assert names == [
        "tile-00-full.png",
        "tile-01-crop.png",
        "tile-02-crop.png",
        "tile-03-zoom.png",
    ]
    with Image.open(out_dir / "tile-03-zoom.png") as tile:
        assert tile.size == (896, 896) and tile.mode == "RGB"


def test_bad_images_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "document.png"
    fake.write_bytes(b"8BPS" + bytes(100))
    code, out, err = run(capsys, str(fake))
    assert code == 2 and out == ""
    assert err.startswith("hearth-cli: document.png is a Photoshop document")
    assert err.count("\n") == 1

    buffer = io.BytesIO()
    Image.new("RGB", (300, 200)).save(buffer, "JPEG")
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(buffer.getvalue()[:200])
    code, _, err = run(capsys, str(cut))
    assert code == 2 and "damaged" in err


def test_bad_zoom_argument(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = write_png(tmp_path / "a.png", 100, 100)
    with pytest.raises(SystemExit):
        main(["tiles", str(image), "--zoom", "1,2,3"])
    code, _, err = run(capsys, str(image), "--zoom", "200,200,300,300")
    assert code == 2 and "zoom box" in err


def test_fast_jpeg_approximate_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    photo = tmp_path / "square.jpg"
    Image.radial_gradient("L").resize((2000, 2000)).convert("RGB").save(photo, "JPEG")
    code, out, _ = run(capsys, str(photo), "--json")
    assert code == 0 and json.loads(out)["decoded_size"] == [2000, 2000]  # exact by default
    code, out, _ = run(capsys, str(photo), "--json", "--fast-jpeg-approximate")
    assert code == 0 and json.loads(out)["decoded_size"] == [1000, 1000]
