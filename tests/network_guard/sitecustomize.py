"""Loaded at interpreter start (through PYTHONPATH) by every Python process a test spawns, when
HEARTH_TEST_BLOCK_NETWORK names a log file: sockets other than AF_UNIX cannot be created and
name lookups fail; every attempt is logged. Nothing here is part of Hearth itself."""

from __future__ import annotations

import os

from network_block import install

_LOG = os.environ.get("HEARTH_TEST_BLOCK_NETWORK")
if _LOG:
    install(_LOG)
