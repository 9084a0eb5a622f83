"""Hearth's tiles against the real Hugging Face Gemma 3 image processor, pixel for pixel.

The reference is ``transformers``' ``Gemma3ImageProcessorPil`` (PIL backend, no torch) with
``do_pan_and_scan=True`` and Gemma 3's settings (minimum crop 256, at most 4 crops, activation
ratio 1.2, 896x896 bilinear). Hearth hands llama.cpp 8-bit RGB tiles and llama.cpp normalises
them itself, so the tiles are compared at the reference's uint8 stage (resized, before
rescale/normalise), and once more after the reference's own normalisation.

The pictures are real files (JPEG and PNG) with photographic content: gradients, noise, shapes
and a little blur, in the aspect ratios that matter: square (no crops), landscape 3:1 and
portrait 1:3 (crops), a small one (upscaled crops), one just below the activation ratio, and an
EXIF-rotated camera JPEG. The approximate fast JPEG decode is measured against the same
reference and printed (``pytest -s``) for the record; it is not required to be exact.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageOps
from transformers import Gemma3ImageProcessorPil

from engine.vision.pan_scan import TILE_SIZE
from engine.vision.tiles import TileSet, make_tiles

GEMMA3_PAN_AND_SCAN = {
    "do_pan_and_scan": True,
    "pan_and_scan_min_crop_size": 256,
    "pan_and_scan_max_num_crops": 4,
    "pan_and_scan_min_ratio_to_activate": 1.2,
    "size": {"height": TILE_SIZE, "width": TILE_SIZE},
    "resample": Image.Resampling.BILINEAR,
}

_ORIENTATION = 0x0112


def photographic(width: int, height: int, seed: int) -> Image.Image:
    """Smooth gradients, sensor-like noise, hard-edged shapes and a slight blur."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    red = 128 + 100 * np.sin(x / width * 9.4 + seed)
    green = 128 + 100 * np.cos(y / height * 12.6)
    blue = 255 * (x + y) / (width + height)
    pixels = np.stack([red, green, blue], axis=-1)
    pixels += rng.normal(0, 12, pixels.shape).astype(np.float32)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    short = min(width, height)
    for _ in range(40):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        side = int(rng.integers(max(4, short // 40), max(8, short // 6)))
        colour = (int(rng.integers(0, 256)), int(rng.integers(0, 256)), int(rng.integers(0, 256)))
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x0 + side, y0 + side), fill=colour)
        else:
            draw.rectangle((x0, y0, x0 + side, y0 + side // 2), fill=colour)
    return image.filter(ImageFilter.GaussianBlur(1.2))


@dataclass(frozen=True)
class Case:
    name: str
    width: int
    height: int
    fmt: str
    crops: int
    exif_orientation: int = 1


CASES = [
    Case("square-4000", 4000, 4000, "JPEG", 0),
    Case("square-4000", 4000, 4000, "PNG", 0),
    Case("landscape-3000x1000", 3000, 1000, "JPEG", 3),
    Case("landscape-3000x1000", 3000, 1000, "PNG", 3),
    Case("portrait-800x2400", 800, 2400, "JPEG", 3),
    Case("portrait-800x2400", 800, 2400, "PNG", 3),
    Case("small-600x400", 600, 400, "JPEG", 2),
    Case("small-600x400", 600, 400, "PNG", 2),
    Case("not-elongated-1190x1000", 1190, 1000, "JPEG", 0),
    Case("not-elongated-1190x1000", 1190, 1000, "PNG", 0),
    # Stored 2400 wide, 1200 high; displayed upright as 1200x2400 (a phone held upright).
    Case("exif-rotated-2400x1200", 2400, 1200, "JPEG", 2, exif_orientation=6),
]


def _write(case: Case, directory: Path) -> Path:
    image = photographic(case.width, case.height, seed=case.width + case.height)
    path = directory / f"{case.name}.{case.fmt.lower()}"
    if case.fmt == "JPEG":
        exif = Image.Exif()
        if case.exif_orientation != 1:
            exif[_ORIENTATION] = case.exif_orientation
        image.save(path, "JPEG", quality=92, exif=exif.tobytes())
    else:
        image.save(path, "PNG", compress_level=1)
    return path


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    directory = tmp_path_factory.mktemp("pan-and-scan-reference")
    return {(case.name, case.fmt): _write(case, directory) for case in CASES}


@pytest.fixture(scope="module")
def processor() -> Gemma3ImageProcessorPil:
    return Gemma3ImageProcessorPil()


def reference_input(path: Path) -> Image.Image:
    """What a Hugging Face user feeds the processor: the file opened with PIL, made upright."""
    with Image.open(path) as opened:
        upright = ImageOps.exif_transpose(opened)
        upright.load()
    return upright


def reference_tiles(
    processor: Gemma3ImageProcessorPil, image: Image.Image, **options: object
) -> tuple[list[np.ndarray], list[int]]:
    """The reference's images for one picture, channels first, and its crop count."""
    out = processor(image, return_tensors=None, **GEMMA3_PAN_AND_SCAN, **options)
    return [np.asarray(item) for item in out["pixel_values"]], list(out["num_crops"])


def hearth_tiles(tiles: TileSet) -> list[np.ndarray]:
    """Hearth's tiles, channels first like the reference's."""
    return [np.moveaxis(np.asarray(tile.image()), -1, 0) for tile in tiles.tiles]


def _ids(case: Case) -> str:
    return f"{case.name}-{case.fmt.lower()}"


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_tiles_equal_the_reference_pixel_for_pixel(
    case: Case, pictures: dict[tuple[str, str], Path], processor: Gemma3ImageProcessorPil
) -> None:
    path = pictures[(case.name, case.fmt)]
    tiles = make_tiles(path)
    reference, num_crops = reference_tiles(
        processor, reference_input(path), do_rescale=False, do_normalize=False
    )
    assert num_crops == [case.crops]
    assert tiles.tile_count == len(reference) == 1 + case.crops
    assert tiles.decoded_size == tiles.source_size  # nothing decoded at reduced size
    for index, (ours, theirs) in enumerate(zip(hearth_tiles(tiles), reference, strict=True)):
        assert theirs.dtype == np.uint8 and theirs.shape == (3, TILE_SIZE, TILE_SIZE)
        difference = np.abs(ours.astype(np.int16) - theirs.astype(np.int16))
        assert int(difference.max()) == 0, f"tile {index}: {int(np.count_nonzero(difference))} px"


def test_tiles_equal_the_reference_after_its_normalisation(
    pictures: dict[tuple[str, str], Path], processor: Gemma3ImageProcessorPil
) -> None:
    """The encoder's actual input: (x / 255 - 0.5) / 0.5, float32, as the reference makes it."""
    path = pictures[("landscape-3000x1000", "JPEG")]
    ours = hearth_tiles(make_tiles(path))
    normalised, num_crops = reference_tiles(processor, reference_input(path))
    assert num_crops == [3] and len(normalised) == len(ours)
    for tile, theirs in zip(ours, normalised, strict=True):
        assert theirs.dtype == np.float32
        assert float(theirs.min()) >= -1.0 and float(theirs.max()) <= 1.0
        expected = (tile.astype(np.float32) / 255.0 - 0.5) / 0.5
        # One 8-bit level is 2/255 = 0.0078 here; float rounding is below 1e-6.
        assert float(np.abs(theirs - expected).max()) < 1e-6
        assert np.array_equal(np.rint((theirs + 1.0) * 127.5).astype(np.uint8), tile)


@dataclass(frozen=True)
class Approximation:
    mean: float
    p99: float
    max: int
    exact_ms: float
    approximate_ms: float
    decoded: tuple[int, int]


def _median_ms(action: object, repeat: int = 3) -> float:
    assert callable(action)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000.0)
    return float(np.median(times))


def measure_approximation(path: Path, processor: Gemma3ImageProcessorPil) -> Approximation:
    fast = make_tiles(path, fast_jpeg_decode_approximate=True)
    reference, _ = reference_tiles(
        processor, reference_input(path), do_rescale=False, do_normalize=False
    )
    deltas = np.concatenate(
        [
            np.abs(ours.astype(np.int16) - theirs.astype(np.int16)).ravel()
            for ours, theirs in zip(hearth_tiles(fast), reference, strict=True)
        ]
    )
    return Approximation(
        mean=float(deltas.mean()),
        p99=float(np.percentile(deltas, 99)),
        max=int(deltas.max()),
        exact_ms=_median_ms(lambda: make_tiles(path)),
        approximate_ms=_median_ms(lambda: make_tiles(path, fast_jpeg_decode_approximate=True)),
        decoded=fast.decoded_size,
    )


@pytest.fixture
def report(capsys: pytest.CaptureFixture[str]) -> Iterator[list[str]]:
    lines: list[str] = []
    yield lines
    with capsys.disabled():
        print("\n" + "\n".join(lines))


def test_fast_jpeg_decode_is_measured_against_the_reference(
    pictures: dict[tuple[str, str], Path],
    processor: Gemma3ImageProcessorPil,
    report: list[str],
) -> None:
    """The opt-in fast path is reduced and approximate; its error and time saved are printed."""
    square = measure_approximation(pictures[("square-4000", "JPEG")], processor)
    assert square.decoded == (1000, 1000)  # 1/4: the one 896x896 tile still gets 1000 px
    assert square.mean > 0  # not the reference's pixels, which is why it is opt-in
    saved = square.exact_ms - square.approximate_ms
    report.append(
        f"[pan-and-scan reference] 4000x4000 JPEG, approximate decode at {square.decoded}: "
        f"|diff| mean {square.mean:.3f}, p99 {square.p99:.0f}, max {square.max}; make_tiles "
        f"exact {square.exact_ms:.0f} ms, approximate {square.approximate_ms:.0f} ms "
        f"(saves {saved:.0f} ms, exact/approximate x{square.exact_ms / square.approximate_ms:.2f})"
    )
    # Where no reduction keeps 896 px per tile, the fast path decodes in full and stays exact.
    landscape = measure_approximation(pictures[("landscape-3000x1000", "JPEG")], processor)
    assert landscape.decoded == (3000, 1000) and landscape.max == 0
