"""Fixtures for the store tests: a real store in a private temporary data directory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine.paths import AppPaths
from engine.store import HistoryStore


@pytest.fixture()
def store(app_paths: AppPaths) -> Iterator[HistoryStore]:
    opened = HistoryStore.open(app_paths)
    try:
        yield opened
    finally:
        opened.close()
