"""Summaries (and whole-document questions) that were running when Hearth closed, so the next
start can resume them.

A small JSON file in the data directory (no Qt here). The partial summaries themselves are in
the store (``HistoryStore.summaries``); this only remembers which conversation and question a
running summary belonged to, the question asked (None for a summary) and whether the scanned
pages were being read.
"""

from __future__ import annotations

import json
import os
import string
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.documents import ExtractedDocument

PENDING_FILENAME = "pending-summaries.json"


@dataclass(frozen=True)
class PendingSummary:
    conversation_id: int
    question_id: int
    sha256: str
    name: str
    path: str
    """The original file; the stored copy (by sha256) is used if it has gone."""
    question: str | None = None
    """The question answered over the whole document; None for a summary."""
    read_scans: bool = False
    """The vision model reads the scanned pages first."""


class PendingSummaries:
    def __init__(self, data_dir: Path) -> None:
        self._file = data_dir / PENDING_FILENAME

    def all(self) -> list[PendingSummary]:
        try:
            raw = json.loads(self._file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        found = []
        for item in raw if isinstance(raw, list) else []:
            try:
                found.append(PendingSummary(**item))
            except TypeError:
                continue
        return found

    def for_conversation(self, conversation_id: int) -> list[PendingSummary]:
        return [item for item in self.all() if item.conversation_id == conversation_id]

    def add(self, item: PendingSummary) -> None:
        self._write([*(i for i in self.all() if i.question_id != item.question_id), item])

    def remove(self, question_id: int) -> None:
        self._write([i for i in self.all() if i.question_id != question_id])

    def _write(self, items: list[PendingSummary]) -> None:
        temp = self._file.with_name(self._file.name + ".tmp")
        try:
            temp.write_text(json.dumps([asdict(i) for i in items]), encoding="utf-8")
            os.replace(temp, self._file)
        except OSError:
            pass  # resuming is a convenience; the summaries themselves are in the store


SCANS_DIRNAME = "scanned-pages"


class ScanTranscripts:
    """Documents with their scanned pages read by the vision model, one JSON file per document.

    Reading a scanned page takes the model a while: a resumed job starts from the saved
    transcription, and a citation of a page the model read still opens after a restart.
    """

    def __init__(self, data_dir: Path) -> None:
        self._dir = data_dir / SCANS_DIRNAME

    def _file(self, sha256: str) -> Path:
        return self._dir / f"{sha256}.json"

    def get(self, sha256: str) -> ExtractedDocument | None:
        """The saved document whose hash is (or starts with, as in a citation) ``sha256``."""
        if not sha256 or any(c not in string.hexdigits for c in sha256):
            return None
        try:
            path = next(iter(sorted(self._dir.glob(f"{sha256}*.json"))), None)
            if path is None:
                return None
            document = ExtractedDocument.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return document if document.sha256.startswith(sha256) else None

    def put(self, document: ExtractedDocument) -> None:
        target = self._file(document.sha256)
        temp = target.with_name(target.name + ".tmp")
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
            temp.write_text(json.dumps(document.to_dict()), encoding="utf-8")
            os.replace(temp, target)
        except OSError:
            pass  # a convenience: the pages can be read again
