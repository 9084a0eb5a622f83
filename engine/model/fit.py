"""Will a model fit this machine? "fits", "tight" or "too big", from its memory estimate and
the machine's physical RAM (the OS, the app and everything else the user runs need the rest)."""

from __future__ import annotations

import os
from typing import Final, Literal

__all__ = ["FIT_LIMIT", "TIGHT_LIMIT", "Fit", "fit_verdict", "physical_memory_bytes"]

Fit = Literal["fits", "tight", "too big"]

FIT_LIMIT: Final = 0.6  # up to 60 % of RAM: comfortable next to a browser and the desktop
TIGHT_LIMIT: Final = 0.85  # up to 85 %: runs, but other programs may be swapped out


def physical_memory_bytes() -> int:
    """Installed RAM, or 0 when the system does not say."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 0


def fit_verdict(need_bytes: int, ram_bytes: int) -> Fit | None:
    """How ``need_bytes`` compares with ``ram_bytes``; None when the RAM is unknown."""
    if ram_bytes <= 0:
        return None
    share = need_bytes / ram_bytes
    if share <= FIT_LIMIT:
        return "fits"
    if share <= TIGHT_LIMIT:
        return "tight"
    return "too big"
