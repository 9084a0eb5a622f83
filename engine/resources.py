"""Files Hearth ships beside its code (``resources/``): the icon, the Linux desktop entry, the
AppStream metainfo and the MIME type of GGUF models. The same layout holds in a checkout and in
the frozen build (whose spec copies ``resources/`` next to the packages)."""

from __future__ import annotations

from pathlib import Path

APP_ID = "io.github.hearth.Hearth"
"""The reverse-DNS id: desktop file, icon, metainfo, MIME package and the single-instance
socket are all named after it."""

RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"
ICONS_DIR = RESOURCES_DIR / "icons"
LINUX_DIR = RESOURCES_DIR / "linux"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def icon_svg() -> Path:
    return ICONS_DIR / f"{APP_ID}.svg"


def icon_png(size: int) -> Path:
    return ICONS_DIR / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def desktop_entry() -> Path:
    return LINUX_DIR / f"{APP_ID}.desktop"


def metainfo() -> Path:
    return LINUX_DIR / f"{APP_ID}.metainfo.xml"


def mime_package() -> Path:
    return LINUX_DIR / f"{APP_ID}-mime.xml"
