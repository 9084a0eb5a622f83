"""Document summaries, saved piece by piece so an interrupted summary resumes where it stopped.

Every saved piece is keyed by (document SHA-256, model file SHA-256, prompt version, level,
chunk): level 0 holds the per-chunk partial summaries of the map step, higher levels the
reduce steps, and ``FINAL_LEVEL`` the finished summary. A new prompt version or model simply
misses the cache; ``chunk_sha256`` (the hash of the chunk's text) guards against a chunk whose
boundaries moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.store.database import Database
from engine.store.records import clean_text, decode_text, now_ms

FINAL_LEVEL = -1


@dataclass(frozen=True)
class SummaryKey:
    document_sha256: str
    model_sha256: str
    prompt_version: str


@dataclass(frozen=True)
class SummaryPiece:
    level: int
    chunk: int
    text: str
    chunk_sha256: str | None


class Summaries:
    def __init__(self, db: Database) -> None:
        self._db = db

    def put(
        self,
        key: SummaryKey,
        chunk: int,
        text: str,
        *,
        level: int = 0,
        chunk_sha256: str | None = None,
    ) -> None:
        """Save (or replace) one piece; committed when this returns."""
        with self._db.write("save the summary") as connection:
            connection.execute(
                """
                INSERT INTO summaries (document_sha256, model_sha256, prompt_version, level,
                                       chunk, chunk_sha256, text, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (document_sha256, model_sha256, prompt_version, level, chunk)
                DO UPDATE SET chunk_sha256 = excluded.chunk_sha256, text = excluded.text,
                              created_at = excluded.created_at
                """,
                (
                    key.document_sha256,
                    key.model_sha256,
                    key.prompt_version,
                    level,
                    chunk,
                    chunk_sha256,
                    clean_text(text),
                    now_ms(),
                ),
            )

    def get(
        self, key: SummaryKey, chunk: int, *, level: int = 0, chunk_sha256: str | None = None
    ) -> str | None:
        """The saved piece, or None (also None if ``chunk_sha256`` is given and differs)."""
        with self._db.read("read the summary") as connection:
            row = connection.execute(
                """
                SELECT CAST(text AS BLOB), chunk_sha256 FROM summaries
                WHERE document_sha256 = ? AND model_sha256 = ? AND prompt_version = ?
                  AND level = ? AND chunk = ?
                """,
                (key.document_sha256, key.model_sha256, key.prompt_version, level, chunk),
            ).fetchone()
        if row is None:
            return None
        if chunk_sha256 is not None and row[1] is not None and row[1] != chunk_sha256:
            return None
        text, damaged = decode_text(row[0])
        return None if damaged else text

    def pieces(self, key: SummaryKey, *, level: int = 0) -> dict[int, SummaryPiece]:
        """Every saved piece of one level, by chunk index (what a resumed job can skip)."""
        with self._db.read("read the summary") as connection:
            rows: list[Any] = connection.execute(
                """
                SELECT chunk, CAST(text AS BLOB), chunk_sha256 FROM summaries
                WHERE document_sha256 = ? AND model_sha256 = ? AND prompt_version = ?
                  AND level = ?
                ORDER BY chunk
                """,
                (key.document_sha256, key.model_sha256, key.prompt_version, level),
            ).fetchall()
        found: dict[int, SummaryPiece] = {}
        for chunk, blob, chunk_sha in rows:
            text, damaged = decode_text(blob)
            if not damaged:
                found[int(chunk)] = SummaryPiece(level, int(chunk), text, chunk_sha)
        return found

    def put_final(self, key: SummaryKey, text: str) -> None:
        self.put(key, 0, text, level=FINAL_LEVEL)

    def get_final(self, key: SummaryKey) -> str | None:
        return self.get(key, 0, level=FINAL_LEVEL)

    def forget_document(self, document_sha256: str) -> int:
        """Delete everything saved for a document (all models and prompt versions)."""
        with self._db.write("delete the summaries") as connection:
            connection.execute(
                "DELETE FROM summaries WHERE document_sha256 = ?", (document_sha256,)
            )
            return connection.changes()
