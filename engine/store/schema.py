"""The store's schema: the frozen first version and the steps that bring it up to date.

A new database is built by running ``SCHEMA_V1`` and then every migration step, so a fresh
file and a migrated one have exactly the same schema. ``SCHEMA_V1`` must never change once
released: new needs get a new step in ``engine.store.migrations``.

The full-text indexes use FTS5 ``secure-delete`` (deleted text leaves the index itself, not
just a tombstone) with ``detail = 'column'``: with positions (``detail = 'full'``) secure-delete
corrupts the index in SQLite 3.54.1 once long, repetitive texts are updated and deleted (a
streamed answer is exactly that; see tests/engine/store/test_search.py). The cost is that a
query is a set of words, not a phrase: adjacency is not enforced.

Ids use AUTOINCREMENT so an id is never reused after a delete (scripts and the GUI may hold
on to one). Times are integer milliseconds since the Unix epoch (UTC). Free-text columns are
read back through ``CAST(... AS BLOB)`` so one damaged row cannot make a whole conversation
unreadable.
"""

from __future__ import annotations

SCHEMA_V1 = """
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    model TEXT,
    model_sha256 TEXT,
    settings_json TEXT NOT NULL DEFAULT '{}',
    active_leaf_id INTEGER REFERENCES messages(id) ON DELETE SET NULL
);
CREATE INDEX conversations_recent_idx ON conversations(pinned, updated_at);
CREATE INDEX conversations_leaf_idx ON conversations(active_leaf_id);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    parent_id INTEGER,
    role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
    content TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'complete'
        CHECK (status IN ('streaming', 'complete', 'cancelled', 'interrupted', 'error')),
    error TEXT,
    writer TEXT,
    model TEXT,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    first_token_ms INTEGER,
    generation_ms INTEGER,
    stats_json TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (conversation_id, id),
    FOREIGN KEY (conversation_id, parent_id) REFERENCES messages(conversation_id, id)
);
CREATE INDEX messages_parent_idx ON messages(conversation_id, parent_id);
CREATE INDEX messages_streaming_idx ON messages(status) WHERE status = 'streaming';

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size INTEGER NOT NULL,
    mime TEXT NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    kind TEXT NOT NULL CHECK (kind IN ('image', 'document', 'file')),
    filename TEXT NOT NULL DEFAULT '',
    recipe_json TEXT,
    UNIQUE (message_id, position)
);
CREATE INDEX attachments_sha_idx ON attachments(sha256);

CREATE TABLE summaries (
    document_sha256 TEXT NOT NULL,
    model_sha256 TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    level INTEGER NOT NULL,
    chunk INTEGER NOT NULL,
    chunk_sha256 TEXT,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (document_sha256, model_sha256, prompt_version, level, chunk)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE messages_fts USING fts5(
    content, content = 'messages', content_rowid = 'id', detail = 'column',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO messages_fts(messages_fts, rank) VALUES ('secure-delete', 1);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;
"""

V1 = 1
CURRENT_VERSION = 2
"""The schema version this build writes (``PRAGMA user_version``)."""

# Tables and triggers every current database has; used by the schema self-check.
EXPECTED_TABLES = frozenset(
    {
        "conversations",
        "messages",
        "blobs",
        "attachments",
        "summaries",
        "messages_fts",
        "conversations_fts",
    }
)
