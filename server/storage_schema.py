"""The SQLite schema and its migrations, recorded in ``schema_version``."""

from __future__ import annotations

import logging
import sqlite3

import sqlite_utils

from server.history_schema import SCHEMA_V2

logger = logging.getLogger(__name__)

SCHEMA_V1 = """
CREATE TABLE portals (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX portals_name ON portals (name COLLATE NOCASE);

CREATE TABLE callbacks (
    id INTEGER PRIMARY KEY,
    portal_id INTEGER NOT NULL REFERENCES portals (id),
    name TEXT NOT NULL,
    api_name TEXT,
    description TEXT NOT NULL DEFAULT '',
    current_version INTEGER NOT NULL,
    published INTEGER NOT NULL DEFAULT 0,
    live_version INTEGER,
    live_dependencies TEXT NOT NULL DEFAULT '[]',
    live_digest TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX callbacks_name ON callbacks (portal_id, name COLLATE NOCASE);
CREATE UNIQUE INDEX callbacks_api_name_unique
    ON callbacks (portal_id, api_name COLLATE NOCASE) WHERE api_name IS NOT NULL;
CREATE INDEX callbacks_api_name ON callbacks (portal_id, api_name);

CREATE TABLE callback_versions (
    callback_id INTEGER NOT NULL REFERENCES callbacks (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    script TEXT NOT NULL,
    return_type TEXT NOT NULL,
    source_digest TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (callback_id, version)
);

CREATE TABLE callback_parameters (
    callback_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    PRIMARY KEY (callback_id, version, position),
    FOREIGN KEY (callback_id, version)
        REFERENCES callback_versions (callback_id, version) ON DELETE CASCADE
);

CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    portal_id INTEGER NOT NULL REFERENCES portals (id),
    callback_id INTEGER NOT NULL REFERENCES callbacks (id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL UNIQUE,
    token_encrypted TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    disabled_at TEXT
);
CREATE INDEX tokens_callback ON tokens (callback_id, active);

CREATE TABLE global_functions (
    id INTEGER PRIMARY KEY,
    portal_id INTEGER NOT NULL REFERENCES portals (id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    current_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX global_functions_name
    ON global_functions (portal_id, name COLLATE NOCASE);

CREATE TABLE global_function_versions (
    global_function_id INTEGER NOT NULL
        REFERENCES global_functions (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    script TEXT NOT NULL,
    return_type TEXT NOT NULL,
    parameters TEXT NOT NULL,
    source_digest TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (global_function_id, version)
);
"""

# Each entry moves the schema from its index to index + 1.
MIGRATIONS = [SCHEMA_V1, SCHEMA_V2]


def split_statements(script: str) -> list[str]:
    """Split a migration into statements; a trigger body keeps its semicolons."""
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending)
            pending = ""
    if pending.strip(" \n;"):
        statements.append(pending)
    return statements


def schema_version(db: sqlite_utils.Database) -> int:
    if "schema_version" not in db.table_names():
        return 0
    row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(db: sqlite_utils.Database, now: str) -> int:
    """Apply the missing migrations and create portal 1; return the version.

    The whole upgrade runs in one ``BEGIN IMMEDIATE`` transaction, so two
    processes starting at once apply it once: the second waits on the write
    lock and then finds the schema current.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
        current = schema_version(db)
        if current > len(MIGRATIONS):
            raise RuntimeError(
                f"The database schema is version {current}, newer than this "
                f"program's {len(MIGRATIONS)}; upgrade deluge-callbacks"
            )
        for version in range(current, len(MIGRATIONS)):
            for statement in split_statements(MIGRATIONS[version]):
                db.execute(statement)
            db.execute("INSERT INTO schema_version (version) VALUES (?)", [version + 1])
            logger.info("Migrated the database schema to version %d", version + 1)
        db.execute(
            "INSERT OR IGNORE INTO portals (id, name, time_zone, created_at) "
            "VALUES (1, 'Default portal', 'UTC', ?)",
            [now],
        )
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return len(MIGRATIONS)
