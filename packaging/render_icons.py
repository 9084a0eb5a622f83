"""Render Hearth's scalable icon to the PNG sizes desktops look for.

    python packaging/render_icons.py            # writes resources/icons/hicolor/<n>x<n>/apps/
    python packaging/render_icons.py --check    # exit 1 if a committed PNG is missing or stale
    python packaging/render_icons.py --sheet out.png   # every size side by side, to look at

Qt's QSvgRenderer draws the SVG (the same renderer the window uses for its icon), so the PNGs
match what Hearth shows at run time. The PNGs are committed: a desktop install must not need Qt.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from engine import resources  # noqa: E402

SVG = resources.icon_svg()
SIZES = resources.ICON_SIZES


def png_path(size: int) -> Path:
    return resources.icon_png(size)


def render(size: int, svg: Path = SVG) -> QImage:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    buffer.close()
    return bytes(data.data())


def same_pixels(path: Path, image: QImage) -> bool:
    existing = QImage(str(path))
    if existing.isNull():
        return False
    return existing.convertToFormat(QImage.Format.Format_ARGB32) == image


def contact_sheet(target: Path) -> None:
    """All sizes at 1:1 on a light and a dark strip, plus 16 and 32 enlarged 8x/4x."""
    width = sum(SIZES) + 10 * (len(SIZES) + 1) + 128 * 2 + 20
    height = 2 * (max(SIZES) + 20)
    sheet = QImage(width, height, QImage.Format.Format_ARGB32)
    sheet.fill(QColor("#f4f4f4"))
    painter = QPainter(sheet)
    painter.fillRect(0, height // 2, width, height // 2, QColor("#202124"))
    for row in range(2):
        x = 10
        top = row * (height // 2) + 10
        for size in SIZES:
            painter.drawImage(x, top, render(size))
            x += size + 10
        for size, scale in ((16, 8), (32, 4)):
            big = render(size).scaled(size * scale, size * scale)  # nearest: real pixels
            painter.drawImage(x, top, big)
            x += size * scale + 10
    painter.end()
    sheet.save(str(target))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only verify the committed PNGs")
    parser.add_argument("--sheet", type=Path, help="also write a contact sheet PNG here")
    args = parser.parse_args(argv)
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    stale = []
    for size in SIZES:
        image = render(size)
        target = png_path(size)
        if same_pixels(target, image):
            continue
        if args.check:
            stale.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(png_bytes(image))
        print(f"wrote {target.relative_to(ROOT)}")
    if args.sheet:
        contact_sheet(args.sheet)
        print(f"wrote {args.sheet}")
    if stale:
        print("stale or missing icons (run packaging/render_icons.py):", file=sys.stderr)
        for path in stale:
            print(f"  {path.relative_to(ROOT)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
