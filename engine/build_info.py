"""Which llama.cpp CPU kernel set this process runs (for About and ``--version --verbose``)."""

from __future__ import annotations

import re
from pathlib import Path

_VARIANT = re.compile(r"libggml-cpu-([A-Za-z0-9_.]+)\.so")


def _loaded_cpu_variant() -> str | None:
    try:
        maps = Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = sorted(set(_VARIANT.findall(maps)))
    return ", ".join(found) if found else None


def llama_cpu_backend() -> str:
    """E.g. ``"CPU (haswell)"`` for the dynamically loaded variant, or the static build's
    feature list (``"CPU (static: AVX2 FMA F16C)"``)."""
    from engine.llama_backends import ensure_backends_loaded

    ensure_backends_loaded()
    variant = _loaded_cpu_variant()
    if variant:
        return f"CPU ({variant})"
    import llama_cpp

    info = llama_cpp.llama_print_system_info().decode("utf-8", errors="replace")
    features = [
        name.split(":")[-1].strip()
        for name, _, value in (part.partition("=") for part in info.split("|"))
        if value.strip() == "1"
    ]
    return f"CPU (static: {' '.join(features)})" if features else "CPU"
