"""Hearth's engine: everything that runs without Qt (models, inference worker, store, documents)."""

from engine.version import read_version

__version__ = read_version()
