"""Errors of the vision package: each carries one human sentence for the user."""

from __future__ import annotations

from engine.errors import HearthError


class ImageError(HearthError):
    """An image cannot be used: unknown format, damaged, absurdly large or a decompression bomb."""


class VisionError(HearthError):
    """Image input cannot run with the current model, projector or settings."""
