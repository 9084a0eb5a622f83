"""What this copy of Hearth is made of: the lines of ``hearth-cli --version --verbose`` and of
the About dialog's build information. No Qt import (the engine never imports it): the GUI adds
the running Qt version itself; here PySide6's version comes from its metadata."""

from __future__ import annotations

import ctypes
import platform
import sys
from importlib import metadata

from engine import __version__


def _dist_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def ggml_version() -> str:
    """ggml's own version and commit as compiled into llama-cpp-python's libraries, e.g.
    ``"0.9.4 (b7096c4)"``; ``"unknown"`` when the library does not export them."""
    try:
        import llama_cpp

        del llama_cpp  # loads libggml into the process
        lib = ctypes.CDLL("libggml.so.0")
    except (ImportError, OSError):
        return "unknown"
    parts = []
    for symbol in ("ggml_version", "ggml_commit"):
        function = getattr(lib, symbol, None)
        if function is None:
            continue
        function.restype = ctypes.c_char_p
        function.argtypes = []
        value = function()
        if value:
            parts.append(value.decode("utf-8", errors="replace"))
    if not parts:
        return "unknown"
    return parts[0] if len(parts) == 1 else f"{parts[0]} ({parts[1]})"


def build_report(*, with_backend: bool = True) -> list[tuple[str, str]]:
    """(label, value) rows, Hearth first. ``with_backend`` loads llama.cpp's CPU backends to
    name the variant ggml picked for this CPU (a fraction of a second, no model)."""
    rows = [
        ("Hearth", __version__),
        ("Build", "packaged (frozen)" if getattr(sys, "frozen", False) else "source / venv"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("Platform", f"{platform.system()} {platform.release()} {platform.machine()}"),
        ("llama-cpp-python", _dist_version("llama-cpp-python")),
        ("ggml (llama.cpp)", ggml_version()),
    ]
    if with_backend:
        from engine.build_info import llama_cpu_backend

        try:
            backend = llama_cpu_backend()
        except (OSError, AttributeError) as exc:
            backend = f"unavailable ({exc})"
        rows.append(("llama.cpp backend", backend))
    rows.append(("PySide6 (Qt)", _dist_version("PySide6")))
    return rows


def format_report(rows: list[tuple[str, str]]) -> str:
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label + ':':<{width + 1}} {value}" for label, value in rows)
