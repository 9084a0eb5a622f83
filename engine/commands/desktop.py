"""``hearth-cli desktop install|uninstall``: add Hearth to (or remove it from) the current
user's application menu and "Open with" lists, without root. Honours ``$XDG_DATA_HOME``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from engine.desktop_install import data_home, install, uninstall


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "desktop",
        help="add Hearth to your application menu and 'Open with' (no root needed)",
        description=(
            "install: a menu entry, icons, 'Open with Hearth' for images and documents, the "
            "GGUF file type and the AppStream metainfo, under $XDG_DATA_HOME (default "
            "~/.local/share). uninstall: remove exactly those files."
        ),
    )
    parser.add_argument("action", choices=["install", "uninstall"])
    parser.add_argument(
        "--data-home",
        type=Path,
        default=None,
        help="install under this directory instead of $XDG_DATA_HOME",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    home = args.data_home.expanduser().absolute() if args.data_home else data_home()
    if args.action == "install":
        report = install(home)
        print(f"Installed Hearth for this user under {home} ({len(report.written)} files).")
        print(f"It starts: {' '.join(report.command)}")
    else:
        report = uninstall(home)
        if report.removed:
            print(f"Removed Hearth's {len(report.removed)} desktop files from {home}.")
        else:
            print(f"Hearth was not installed under {home}; nothing to remove.")
    if report.refreshed:
        print("Refreshed: " + ", ".join(report.refreshed))
    else:
        print(
            "update-desktop-database / update-mime-database were not found; the menu may need "
            "a log-out to show the change.",
            file=sys.stderr,
        )
    return 0
