"""Per-callback invocation statistics, computed from the execution history.

``GET /api/v1/portals/{portal}/callbacks/{id}/stats?window=SECONDS`` returns
one callback's invocation counts by outcome, its error rate and the p50, p95
and p99 of run time and statement count over the last ``window`` seconds
(default one hour). The figures come from the ``executions`` table that the
execution history writes (see ``server.history``), so they cover only the rows that its retention
keeps: at most ``history_max_rows`` per callback (1,000 by default, returned
as ``history_max_rows``), however long the window. The route writes its own worker's queued rows
first; rows of other worker processes arrive within their writer's flush
interval.

``latency_ms`` is the run time of the program as the runtime measures it
(``duration_ms`` of the history). Invocations rejected for invalid arguments
never ran, so they count in ``count`` and ``error_rate`` but not in the
latency and statement figures.
"""

from __future__ import annotations

import logging
import math
import sqlite3
from datetime import UTC, datetime, timedelta

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server.admin_auth import admin_endpoint, path_int
from server.history import INVALID_ARGUMENTS, STATUSES, SUCCESS
from server.validation import positive_int

logger = logging.getLogger(__name__)

DEFAULT_WINDOW_SECONDS = 3600
MAX_WINDOW_SECONDS = 30 * 24 * 3600


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Return the nearest-rank percentile of an ascending list, or None if empty."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def distribution(values: list[float], digits: int = 3) -> dict:
    """Summarise values as p50, p95, p99 and max; each is None without values."""
    ordered = sorted(values)
    summary: dict[str, float | None] = {}
    for name, fraction in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99)):
        value = percentile(ordered, fraction)
        summary[name] = None if value is None else round(value, digits)
    summary["max"] = round(ordered[-1], digits) if ordered else None
    return summary


def callback_statistics(
    storage,
    portal_id: int,
    callback_id: int,
    window_seconds: int,
    now: datetime | None = None,
) -> dict:
    """Summarise one callback's history rows of the last ``window_seconds``.

    Raises ``NotFound`` for a callback that is not in the portal.
    """
    storage.get_callback(portal_id, callback_id)
    moment = now or datetime.now(UTC)
    since = (moment - timedelta(seconds=window_seconds)).isoformat(
        timespec="microseconds"
    )
    rows = storage.db.execute(
        "SELECT status, duration_ms, statements FROM executions "
        "WHERE portal_id = ? AND callback_id = ? AND started_at >= ?",
        [portal_id, callback_id, since],
    ).fetchall()
    count = len(rows)
    by_status = {status: 0 for status in STATUSES}
    for status, _, _ in rows:
        by_status[status] = by_status.get(status, 0) + 1
    errors = count - by_status[SUCCESS]
    ran = [row for row in rows if row[0] != INVALID_ARGUMENTS]
    statements = [row[2] for row in ran]
    return {
        "portal_id": portal_id,
        "callback_id": callback_id,
        "window_seconds": window_seconds,
        "count": count,
        "by_status": by_status,
        "errors": errors,
        "error_rate": round(errors / count, 4) if count else None,
        "latency_ms": distribution([row[1] for row in ran]),
        "statements": {
            **distribution(statements, digits=0),
            "mean": round(sum(statements) / len(ran), 1) if ran else None,
        },
    }


@admin_endpoint
async def stats_endpoint(request: Request) -> JSONResponse:
    """Return one callback's statistics over ``?window=SECONDS``."""
    service = request.app.state.service
    window = positive_int(
        request.query_params.get("window"),
        "window",
        DEFAULT_WINDOW_SECONDS,
        MAX_WINDOW_SECONDS,
    )
    portal_id = path_int(request, "portal")
    callback_id = path_int(request, "callback")

    def load() -> dict:
        # Write this worker's queued rows first, so the figures include
        # every invocation this process finished before the request.
        writer = getattr(service, "history", None)
        if writer is not None:
            try:
                writer.flush()
            except sqlite3.Error as exc:
                # The rows stay queued for the writer thread's next round.
                logger.warning(
                    "Statistics of callback %d in portal %d read without this "
                    "worker's queued history rows: %s",
                    callback_id,
                    portal_id,
                    exc,
                )
        body = callback_statistics(service.storage, portal_id, callback_id, window)
        body["history_max_rows"] = service.settings.history_max_rows
        return body

    return JSONResponse(await run_in_threadpool(load))


routes = [
    Route(
        "/api/v1/portals/{portal:int}/callbacks/{callback:int}/stats",
        stats_endpoint,
        methods=["GET"],
    ),
]
