"""Helpers for the store tests that start child processes (imported by path, not collected)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent


def child_env() -> dict[str, str]:
    """Environment for a child Python that imports this checkout's ``engine``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def child_command(script: str, *args: str) -> list[str]:
    return [sys.executable, str(HERE / script), *args]
