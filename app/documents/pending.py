"""Summaries that were running when Hearth closed, so the next start can resume them.

A small JSON file in the data directory (no Qt here). The partial summaries themselves are in
the store (``HistoryStore.summaries``); this only remembers which conversation and question a
running summary belonged to.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

PENDING_FILENAME = "pending-summaries.json"


@dataclass(frozen=True)
class PendingSummary:
    conversation_id: int
    question_id: int
    sha256: str
    name: str
    path: str
    """The original file; the stored copy (by sha256) is used if it has gone."""


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
