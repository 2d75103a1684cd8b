"""Liveness and readiness endpoints for process supervisors and load balancers.

``GET /healthz`` returns 200 while the worker process serves requests.
``GET /readyz`` returns 200 when the worker can read the database and write
the compile cache, and 503 with the failed check otherwise. Neither needs
the admin key, and neither body contains a secret.
"""

from __future__ import annotations

import logging
import os
import sqlite3

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

logger = logging.getLogger(__name__)

PROBE_CODE = compile("None", "<readiness probe>", "eval")


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok", "worker": os.getpid()})


def _check_database(service) -> str | None:
    try:
        service.storage.db.execute("SELECT MAX(version) FROM schema_version")
    except sqlite3.Error as exc:
        return f"database {service.settings.database_path} is not readable: {exc}"
    return None


def _check_cache(service) -> str | None:
    # A key per process, so that workers probing at once do not interfere.
    # NOTE: each probe counts as a store in the cache statistics of /api/v1/status.
    key = f"readiness-probe-{os.getpid()}"
    if not service.code_cache.put(key, PROBE_CODE, {}):
        return (
            f"compile cache {service.settings.cache_dir} is not writable; "
            "the service log has the error"
        )
    service.code_cache.discard(key)
    return None


def readiness(service) -> tuple[int, dict]:
    """Run the checks and return the HTTP status and the response body."""
    failures = {
        name: message
        for name, message in (
            ("database", _check_database(service)),
            ("cache", _check_cache(service)),
        )
        if message is not None
    }
    history = getattr(service, "history", None)
    body: dict[str, object] = {
        "status": "not ready" if failures else "ready",
        "worker": os.getpid(),
        "checks": {
            "database": failures.get("database", "ok"),
            "cache": failures.get("cache", "ok"),
        },
    }
    if history is not None:
        body["history"] = {"pending": history.pending, "dropped": history.dropped}
    if failures:
        logger.error("Readiness check failed: %s", failures)
        return 503, body
    return 200, body


async def readyz(request: Request) -> JSONResponse:
    status, body = await run_in_threadpool(readiness, request.app.state.service)
    return JSONResponse(body, status_code=status)


routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
]
