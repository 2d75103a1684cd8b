"""Schema version 2: the execution history and secret parameters.

``executions`` has no foreign key to ``callbacks``, because the history
writer inserts in batches and one row of a callback deleted in the meantime must
not fail the whole batch. A trigger deletes a callback's history with it.
"""

SCHEMA_V2 = """
ALTER TABLE callback_parameters ADD COLUMN secret INTEGER NOT NULL DEFAULT 0;

CREATE TABLE executions (
    id INTEGER PRIMARY KEY,
    portal_id INTEGER NOT NULL,
    callback_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    status TEXT NOT NULL,
    http_status INTEGER NOT NULL,
    duration_ms REAL NOT NULL,
    statements INTEGER NOT NULL,
    error_message TEXT,
    info TEXT NOT NULL DEFAULT '[]',
    info_lines INTEGER NOT NULL DEFAULT 0,
    arguments TEXT
);
CREATE INDEX executions_callback ON executions (callback_id, id);
CREATE INDEX executions_started_at ON executions (started_at);

CREATE TRIGGER executions_of_deleted_callback AFTER DELETE ON callbacks
BEGIN
    DELETE FROM executions WHERE callback_id = OLD.id;
END
"""
