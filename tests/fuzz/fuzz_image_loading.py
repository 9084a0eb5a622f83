"""Fuzz harness: the image loader and tiler (``engine.vision.tiles.make_tiles``).

Dropped and pasted images are untrusted: sniffing, Pillow's header parsing (through only the
allow-listed plugin), the size limits, decoding, EXIF orientation, mode conversion, Pan & Scan
and the 896x896 squash may only raise ``ImageError``. A JPEG is tiled twice, exact and with the
approximate fast decode, so both decode paths are covered. See ``tests/fuzz/README.md``.
"""

from __future__ import annotations

import atheris
from harness import INSTRUMENTED, check, main

with atheris.instrument_imports(include=[*INSTRUMENTED, "PIL"]):
    from engine.vision.errors import ImageError
    from engine.vision.image_loading import sniff_format
    from engine.vision.tiles import make_tiles


def one_input(data: bytes) -> None:
    check(lambda: make_tiles(data), (ImageError,))
    if sniff_format(data[:32]) == "JPEG":
        check(lambda: make_tiles(data, fast_jpeg_decode_approximate=True), (ImageError,))


if __name__ == "__main__":
    main(one_input)
