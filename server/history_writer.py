"""The background thread that writes execution history rows in batches.

The invoke path only appends the fields of a row to an in-memory queue. Every
``FLUSH_INTERVAL_SECONDS`` the thread inserts the pending rows in one short
transaction and, in the same transaction, deletes the oldest rows of each
callback it wrote beyond the per-callback maximum. Rows older than the
maximum age are deleted every ``AGE_PRUNE_INTERVAL_SECONDS``. ``close``
writes what is still queued, so a graceful shutdown loses no row.
"""

from __future__ import annotations

import collections
import logging
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta

from server.history import COLUMNS, execution_row

logger = logging.getLogger(__name__)

FLUSH_INTERVAL_SECONDS = 0.2
AGE_PRUNE_INTERVAL_SECONDS = 60.0
# Rows queued beyond this are dropped and counted, so a database that stays
# locked cannot exhaust memory.
MAX_PENDING_ROWS = 100_000

INSERT = (
    f"INSERT INTO executions ({', '.join(COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in COLUMNS)})"
)
CALLBACK_COLUMN = COLUMNS.index("callback_id")


class HistoryWriter:
    """Queue of invocation fields and the thread that stores them as rows."""

    def __init__(self, storage, max_rows_per_callback: int, max_age_days: float):
        self.storage = storage
        self.max_rows_per_callback = max_rows_per_callback
        self.max_age = timedelta(days=max_age_days)
        self.dropped = 0
        self.written = 0
        self._pending: collections.deque[dict] = collections.deque()
        self._stop = threading.Event()
        self._flush_lock = threading.Lock()
        self._next_age_prune = 0.0
        self._thread = threading.Thread(
            target=self._run, name="history-writer", daemon=True
        )
        self._thread.start()

    def record(self, fields: dict) -> None:
        """Queue the ``execution_row`` fields of one invocation.

        Takes no lock and never touches SQLite.
        """
        if len(self._pending) >= MAX_PENDING_ROWS:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 10_000 == 0:
                logger.error(
                    "Dropped %d execution history rows: %d rows are waiting for "
                    "the database",
                    self.dropped,
                    len(self._pending),
                )
            return
        self._pending.append(fields)

    @property
    def pending(self) -> int:
        return len(self._pending)

    def _run(self) -> None:
        while not self._stop.wait(FLUSH_INTERVAL_SECONDS):
            try:
                self.flush()
            except sqlite3.Error as exc:
                # The rows stay queued and the next round retries them.
                logger.warning(
                    "Failed to write %d execution history rows (will retry): %s",
                    len(self._pending),
                    exc,
                )

    def flush(self) -> int:
        """Write the queued rows now and return how many were written."""
        with self._flush_lock:
            queued = list(self._pending)
            rows = [row for row in map(self._build, queued) if row is not None]
            if rows:
                self._write(rows)
                self.written += len(rows)
            for _ in queued:
                self._pending.popleft()
            if time.monotonic() >= self._next_age_prune:
                self.prune_by_age()
                self._next_age_prune = time.monotonic() + AGE_PRUNE_INTERVAL_SECONDS
            return len(rows)

    def _build(self, fields: dict) -> tuple | None:
        try:
            return execution_row(**fields)
        except (TypeError, ValueError) as exc:
            self.dropped += 1
            logger.error(
                "Dropped the history row of callback %s version %s: %s",
                fields.get("callback_id"),
                fields.get("version"),
                exc,
            )
            return None

    def _write(self, rows: list[tuple]) -> None:
        callback_ids = {row[CALLBACK_COLUMN] for row in rows}
        with self.storage.transaction() as db:
            db.conn.executemany(INSERT, rows)
            for callback_id in callback_ids:
                db.execute(
                    "DELETE FROM executions WHERE callback_id = ? AND id <= ("
                    "SELECT id FROM executions WHERE callback_id = ? "
                    "ORDER BY id DESC LIMIT 1 OFFSET ?)",
                    [callback_id, callback_id, self.max_rows_per_callback],
                )

    def prune_by_age(self) -> None:
        """Delete the rows older than the maximum age."""
        cutoff = (datetime.now(UTC) - self.max_age).isoformat(timespec="microseconds")
        with self.storage.transaction() as db:
            deleted = db.execute(
                "DELETE FROM executions WHERE started_at < ?", [cutoff]
            ).rowcount
        if deleted:
            logger.info("Deleted %d execution history rows before %s", deleted, cutoff)

    def close(self) -> None:
        """Stop the thread and write every queued row."""
        self._stop.set()
        self._thread.join()
        try:
            self.flush()
        except sqlite3.Error as exc:
            logger.error(
                "Lost %d execution history rows at shutdown: %s",
                len(self._pending),
                exc,
            )
