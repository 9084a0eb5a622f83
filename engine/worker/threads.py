"""How many CPU threads llama.cpp should use: the physical cores this process may run on."""

from __future__ import annotations

import os
from pathlib import Path


def physical_cores() -> int | None:
    """Physical cores from /proc/cpuinfo (Linux); None where that is not available."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    cores: set[tuple[str, str]] = set()
    physical = core = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "physical id":
            physical = value.strip()
        elif key == "core id":
            core = value.strip()
            cores.add((physical, core))
    return len(cores) or None


def default_thread_count() -> int:
    """Threads for generation: physical cores, never more than the CPUs we may use."""
    allowed = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    allowed = allowed or 1
    cores = physical_cores() or allowed
    return max(1, min(cores, allowed))
