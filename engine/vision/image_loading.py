"""Safe image loading: allow-listed formats, size limits before decoding, RGB out.

Images are untrusted input (dropped files, clipboard bytes). The rules:

* The format is detected from the first bytes, never from the file name, and only PNG, JPEG,
  WebP, GIF (first frame), BMP and TIFF (first page) are handed to Pillow, with Pillow told to try
  that one plugin only (``Image.open(..., formats=[...])``), so PSD, EPS (Ghostscript), FITS,
  PDF and the other plugins are never reached.
* Size limits (file bytes, side length, pixel count) are checked on the header that
  ``Image.open`` reads, before any pixel is decoded. Hearth's own limits apply; Pillow's global
  ``MAX_IMAGE_PIXELS`` stays as a second fence only.
* JPEGs are decoded in full by default, so the pixels are those of every other decoder (and of
  Hugging Face's Gemma 3 processor). Decoding at 1/2, 1/4 or 1/8 scale straight from the DCT
  (``Image.draft``) is faster but **approximate**: libjpeg's scaled IDCT is not a full decode
  followed by a resize (tiles of 4000x4000 JPEGs were measured 0.34-0.39 levels off on average,
  p99 2-10, at most 16-35, depending on the picture). It happens only when the caller asks for
  it with ``needed_size`` (the opt-in setting ``vision_fast_jpeg_decode_approximate``) or when a
  JPEG is above ``max_decode_pixels``, where a reduced decode is the only alternative to
  refusing the file.
* The result is always 8-bit RGB, upright (EXIF orientation applied), with transparency
  flattened onto white, palette, CMYK, LA and 16-bit greyscale converted.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import stat
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
from PIL import Image

from engine.vision.errors import ImageError

__all__ = [
    "ALLOWED_FORMATS",
    "DEFAULT_LIMITS",
    "ImageInfo",
    "ImageLimits",
    "LoadedImage",
    "decode_image",
    "load_image",
    "probe_image",
    "read_image_bytes",
    "sniff_format",
]

ALLOWED_FORMATS: Final = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")
"""Pillow plugin ids Hearth opens. HEIC/AVIF are left out (no kept library decodes HEIC)."""

# Pillow reports camera JPEGs that carry a multi-picture index as "MPO"; the first picture is a
# normal JPEG.
_PILLOW_FORMATS: Final = {
    "PNG": {"PNG"},
    "JPEG": {"JPEG", "MPO"},
    "WEBP": {"WEBP"},
    "GIF": {"GIF"},
    "BMP": {"BMP"},
    "TIFF": {"TIFF"},
}

_FORMAT_NAMES: Final = {
    "PNG": "PNG",
    "JPEG": "JPEG",
    "WEBP": "WebP",
    "GIF": "GIF",
    "BMP": "BMP",
    "TIFF": "TIFF",
}

# Formats people drop that Hearth refuses, named so the message can say what the file is.
_REFUSED_SIGNATURES: Final = (
    (0, b"8BPS", "a Photoshop document (PSD)"),
    (0, b"%!PS", "a PostScript/EPS file"),
    (0, b"\xc5\xd0\xd3\xc6", "an EPS file"),
    (0, b"SIMPLE  =", "a FITS file"),
    (0, b"%PDF", "a PDF document"),
    (0, b"\x00\x00\x01\x00", "an icon (ICO) file"),
    (0, b"\x00\x00\x00\x0cjP  ", "a JPEG 2000 file"),
    (0, b"\xff\x4f\xff\x51", "a JPEG 2000 codestream"),
    (0, b"qoif", "a QOI image"),
    (0, b"gimp xcf", "a GIMP document (XCF)"),
    (4, b"ftypheic", "a HEIC photo"),
    (4, b"ftypheix", "a HEIC photo"),
    (4, b"ftypmif1", "a HEIF image"),
    (4, b"ftypavif", "an AVIF image"),
)

_ORIENTATION_TAG: Final = 0x0112
_TRANSPOSE: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_ALPHA_MODES: Final = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})
_SIXTEEN_BIT_GREY: Final = frozenset({"I;16", "I;16L", "I;16B", "I;16N"})
_MIB: Final = 1 << 20


@dataclass(frozen=True, slots=True)
class ImageLimits:
    """Hearth's own budget for one image. Pillow's global bomb limit is only a backstop."""

    max_file_bytes: int = 256 * _MIB
    max_side: int = 30_000
    max_source_pixels: int = 150_000_000
    """Largest header size accepted at all (a JPEG this big is decoded reduced)."""
    max_decode_pixels: int = 60_000_000
    """Most pixels ever decoded at once (60 MP is 180 MB as RGB)."""


DEFAULT_LIMITS: Final = ImageLimits()


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What the header says, checked against the limits; nothing decoded yet."""

    format: str
    width: int
    """Width as displayed, after the EXIF orientation."""
    height: int
    stored_width: int
    stored_height: int
    orientation: int
    mode: str
    n_frames: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


@dataclass(frozen=True, slots=True, eq=False)
class LoadedImage:
    """An upright 8-bit RGB image and the facts about its source."""

    image: Image.Image
    info: ImageInfo

    @property
    def source_size(self) -> tuple[int, int]:
        """The full-resolution, upright size: the coordinate system of tile plans."""
        return self.info.width, self.info.height

    @property
    def reduced(self) -> bool:
        """True when the JPEG was decoded at a fraction of its size."""
        return self.image.size != self.source_size


def sniff_format(head: bytes) -> str | None:
    """The allow-listed format that ``head`` (the first 16+ bytes) starts like, else None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:2] == b"BM" and len(head) >= 18:
        return "BMP"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "TIFF"
    return None


def read_image_bytes(
    path: str | os.PathLike[str], *, limits: ImageLimits = DEFAULT_LIMITS
) -> bytes:
    """Read an image file whole, refusing non-regular files (FIFOs, devices) and huge files."""
    file = Path(path)
    name = file.name or str(file)
    try:
        info = file.stat()
    except FileNotFoundError:
        raise ImageError(f"The image {name} does not exist.") from None
    except OSError as exc:
        raise ImageError(f"Could not read the image {name}: {exc.strerror}.") from exc
    if not stat.S_ISREG(info.st_mode):
        raise ImageError(f"{name} is not a regular file, so Hearth does not open it as an image.")
    _check_byte_size(info.st_size, name, limits)
    try:
        with file.open("rb") as handle:
            data = handle.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise ImageError(f"Could not read the image {name}: {exc.strerror}.") from exc
    _check_byte_size(len(data), name, limits)
    return data


def probe_image(
    data: bytes, *, name: str | None = None, limits: ImageLimits = DEFAULT_LIMITS
) -> ImageInfo:
    """Identify the image and check its declared size. Decodes no pixels."""
    subject = _subject(name)
    _check_byte_size(len(data), subject, limits)
    with _guard(subject), _open(data, subject) as image:
        return _info(image, subject, limits)


def decode_image(
    data: bytes,
    *,
    needed_size: tuple[int, int] | None = None,
    name: str | None = None,
    limits: ImageLimits = DEFAULT_LIMITS,
) -> LoadedImage:
    """Decode to upright 8-bit RGB.

    Without ``needed_size`` every pixel is decoded exactly (a JPEG is reduced only when it is
    above ``max_decode_pixels``). ``needed_size`` opts into the fast, approximate JPEG path: it
    is the smallest upright size (width, height) the caller can use, and a JPEG bigger than that
    is decoded at the largest DCT reduction (1/2, 1/4 or 1/8) that still covers it; those pixels
    are close to, but not the same as, a full decode resized.
    """
    subject = _subject(name)
    _check_byte_size(len(data), subject, limits)
    with _guard(subject), _open(data, subject) as image:
        info = _info(image, subject, limits)
        if info.format == "JPEG":
            _draft(image, info, needed_size, limits)
        elif info.pixels > limits.max_decode_pixels:
            raise ImageError(
                f"{subject} is too large to open ({info.width}x{info.height} pixels, "
                f"{info.pixels / 1e6:.0f} megapixels; the limit is "
                f"{limits.max_decode_pixels / 1e6:.0f} for {_FORMAT_NAMES[info.format]} images)."
            )
        image.load()
        rgb = _to_rgb(image)
        rotated_by_pillow = info.orientation != 1 and _orientation(image) == 1
    transpose = _TRANSPOSE.get(info.orientation)
    if transpose is not None and not rotated_by_pillow:
        rgb = rgb.transpose(transpose)
    expected = (info.width, info.height)
    reduced_jpeg = info.format == "JPEG" and rgb.width <= expected[0] and rgb.height <= expected[1]
    if rgb.size != expected and not reduced_jpeg:
        raise ImageError(f"{subject} decoded to an unexpected size and cannot be used.")
    return LoadedImage(image=rgb, info=info)


def load_image(
    source: bytes | str | os.PathLike[str],
    *,
    needed_size: tuple[int, int] | None = None,
    limits: ImageLimits = DEFAULT_LIMITS,
) -> LoadedImage:
    """Load an image file or raw bytes (e.g. pasted from the clipboard) as upright RGB."""
    if isinstance(source, bytes | bytearray | memoryview):
        return decode_image(bytes(source), needed_size=needed_size, limits=limits)
    data = read_image_bytes(source, limits=limits)
    return decode_image(data, needed_size=needed_size, name=Path(source).name, limits=limits)


@contextlib.contextmanager
def _guard(subject: str) -> Iterator[None]:
    """Turn whatever a Pillow plugin raises on a damaged file into one ImageError sentence."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Corrupt EXIF data" etc.: the outcome is what counts
        try:
            yield
        except ImageError:
            raise
        except Image.DecompressionBombError as exc:
            raise ImageError(
                f"{subject} claims to be enormous (a decompression bomb?) and was not opened."
            ) from exc
        except MemoryError as exc:
            raise ImageError(f"{subject} is too large to open in the memory available.") from exc
        except Exception as exc:  # a damaged file can make any plugin raise anything
            raise ImageError(f"{subject} is damaged or truncated and cannot be opened.") from exc


def _subject(name: str | None) -> str:
    return name if name else "The image"


def _check_byte_size(size: int, subject: str, limits: ImageLimits) -> None:
    if size == 0:
        raise ImageError(f"{subject} is empty.")
    if size > limits.max_file_bytes:
        raise ImageError(
            f"{subject} is too large ({size / _MIB:.0f} MB); Hearth opens images of up to "
            f"{limits.max_file_bytes / _MIB:.0f} MB."
        )


def _refused_kind(head: bytes) -> str | None:
    for offset, signature, kind in _REFUSED_SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return kind
    stripped = head.lstrip()
    if stripped.startswith((b"<svg", b"<?xml", b"<!DOCTYPE", b"<html", b"<HTML")):
        return "a text document (SVG, XML or HTML)"
    return None


def _open(data: bytes, subject: str) -> Image.Image:
    head = data[:32]
    detected = sniff_format(head)
    if detected is None:
        kind = _refused_kind(head)
        what = f"is {kind}, not" if kind else "is not"
        raise ImageError(
            f"{subject} {what} an image format Hearth opens (PNG, JPEG, WebP, GIF, BMP or TIFF)."
        )
    with warnings.catch_warnings():
        # Hearth applies its own pixel limits right after opening.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[detected])
        except Image.DecompressionBombError as exc:
            raise ImageError(
                f"{subject} claims to be enormous (a decompression bomb?) and was not opened."
            ) from exc
        except Exception as exc:  # header parsing of an untrusted file: any error means damaged
            raise ImageError(
                f"{subject} looks like a {_FORMAT_NAMES[detected]} file but its header is "
                "damaged, so it cannot be opened."
            ) from exc
    if image.format not in _PILLOW_FORMATS[detected]:
        image.close()
        raise ImageError(f"{subject} is not a {_FORMAT_NAMES[detected]} file Hearth can open.")
    return image


def _info(image: Image.Image, subject: str, limits: ImageLimits) -> ImageInfo:
    fmt = "JPEG" if image.format == "MPO" else str(image.format)
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageError(f"{subject} has no pixels ({width}x{height}).")
    if max(width, height) > limits.max_side:
        raise ImageError(
            f"{subject} is {width}x{height} pixels; Hearth opens images of at most "
            f"{limits.max_side} pixels a side."
        )
    if width * height > limits.max_source_pixels:
        raise ImageError(
            f"{subject} is too large ({width}x{height}, {width * height / 1e6:.0f} megapixels; "
            f"the limit is {limits.max_source_pixels / 1e6:.0f})."
        )
    orientation = _orientation(image)
    stored = (width, height)
    if fmt == "TIFF":
        # Newer Pillow reports a TIFF's size already rotated (and rotates it while loading).
        tags = getattr(image, "tag_v2", {})
        tag_width, tag_height = tags.get(256), tags.get(257)
        if (
            isinstance(tag_width, int)
            and isinstance(tag_height, int)
            and sorted((tag_width, tag_height)) == sorted((width, height))
        ):
            stored = (tag_width, tag_height)
    upright = (stored[1], stored[0]) if orientation in (5, 6, 7, 8) else stored
    return ImageInfo(
        format=fmt,
        width=upright[0],
        height=upright[1],
        stored_width=stored[0],
        stored_height=stored[1],
        orientation=orientation,
        mode=image.mode,
        n_frames=_frame_count(image),
    )


def _frame_count(image: Image.Image) -> int:
    """Frames or pages (only the first is used); counting must not move off the first."""
    try:
        count = int(getattr(image, "n_frames", 1) or 1)
    except Exception:  # a broken later frame does not spoil the first one
        count = 1
    if image.tell() != 0:
        image.seek(0)
    return count


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation known from the header (1 = as stored). Bad EXIF counts as 1."""
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # malformed EXIF must not make an otherwise fine image unusable
        return 1
    return value if isinstance(value, int) and value in range(1, 9) else 1


def _draft(
    image: Image.Image,
    info: ImageInfo,
    needed_size: tuple[int, int] | None,
    limits: ImageLimits,
) -> None:
    """Pick a DCT reduction: as strong as ``needed_size`` allows and as the pixel budget needs."""
    scale = 1.0
    if needed_size is not None:
        need_w, need_h = needed_size
        scale = min(1.0, max(need_w / info.width, need_h / info.height))
    reduction = 1
    while reduction < 8 and info.pixels > limits.max_decode_pixels * reduction * reduction:
        reduction *= 2
    if info.pixels > limits.max_decode_pixels * reduction * reduction:
        raise ImageError(
            f"The JPEG is too large to open ({info.width}x{info.height} pixels, even at 1/8 size)."
        )
    scale = min(scale, 1.0 / reduction)
    if scale >= 1.0:
        return
    stored_w = max(1, math.ceil(info.stored_width * scale))
    stored_h = max(1, math.ceil(info.stored_height * scale))
    # Pillow picks the largest reduction (1/2, 1/4, 1/8) whose result still covers this size.
    image.draft("RGB" if image.mode == "RGB" else None, (stored_w, stored_h))


def _to_rgb(image: Image.Image) -> Image.Image:
    mode = image.mode
    if mode == "RGB":
        return image.copy() if image.readonly else image
    if mode in _SIXTEEN_BIT_GREY:
        grey16 = np.asarray(image).astype(np.uint32)
        grey = ((grey16 * 255 + 32767) // 65535).astype(np.uint8)
        return Image.fromarray(grey).convert("RGB")
    if mode == "I":
        values = np.asarray(image).astype(np.int64)
        top = 65535 if values.size and int(values.max()) > 255 else 255
        grey = (np.clip(values, 0, top) * 255 // top).astype(np.uint8)
        return Image.fromarray(grey).convert("RGB")
    if mode == "F":
        floats = np.nan_to_num(np.asarray(image, dtype=np.float64), nan=0.0)
        ceiling = 1.0 if floats.size and float(floats.max()) <= 1.0 else 255.0
        grey = np.rint(np.clip(floats, 0.0, ceiling) * (255.0 / ceiling)).astype(np.uint8)
        return Image.fromarray(grey).convert("RGB")
    if mode in _ALPHA_MODES or "transparency" in image.info:
        rgba = image.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        canvas.alpha_composite(rgba)
        return canvas.convert("RGB")
    return image.convert("RGB")
