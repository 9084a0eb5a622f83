"""An image the user attached to a message, as it travels to the inference worker.

The worker, not the GUI, decodes the bytes and makes the tiles: a decoder crash on a hostile
file then takes down only the worker. Only the 896x896 RGB tiles Hearth renders itself ever
reach llama.cpp.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property

from engine.vision.image_loading import read_image_bytes
from engine.vision.pan_scan import Box


@dataclass(frozen=True)
class ImageAttachment:
    data: bytes = field(repr=False)
    mode: str = "auto"  # "auto" (Pan & Scan when it helps) or "off" (full view only)
    zoom_box: Box | None = None  # the user's own high-resolution crop, in source pixels
    name: str = ""

    @classmethod
    def from_path(
        cls, path: str | os.PathLike[str], *, mode: str = "auto", zoom_box: Box | None = None
    ) -> ImageAttachment:
        return cls(read_image_bytes(path), mode, zoom_box, os.path.basename(os.fspath(path)))

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def recipe_key(self) -> tuple[str, str, Box | None]:
        """What determines the tiles: the same key always gives the same tiles."""
        return (self.sha256, self.mode, self.zoom_box)
