"""Full-text search over messages and titles, safe for any text the user types.

User input never reaches FTS5 as query syntax: it is run through the same tokenizer as the
index and every resulting word is sent as a quoted FTS5 string, all of them required (implicit
AND). So ``multi-agent``, ``a'b``, ``50%``, ``AND``, ``NEAR(`` or a lone ``"`` are just text: no
syntax errors, and no silent zero hits from punctuation. The index keeps no word positions
(see ``engine.store.schema``), so words need not be adjacent: ``multi-agent`` finds messages
containing both "multi" and "agent".

Ranking is BM25. When more than ``CANDIDATES`` messages match, the ranking is done among the
``CANDIDATES`` most recent of them (a bounded cost at any history size; recent chats matter
most); ``SearchResults.newest_only`` says when that happened.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import apsw

from engine.store.database import Database
from engine.store.errors import StoreCorruptError
from engine.store.records import Role, datetime_to_ms, decode_text, ms_to_datetime
from engine.store.rows import scalar

MARK_OPEN = "\x02"
MARK_CLOSE = "\x03"
ELLIPSIS = "…"
SNIPPET_TOKENS = 16
CANDIDATES = 1000
"""At most this many of the newest matches are ranked by BM25 for one query (BM25 costs about
4 µs per candidate: 1000 keeps a query on a million messages well under 30 ms)."""
COMMON_SHARE = 0.05
"""A word in more than this share of recent messages is "very common" (see ``search``)."""
MIN_PREFIX = 3
"""Search-as-you-type matches the last word as a prefix only from this many characters on
(a one- or two-letter prefix expands to a large part of the vocabulary)."""

TOKENIZER = "unicode61"
TOKENIZER_ARGS = ["remove_diacritics", "2"]
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class FtsQuery:
    """A user's search text made safe: its words, as the index tokenizes them."""

    terms: tuple[str, ...]
    prefix_last: bool = False
    """The last word matches as a prefix (search-as-you-type)."""

    @property
    def expression(self) -> str:
        """The FTS5 query: every word a quoted string, all required."""
        quoted = ['"' + term.replace('"', '""') + '"' for term in self.terms]
        if self.prefix_last:
            quoted[-1] += "*"
        return " ".join(quoted)

    def without(self, dropped: set[str]) -> FtsQuery:
        kept = [(i, t) for i, t in enumerate(self.terms) if t not in dropped]
        prefix = self.prefix_last and kept[-1][0] == len(self.terms) - 1
        return FtsQuery(tuple(t for _, t in kept), prefix)


def build_query(
    connection: apsw.Connection, text: str, *, prefix_last: bool = False
) -> FtsQuery | None:
    """Turn free text into a safe FTS5 expression; None when nothing in it is searchable.

    ``prefix_last`` makes the last word match as a prefix (search-as-you-type) unless the text
    ends with whitespace or a closing quote.
    """
    tokenizer = connection.fts5_tokenizer(TOKENIZER, TOKENIZER_ARGS)
    cleaned = _CONTROL.sub(" ", text).encode("utf-8", errors="replace").decode("utf-8")
    terms: list[str] = []
    for token in tokenizer(cleaned.encode("utf-8"), apsw.FTS5_TOKENIZE_QUERY, None):
        if len(token) > 2 and token[2]:
            terms.append(str(token[2]))
    if not terms:
        return None
    prefix = prefix_last and cleaned[-1:].isalnum() and len(terms[-1]) >= MIN_PREFIX
    return FtsQuery(tuple(terms), prefix)


def split_marked(snippet: str) -> list[tuple[str, bool]]:
    """A marked snippet as (text, highlighted) parts, in order."""
    parts: list[tuple[str, bool]] = []
    highlighted = False
    buffer: list[str] = []
    for char in snippet:
        if char in (MARK_OPEN, MARK_CLOSE):
            if buffer:
                parts.append(("".join(buffer), highlighted))
                buffer = []
            highlighted = char == MARK_OPEN
        else:
            buffer.append(char)
    if buffer:
        parts.append(("".join(buffer), highlighted))
    return parts


class _Highlighted:
    snippet: str

    def parts(self) -> list[tuple[str, bool]]:
        """(text, highlighted) pieces, for a UI to style the matched words."""
        return split_marked(self.snippet)

    def highlighted(self, open_mark: str = "[", close_mark: str = "]") -> str:
        return "".join(f"{open_mark}{t}{close_mark}" if hit else t for t, hit in self.parts())

    def html(self) -> str:
        """HTML-escaped text with ``<mark>`` around matched words."""
        return "".join(
            f"<mark>{html.escape(t)}</mark>" if hit else html.escape(t) for t, hit in self.parts()
        )

    @property
    def plain(self) -> str:
        return "".join(t for t, _ in self.parts())


@dataclass(frozen=True)
class MessageHit(_Highlighted):
    conversation_id: int
    conversation_title: str
    message_id: int
    role: Role
    created_at: datetime
    snippet: str
    """Matched words are wrapped in ``MARK_OPEN``/``MARK_CLOSE``; see ``parts()``, ``html()``."""
    rank: float
    """BM25 score: lower is better."""


@dataclass(frozen=True)
class TitleHit(_Highlighted):
    conversation_id: int
    snippet: str
    updated_at: datetime
    rank: float


@dataclass(frozen=True)
class SearchResults:
    text: str
    query: FtsQuery | None
    """The words searched for (very common words already dropped), None if none."""
    titles: list[TitleHit]
    messages: list[MessageHit]
    newest_only: bool
    """True when so many messages matched that only the newest ``CANDIDATES`` were ranked."""
    ignored: tuple[str, ...] = ()
    """Very common words left out because rarer ones were given (like "the" or "how")."""
    by_recency: bool = False
    """True when hits are newest first instead of best first: every word was very common, or
    the last word was matched as a prefix (search-as-you-type)."""


def _newest_match(
    connection: apsw.Connection,
    expression: str,
    nth: int,
    *,
    join: str = "FROM messages_fts f",
    where: str = "messages_fts MATCH :q",
    params: dict[str, Any] | None = None,
) -> int | None:
    """The rowid of the ``nth`` newest match (1-based), None when there are fewer matches."""
    row = connection.execute(
        f"SELECT f.rowid {join} WHERE {where} ORDER BY f.rowid DESC LIMIT 1 OFFSET :skip",
        {**(params or {}), "q": expression, "skip": nth - 1},
    ).fetchone()
    return None if row is None else int(row[0])


def _common_terms(connection: apsw.Connection, query: FtsQuery) -> set[str]:
    """Words found in more than ``COMMON_SHARE`` of the newest messages (at least
    ``CANDIDATES`` of them): estimated from how far back the ``CANDIDATES``-th newest match
    lies, which costs a fraction of a millisecond whatever the history size."""
    newest = scalar(connection, "SELECT max(id) FROM messages")
    if newest is None:
        return set()
    common: set[str] = set()
    for index, term in enumerate(query.terms):
        if query.prefix_last and index == len(query.terms) - 1:
            continue
        nth = _newest_match(connection, FtsQuery((term,)).expression, CANDIDATES)
        if nth is not None and CANDIDATES / (int(newest) - nth + 1) > COMMON_SHARE:
            common.add(term)
    return common


def _id_range(connection: apsw.Connection, conversation_id: int) -> tuple[int, int] | None:
    row = connection.execute(
        "SELECT min(id), max(id) FROM messages WHERE conversation_id = ?", (conversation_id,)
    ).fetchone()
    if row is None or row[0] is None:
        return None
    return int(row[0]), int(row[1])


def search(
    db: Database,
    text: str,
    *,
    conversation_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 20,
    offset: int = 0,
    prefix_last: bool = False,
) -> SearchResults:
    """Messages (and conversation titles) matching every word of ``text``, best first.

    Filters: one conversation, and/or messages created in ``[since, until)``. Very common
    words ("the", "how") are dropped when rarer ones are given (``ignored``); when every word
    is very common the hits come newest first (``by_recency``), since ranking them would cost
    a scan of most of the index and say little.
    """
    with db.read("search your history") as connection:
        query = build_query(connection, text, prefix_last=prefix_last)
        if query is None:
            return SearchResults(text, None, [], [], newest_only=False)
        common = _common_terms(connection, query)
        # Search-as-you-type lists newest first: a prefix stands for many words, and each
        # evaluation merges all their lists, so ranking (three evaluations) is left for Enter.
        by_recency = len(common) == len(query.terms) or query.prefix_last
        ignored: tuple[str, ...] = ()
        if common and len(common) < len(query.terms):
            ignored = tuple(t for t in query.terms if t in common)
            query = query.without(common)
        filters = ["messages_fts MATCH :q"]
        params: dict[str, Any] = {"q": query.expression}
        if conversation_id is not None:
            span = _id_range(connection, conversation_id)
            if span is None:
                return SearchResults(text, query, [], [], False, ignored, by_recency)
            filters.append("f.rowid BETWEEN :lo AND :hi AND m.conversation_id = :conversation")
            params.update(lo=span[0], hi=span[1], conversation=conversation_id)
        if since is not None:
            filters.append("m.created_at >= :since")
            params["since"] = datetime_to_ms(since)
        if until is not None:
            filters.append("m.created_at < :until")
            params["until"] = datetime_to_ms(until)
        where = " AND ".join(filters)
        # Join the messages table only to filter. CROSS JOIN keeps the FTS index as the outer
        # loop (rowid ranges pushed into it); otherwise the planner may scan a conversation's
        # messages and probe the index once per row.
        if len(filters) > 1:
            join = "FROM messages_fts f CROSS JOIN messages m ON m.id = f.rowid"
        else:
            join = "FROM messages_fts f"

        if by_recency:
            newest_only = False
            ranked: list[Any] = connection.execute(
                f"SELECT f.rowid, 0.0 {join} WHERE {where} "
                "ORDER BY f.rowid DESC LIMIT :limit OFFSET :offset",
                {**params, "limit": limit, "offset": offset},
            ).fetchall()
        else:
            boundary = _newest_match(
                connection, query.expression, CANDIDATES, join=join, where=where, params=params
            )
            newest_only = boundary is not None
            if boundary is not None:
                where += " AND f.rowid >= :boundary"
                params["boundary"] = boundary
            ranked = connection.execute(
                f"SELECT f.rowid, bm25(messages_fts) AS score {join} WHERE {where} "
                "ORDER BY score LIMIT :limit OFFSET :offset",
                {**params, "limit": limit, "offset": offset},
            ).fetchall()
        scores = {int(rowid): float(score) for rowid, score in ranked}
        details: dict[int, Any] = {}
        if scores:
            # One pass for all snippets: the index is evaluated once (a prefix query expands
            # to many words), the id range is pushed into it and ``+`` keeps the IN list out.
            for row in connection.execute(
                f"""
                SELECT f.rowid, m.conversation_id, CAST(c.title AS BLOB), m.role, m.created_at,
                       CAST(snippet(messages_fts, 0, '{MARK_OPEN}', '{MARK_CLOSE}',
                                    '{ELLIPSIS}', {SNIPPET_TOKENS}) AS BLOB)
                FROM messages_fts f CROSS JOIN messages m ON m.id = f.rowid
                CROSS JOIN conversations c ON c.id = m.conversation_id
                WHERE messages_fts MATCH :q AND f.rowid BETWEEN :lo AND :hi
                  AND +f.rowid IN (SELECT value FROM json_each(:ids))
                """,
                {
                    "q": query.expression,
                    "lo": min(scores),
                    "hi": max(scores),
                    "ids": json.dumps(list(scores)),
                },
            ):
                details[int(row[0])] = row
        hits: list[MessageHit] = []
        for rowid, score in scores.items():
            row = details.get(rowid)
            if row is None:
                continue
            row = row[1:]
            hits.append(
                MessageHit(
                    conversation_id=int(row[0]),
                    conversation_title=decode_text(row[1])[0],
                    message_id=int(rowid),
                    role=cast(Role, row[2]),
                    created_at=ms_to_datetime(int(row[3])),
                    snippet=decode_text(row[4])[0],
                    rank=float(score),
                )
            )
        titles: list[TitleHit] = []
        if offset == 0:
            title_filter = "" if conversation_id is None else "AND c.id = :conversation"
            for row in connection.execute(
                f"""
                SELECT c.id, CAST(highlight(conversations_fts, 0, '{MARK_OPEN}', '{MARK_CLOSE}')
                       AS BLOB), c.updated_at, bm25(conversations_fts) AS score
                FROM conversations_fts CROSS JOIN conversations c
                    ON c.id = conversations_fts.rowid
                WHERE conversations_fts MATCH :q {title_filter}
                ORDER BY score LIMIT :limit
                """,
                {"q": query.expression, "limit": limit, "conversation": conversation_id},
            ):
                titles.append(
                    TitleHit(
                        conversation_id=int(row[0]),
                        snippet=decode_text(row[1])[0],
                        updated_at=ms_to_datetime(int(row[2])),
                        rank=float(row[3]),
                    )
                )
        return SearchResults(text, query, titles, hits, newest_only, ignored, by_recency)


def rebuild_index(db: Database) -> None:
    """Rebuild both full-text indexes from the tables (they are caches of them)."""
    with db.write("rebuild the search index") as connection:
        connection.execute("INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')")
        connection.execute("INSERT INTO conversations_fts(conversations_fts) VALUES ('rebuild')")


def index_is_sound(db: Database) -> bool:
    """FTS5's own integrity check, including agreement with the message and title tables."""
    try:
        with db.write("check the search index") as connection:
            connection.execute(
                "INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)"
            )
            connection.execute(
                "INSERT INTO conversations_fts(conversations_fts, rank) "
                "VALUES ('integrity-check', 1)"
            )
    except StoreCorruptError:
        return False
    return True
