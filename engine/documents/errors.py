"""Errors raised while reading a document: always the file's (or the environment's) fault."""

from __future__ import annotations

from engine.errors import HearthError


class DocumentError(HearthError):
    """A document cannot be read: missing, not a regular file, damaged, encrypted, a bomb, too slow.

    The message is one human sentence naming the file, e.g.
    ``"report.pdf is password-protected; remove the password and try again."``
    """
