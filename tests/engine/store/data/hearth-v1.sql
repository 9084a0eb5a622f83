-- A Hearth history database at schema version 1, as the first release wrote it.
-- Frozen: never edit this file. The DDL is a copy of engine.store.schema.SCHEMA_V1 as released;
-- the rows exercise branches, an interrupted answer, an attachment with its Pan & Scan recipe,
-- and a chunk summary. tests/engine/store/test_migrations.py migrates it to the current schema.

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
INSERT INTO conversations (id, uid, title, created_at, updated_at, pinned, model, model_sha256, settings_json)
VALUES
  (1, '11111111-1111-4111-8111-111111111111', 'Lighting a wood stove', 1764000000000, 1764000090000, 1,
   'gemma-3-4b-it-q4', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
   '{"temperature": 0.7, "top_k": 64}'),
  (2, '22222222-2222-4222-8222-222222222222', 'Photo question', 1764100000000, 1764100050000, 0,
   'gemma-3-4b-it-q4', NULL, '{}');
INSERT INTO messages (id, conversation_id, parent_id, role, content, status, model, prompt_tokens,
                      completion_tokens, first_token_ms, generation_ms, stats_json, created_at, updated_at)
VALUES
  (1, 1, NULL, 'user', 'How do I light a wood stove?', 'complete', NULL, NULL, NULL, NULL, NULL, NULL,
   1764000000000, 1764000000000),
  (2, 1, 1, 'assistant', 'Open the damper, then build a small kindling teepee.', 'complete',
   'gemma-3-4b-it-q4', 21, 12, 180, 950, '{"tokens_per_second": 12.6}', 1764000001000, 1764000002000),
  (3, 1, 1, 'assistant', 'Start with dry kindling and newspaper; open the damper first.', 'complete',
   'gemma-3-4b-it-q4', 21, 14, 170, 990, NULL, 1764000030000, 1764000031000),
  (4, 1, 3, 'user', 'And how do I bank the fire overnight?', 'complete', NULL, NULL, NULL, NULL, NULL,
   NULL, 1764000060000, 1764000060000),
  (5, 1, 4, 'assistant', 'Rake the embers forward and add a large log', 'interrupted',
   'gemma-3-4b-it-q4', NULL, NULL, NULL, NULL, NULL, 1764000061000, 1764000090000),
  (6, 2, NULL, 'user', 'What is in this picture?', 'complete', NULL, NULL, NULL, NULL, NULL, NULL,
   1764100000000, 1764100000000),
  (7, 2, 6, 'assistant', 'A cast-iron stove with a glass door.', 'complete', 'gemma-3-4b-it-q4',
   1300, 9, 2100, 2600, NULL, 1764100001000, 1764100050000);
UPDATE conversations SET active_leaf_id = 5 WHERE id = 1;
UPDATE conversations SET active_leaf_id = 7 WHERE id = 2;
INSERT INTO blobs (sha256, size, mime, created_at)
VALUES ('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 48213, 'image/jpeg', 1764100000000);
INSERT INTO attachments (id, message_id, position, sha256, kind, filename, recipe_json)
VALUES (1, 6, 0, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'image', 'stove.jpg',
        '{"mode": "pan_and_scan", "crops": [[0, 0, 960, 1080], [960, 0, 1920, 1080]], "mmproj_sha256": "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", "extra": {}}');
INSERT INTO summaries (document_sha256, model_sha256, prompt_version, level, chunk, chunk_sha256, text, created_at)
VALUES ('dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd',
        'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'map-v1', 0, 0, NULL,
        'The manual covers installation and clearances.', 1764100000000);
PRAGMA user_version = 1;
