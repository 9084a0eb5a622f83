"""``hearth-cli tiles IMAGE``: how Hearth would cut an image into Gemma 3 tiles (Pan & Scan).

The image is loaded with the same safe loader the app uses (so a hostile file is refused here
too); no model is needed. ``--write-dir`` saves the 896x896 tiles as PNG files.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from engine.errors import HearthError
from engine.vision.pan_scan import Box, PanScanMode
from engine.vision.tiles import TileSet, make_tiles


def _box(text: str) -> Box:
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not X0,Y0,X1,Y1") from None
    if len(values) != 4:
        raise argparse.ArgumentTypeError(f"{text!r} is not X0,Y0,X1,Y1")
    return values[0], values[1], values[2], values[3]


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "tiles", help="show the Pan & Scan tiles Hearth would send to Gemma 3 for an image"
    )
    parser.add_argument("image", type=Path, help="PNG, JPEG, WebP, GIF, BMP or TIFF file")
    parser.add_argument(
        "--mode",
        choices=[mode.value for mode in PanScanMode],
        default=PanScanMode.AUTO.value,
        help="auto: crops when the image is elongated (the reference rule); off: full view only",
    )
    parser.add_argument(
        "--zoom", type=_box, metavar="X0,Y0,X1,Y1", help="an extra crop, in image pixels"
    )
    parser.add_argument(
        "--fast-jpeg-approximate",
        action="store_true",
        help="decode a big JPEG at reduced size (faster; pixels only close to the reference's)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--write-dir", type=Path, help="save the 896x896 tiles there as PNGs")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    tiles = make_tiles(
        args.image,
        args.mode,
        args.zoom,
        fast_jpeg_decode_approximate=args.fast_jpeg_approximate,
    )
    written = _write(tiles, args.write_dir) if args.write_dir else []
    report: dict[str, Any] = tiles.plan.to_json()
    report["format"] = tiles.format
    report["decoded_size"] = list(tiles.decoded_size)
    report["tile_sha256"] = list(tiles.hashes)
    if written:
        report["written"] = [str(path) for path in written]
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    width, height = tiles.source_size
    print(f"{args.image.name}: {width}x{height} {tiles.format}, mode {args.mode}")
    for tile in tiles.tiles:
        x0, y0, x1, y1 = tile.box
        where = f"({x0},{y0})-({x1},{y1})"
        print(f"  tile {tile.index}: {tile.kind.value:<4} {where}  {x1 - x0}x{y1 - y0}")
    print(f"  {tiles.tile_count} tiles, {tiles.image_tokens} image tokens")
    for path in written:
        print(f"  wrote {path}")
    return 0


def _write(tiles: TileSet, directory: Path) -> list[Path]:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for tile in tiles.tiles:
            path = directory / f"tile-{tile.index:02d}-{tile.kind.value}.png"
            tile.image().save(path, "PNG")
            paths.append(path)
    except OSError as exc:
        raise HearthError(f"Could not write the tiles to {directory}: {exc.strerror}.") from exc
    return paths
