"""SQLite storage through sqlite-utils: one connection per thread, WAL mode.

Every read and write of a portal's data filters by ``portal_id``. Writes that
touch several rows run in one short ``BEGIN IMMEDIATE`` transaction.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from server.storage_callbacks import CallbackStore
from server.storage_globals import GlobalFunctionStore
from server.storage_portals import PortalStore
from server.storage_schema import migrate
from server.storage_tokens import TokenCipher, TokenStore

BUSY_TIMEOUT_MS = 5000


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Storage(PortalStore, CallbackStore, TokenStore, GlobalFunctionStore):
    """The service's database; ``db`` is the calling thread's connection."""

    def __init__(self, path: Path, token_cipher: TokenCipher):
        self.path = Path(path)
        self.token_cipher = token_cipher
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    @property
    def db(self) -> sqlite_utils.Database:
        database = getattr(self._local, "db", None)
        if database is None:
            database = self._connect()
            self._local.db = database
        return database

    def _connect(self) -> sqlite_utils.Database:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are opened explicitly with BEGIN.
        connection = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False
        )
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA foreign_keys = ON")
        with self._lock:
            self._connections.append(connection)
        return sqlite_utils.Database(connection)

    def migrate(self) -> int:
        """Create or upgrade the schema; portal 1 exists afterwards."""
        return migrate(self.db, utc_now())

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def now(self) -> str:
        return utc_now()

    def close(self) -> None:
        """Close every connection this object opened, in any thread."""
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
        self._local = threading.local()
