"""Safe image loading: allow-listed formats, conversions, and files that attack the decoder."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from engine.errors import HearthError
from engine.vision.errors import ImageError
from engine.vision.image_loading import (
    ImageLimits,
    decode_image,
    load_image,
    probe_image,
    read_image_bytes,
    sniff_format,
)


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def two_colour(width: int = 200, height: int = 100) -> Image.Image:
    """Left half red, right half blue."""
    image = Image.new("RGB", (width, height), (255, 0, 0))
    image.paste((0, 0, 255), (width // 2, 0, width, height))
    return image


def pixels(image: Image.Image) -> list[object]:
    return [image.getpixel((x, y)) for y in range(image.height) for x in range(image.width)]


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` (a decompression bomb's header)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


# --- formats ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("PNG", {}),
        ("JPEG", {"quality": 95}),
        ("WEBP", {"lossless": True}),
        ("GIF", {}),
        ("BMP", {}),
        ("TIFF", {}),
    ],
)
def test_allowed_formats_load_as_rgb(fmt: str, options: dict[str, object], tmp_path: Path) -> None:
    data = encode(two_colour(), fmt, **options)
    path = tmp_path / "picture.dat"  # the extension means nothing
    path.write_bytes(data)
    loaded = load_image(path)
    assert loaded.info.format == fmt
    assert loaded.image.mode == "RGB" and loaded.image.size == (200, 100)
    left, right = loaded.image.getpixel((10, 50)), loaded.image.getpixel((190, 50))
    assert isinstance(left, tuple) and isinstance(right, tuple)
    assert left[0] > 200 and left[2] < 60
    assert right[2] > 200 and right[0] < 60


def test_format_comes_from_content_not_name(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(encode(two_colour(), "PNG"))
    assert load_image(path).info.format == "PNG"
    assert sniff_format(b"GIF89a" + bytes(10)) == "GIF"
    assert sniff_format(b"RIFF\0\0\0\0WEBPVP8 ") == "WEBP"
    assert sniff_format(b"\0\0\0\x20ftypheic") is None


def test_raw_bytes_from_the_clipboard() -> None:
    loaded = load_image(encode(two_colour(), "PNG"))
    assert loaded.image.size == (200, 100)
    assert load_image(bytearray(encode(two_colour(), "BMP"))).info.format == "BMP"


def test_camera_mpo_jpeg_loads_first_picture() -> None:
    first, second = Image.new("RGB", (64, 48), (250, 0, 0)), Image.new("RGB", (64, 48), (0, 250, 0))
    data = encode(first, "MPO", save_all=True, append_images=[second])
    loaded = load_image(data)
    assert loaded.info.format == "JPEG"
    pixel = loaded.image.getpixel((5, 5))
    assert isinstance(pixel, tuple) and pixel[0] > 200


def test_animated_gif_and_multipage_tiff_use_the_first_frame() -> None:
    frames = [Image.new("RGB", (32, 32), colour) for colour in ((255, 0, 0), (0, 255, 0))]
    gif = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    tiff = encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    for data in (gif, tiff):
        loaded = load_image(data)
        assert loaded.info.n_frames == 2
        assert loaded.image.getpixel((3, 3)) == (255, 0, 0)


# --- orientation and colour conversions -----------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_exif_orientation_is_applied(fmt: str) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90 degrees clockwise to display
    data = encode(two_colour(), fmt, exif=exif.tobytes())
    info = probe_image(data)
    assert (info.width, info.height, info.orientation) == (100, 200, 6)
    loaded = load_image(data)
    assert loaded.image.size == (100, 200)
    top, bottom = loaded.image.getpixel((50, 10)), loaded.image.getpixel((50, 190))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 200 and bottom[2] > 200  # the left (red) half is now on top


def test_alpha_is_flattened_onto_white() -> None:
    image = Image.new("RGBA", (4, 2), (0, 0, 0, 0))
    image.putpixel((1, 0), (255, 0, 0, 128))
    image.putpixel((2, 0), (0, 0, 255, 255))
    loaded = load_image(encode(image, "PNG")).image
    assert loaded.getpixel((0, 0)) == (255, 255, 255)
    half = loaded.getpixel((1, 0))
    assert isinstance(half, tuple) and half[0] == 255 and 120 <= half[1] <= 135
    assert loaded.getpixel((2, 0)) == (0, 0, 255)


def test_la_and_palette_transparency_go_to_white() -> None:
    la = Image.new("LA", (2, 1), (0, 0))
    la.putpixel((1, 0), (0, 255))
    assert pixels(load_image(encode(la, "PNG")).image) == [(255, 255, 255), (0, 0, 0)]

    palette = Image.new("P", (2, 1), 0)
    palette.putpalette([10, 20, 30, 200, 0, 0] + [0] * 762)
    palette.putpixel((1, 0), 1)
    for fmt in ("PNG", "GIF"):
        data = encode(palette, fmt, transparency=0)
        assert pixels(load_image(data).image) == [(255, 255, 255), (200, 0, 0)]


def test_sixteen_bit_grey_is_scaled_not_clipped() -> None:
    values = np.array([[0, 257 * 128, 65535]], dtype=np.uint16)
    data = encode(Image.fromarray(values), "PNG")
    assert probe_image(data).mode.startswith("I")
    loaded = pixels(load_image(data).image)
    assert loaded == [(0, 0, 0), (128, 128, 128), (255, 255, 255)]


def test_cmyk_bilevel_and_float_images_convert() -> None:
    cmyk = Image.new("CMYK", (8, 8), (0, 255, 255, 0))  # red in CMYK
    pixel = load_image(encode(cmyk, "JPEG", quality=100)).image.getpixel((4, 4))
    assert isinstance(pixel, tuple) and pixel[0] > 200 and pixel[1] < 60
    bilevel = Image.new("1", (8, 8), 1)
    assert load_image(encode(bilevel, "PNG")).image.getpixel((0, 0)) == (255, 255, 255)
    floats = Image.fromarray(np.full((4, 4), 0.5, dtype=np.float32))
    assert load_image(encode(floats, "TIFF")).image.getpixel((0, 0)) == (128, 128, 128)


# --- big images -------------------------------------------------------------------------------


def test_big_jpeg_decodes_reduced_when_asked() -> None:
    data = encode(Image.new("RGB", (4000, 3000), (30, 90, 200)), "JPEG", quality=80)
    full = decode_image(data)
    assert full.image.size == (4000, 3000) and not full.reduced
    reduced = decode_image(data, needed_size=(1000, 750))
    assert reduced.image.size == (1000, 750) and reduced.reduced
    assert reduced.source_size == (4000, 3000)
    just_over = decode_image(data, needed_size=(1001, 750))
    assert just_over.image.size == (2000, 1500)  # 1/4 would lose pixels: only 1/2


def test_pixel_budget_forces_reduction_for_jpeg_and_refuses_others() -> None:
    limits = ImageLimits(max_decode_pixels=1_000_000)
    image = Image.new("RGB", (2000, 1500), (10, 200, 10))
    reduced = decode_image(encode(image, "JPEG"), limits=limits)
    assert reduced.image.size == (1000, 750)
    with pytest.raises(ImageError, match="too large"):
        decode_image(encode(image, "PNG"), limits=limits)


# --- hostile and broken inputs -----------------------------------------------------------------


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real small JPEG whose SOF header is patched to claim ``width`` x ``height``."""
    data = bytearray(encode(Image.new("RGB", (16, 16), (1, 2, 3)), "JPEG"))
    index = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, index + 5, height, width)
    return bytes(data)


def gif_claiming(width: int, height: int) -> bytes:
    data = bytearray(encode(Image.new("P", (4, 4)), "GIF"))
    struct.pack_into("<HH", data, 6, width, height)
    return bytes(data)


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def noisy(width: int, height: int) -> Image.Image:
    pixels = np.random.default_rng(0).integers(0, 255, (height, width, 3), dtype=np.uint8)
    return Image.fromarray(pixels)


HOSTILE = {
    "bomb-png-100000x100000": (png_claiming(100_000, 100_000), "too large|enormous"),
    "png-1x2^31": (png_claiming(1, 2**31), "damaged|too large|enormous|pixels a side"),
    "png-30000x30000": (png_claiming(30_000, 30_000), "too large|enormous"),
    "png-zero-width": (png_claiming(0, 100), "damaged|no pixels"),
    "png-zero-height": (png_claiming(100, 0), "damaged|no pixels"),
    "jpeg-claims-65000x65000": (jpeg_claiming(65_000, 65_000), "too large|enormous"),
    "gif-screen-65535x65535": (gif_claiming(65_535, 65_535), "too large|enormous|damaged"),
    "truncated-jpeg": (truncated(encode(noisy(300, 200), "JPEG")), "damaged or truncated"),
    "truncated-png": (truncated(encode(noisy(300, 200), "PNG")), "damaged or truncated"),
    "psd": (b"8BPS\x00\x01" + bytes(200), "Photoshop"),
    "eps": (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n" + bytes(100), "PostScript"),
    "eps-binary": (b"\xc5\xd0\xd3\xc6" + bytes(100), "EPS"),
    "fits": (b"SIMPLE  =                    T".ljust(2880, b" "), "FITS"),
    "heic": (b"\x00\x00\x00\x18ftypheic" + bytes(100), "HEIC"),
    "pdf": (b"%PDF-1.7\n" + bytes(100), "PDF"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
    "random": (bytes(range(256)) * 4, "not an image format"),
    "png-signature-only": (b"\x89PNG\r\n\x1a\n", "damaged"),
    "empty": (b"", "empty"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_with_a_sentence(name: str, tmp_path: Path) -> None:
    data, pattern = HOSTILE[name]
    path = tmp_path / f"{name}.png"  # renamed: the extension must not matter
    path.write_bytes(data)
    with pytest.raises(ImageError, match=pattern) as caught:
        load_image(path)
    message = str(caught.value)
    assert isinstance(caught.value, HearthError)
    assert message.endswith(".") and "\n" not in message and len(message) < 300
    with pytest.raises(ImageError):
        load_image(data)  # the same bytes pasted from the clipboard


def test_non_regular_files_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(ImageError, match="not a regular file"):
        read_image_bytes(fifo)  # opening a FIFO with no writer would block forever
    with pytest.raises(ImageError, match="not a regular file"):
        load_image(tmp_path)
    with pytest.raises(ImageError, match="does not exist"):
        load_image(tmp_path / "missing.png")


def test_file_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(encode(noisy(64, 64), "PNG"))
    with pytest.raises(ImageError, match="too large"):
        load_image(path, limits=ImageLimits(max_file_bytes=1000))


def test_side_limit_is_checked_before_decoding() -> None:
    with pytest.raises(ImageError, match="pixels a side"):
        probe_image(png_claiming(40_000, 10))


SEEDS = [encode(noisy(24, 16), fmt) for fmt in ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF")]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=8),
    cut=st.integers(0, 4000),
)
def test_mutated_files_never_escape_as_other_errors(
    seed: bytes, edits: list[tuple[int, int]], cut: int
) -> None:
    data = bytearray(seed)
    for position, value in edits:
        if data:
            data[position % len(data)] = value
    if cut:
        data = data[: max(0, len(data) - cut % len(data))]
    try:
        loaded = load_image(bytes(data))
    except ImageError:
        return
    assert loaded.image.mode == "RGB" and min(loaded.image.size) >= 1
