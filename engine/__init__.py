"""Hearth's engine: everything that runs without Qt (models, inference worker, store, documents)."""

__version__ = "0.1.0"
