"""Error classes: the environment's fault (shown calmly) versus our bug (crash dialog)."""

from __future__ import annotations


class HearthError(Exception):
    """Something in the user's environment is wrong: a bad file, a full disk, a missing model.

    The message is one human sentence that can be shown to the user as is. ``code`` names
    errors the user interface answers with a specific action (it crosses the worker pipe).
    """

    code: str = ""


class ModelFileError(HearthError):
    """A model (or projector) file is unusable: not GGUF, truncated, unsupported."""


class WorkerCrashedError(HearthError):
    """The inference worker process died (native crash, abort, out of memory)."""


class WorkerProtocolError(Exception):
    """The worker and its client disagree about the protocol: always our bug."""


class Cancelled(Exception):
    """A long job stopped because the user asked it to. Not an error."""
