"""Add Hearth to the desktop of the current user (no root): menu entry, icons, "Open with
Hearth" for images and documents, the GGUF MIME type and the AppStream metainfo.

Files go under ``$XDG_DATA_HOME`` (default ``~/.local/share``) following the XDG base directory,
desktop entry, icon theme and shared MIME specifications; the caches are refreshed with
``update-desktop-database``, ``update-mime-database`` and ``gtk-update-icon-cache`` where those
tools exist. ``uninstall`` removes exactly the files ``install`` writes (their names are fixed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from engine import resources
from engine.errors import HearthError

_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


class DesktopInstallError(HearthError):
    """The desktop files could not be written (a read-only home, a missing resource)."""


@dataclass
class InstallReport:
    data_home: Path
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    """The cache tools that ran (a missing tool is skipped, not an error)."""
    command: list[str] = field(default_factory=list)


def data_home() -> Path:
    """``$XDG_DATA_HOME`` if set to an absolute path (the spec ignores relative ones), else
    ``~/.local/share``."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def launcher_command() -> list[str]:
    """The command that starts this copy of Hearth's window: the frozen ``Hearth`` executable,
    the venv's ``hearth`` script, or ``python -m app`` as a last resort."""
    executable = Path(sys.executable).resolve()
    if getattr(sys, "frozen", False):
        gui = executable.with_name("Hearth")
        return [str(gui if gui.exists() else executable)]
    script = Path(sys.executable).parent / "hearth"
    if script.exists():
        return [str(script.absolute())]
    found = shutil.which("hearth")
    if found:
        return [str(Path(found).absolute())]
    return [str(executable), "-m", "app"]


def quote_exec_argument(argument: str) -> str:
    """Quote one argument for a desktop entry's ``Exec`` key (desktop entry spec, "The Exec
    key"): reserved characters need double quotes, inside which ``"`` `` ` `` ``$`` ``\\`` are
    backslash-escaped; a literal ``%`` is written ``%%``."""
    escaped_percent = argument.replace("%", "%%")
    if not any(char in _EXEC_RESERVED for char in argument) and argument:
        return escaped_percent
    inner = "".join("\\" + c if c in '"`$\\' else c for c in escaped_percent)
    return f'"{inner}"'


def desktop_entry_text(command: list[str]) -> str:
    """The shipped desktop entry with ``Exec``/``TryExec`` pointing at ``command``.

    Desktop entry files escape a backslash in a string value as ``\\\\``, so the quoted
    ``Exec`` value is escaped once more for the file."""
    source = resources.desktop_entry().read_text(encoding="utf-8")
    exec_value = " ".join(quote_exec_argument(part) for part in command) + " %F"
    exec_value = exec_value.replace("\\", "\\\\")
    lines = []
    for line in source.splitlines():
        if line.startswith("Exec="):
            lines.append(f"Exec={exec_value}")
        elif line.startswith("TryExec="):
            lines.append(f"TryExec={command[0]}".replace("\\", "\\\\"))
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def _targets(home: Path) -> dict[Path, Path | None]:
    """Installed path -> shipped source (None: generated, the desktop entry)."""
    app_id = resources.APP_ID
    hicolor = home / "icons" / "hicolor"
    targets: dict[Path, Path | None] = {
        home / "applications" / f"{app_id}.desktop": None,
        hicolor / "scalable" / "apps" / f"{app_id}.svg": resources.icon_svg(),
        home / "mime" / "packages" / f"{app_id}.xml": resources.mime_package(),
        home / "metainfo" / f"{app_id}.metainfo.xml": resources.metainfo(),
    }
    for size in resources.ICON_SIZES:
        targets[hicolor / f"{size}x{size}" / "apps" / f"{app_id}.png"] = resources.icon_png(size)
    return targets


def _refresh(home: Path) -> list[str]:
    """Rebuild the desktop, MIME and icon caches under ``home`` with whichever tools exist."""
    ran = []
    jobs = [
        ("update-desktop-database", ["-q", str(home / "applications")]),
        ("update-mime-database", [str(home / "mime")]),
    ]
    hicolor = home / "icons" / "hicolor"
    if (hicolor / "index.theme").exists():  # the tool refuses a theme without its index
        jobs.append(("gtk-update-icon-cache", ["-q", "-f", str(hicolor)]))
    for tool, arguments in jobs:
        path = shutil.which(tool)
        if path is None:
            continue
        subprocess.run(
            [path, *arguments],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )
        ran.append(tool)
    return ran


def install(home: Path | None = None, command: list[str] | None = None) -> InstallReport:
    home = home or data_home()
    command = command or launcher_command()
    report = InstallReport(data_home=home, command=command)
    try:
        for target, source in _targets(home).items():
            target.parent.mkdir(parents=True, exist_ok=True)
            if source is None:
                target.write_text(desktop_entry_text(command), encoding="utf-8")
            else:
                target.write_bytes(source.read_bytes())  # small files: entry, icons, XML
            report.written.append(target)
    except FileNotFoundError as exc:
        raise DesktopInstallError(
            f"A file Hearth ships is missing ({exc.filename}); this copy of Hearth is incomplete."
        ) from exc
    except OSError as exc:
        raise DesktopInstallError(
            f"Could not write the desktop files under {home}: {exc.strerror or exc}."
        ) from exc
    report.refreshed = _refresh(home)
    return report


def uninstall(home: Path | None = None) -> InstallReport:
    """Remove what ``install`` writes: the known names, plus any icon size of ours in the
    hicolor theme (an older version may have shipped other sizes). Nothing else is touched."""
    home = home or data_home()
    report = InstallReport(data_home=home)
    paths = set(_targets(home))
    paths |= set((home / "icons" / "hicolor").glob(f"*/apps/{resources.APP_ID}.*"))
    for path in sorted(paths):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise DesktopInstallError(f"Could not remove {path}: {exc.strerror or exc}.") from exc
        report.removed.append(path)
    report.refreshed = _refresh(home)
    return report
