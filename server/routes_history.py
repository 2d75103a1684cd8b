"""Admin API routes of the execution history.

``GET /api/v1/portals/{portal}/callbacks/{id}/executions`` lists a
callback's invocations newest first, filtered by ``status``, ``since`` and
``until`` (ISO 8601, ``since`` inclusive, ``until`` exclusive) and paged by
``page`` and ``per_page``. ``.../executions/{execution}`` returns one row.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server import history
from server.admin_auth import admin_endpoint, path_int
from server.validation import positive_int

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 50


@admin_endpoint
async def list_executions(request: Request) -> JSONResponse:
    query = request.query_params
    page = positive_int(query.get("page"), "page", 1, 10**9)
    per_page = positive_int(
        query.get("per_page"), "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE
    )
    body = await run_in_threadpool(
        history.list_executions,
        request.app.state.service.storage,
        path_int(request, "portal"),
        path_int(request, "callback"),
        status=query.get("status"),
        since=query.get("since"),
        until=query.get("until"),
        page=page,
        per_page=per_page,
    )
    return JSONResponse(body)


@admin_endpoint
async def read_execution(request: Request) -> JSONResponse:
    row = await run_in_threadpool(
        history.get_execution,
        request.app.state.service.storage,
        path_int(request, "portal"),
        path_int(request, "callback"),
        path_int(request, "execution"),
    )
    return JSONResponse(row)


PREFIX = "/api/v1/portals/{portal:int}/callbacks/{callback:int}/executions"

routes = [
    Route(PREFIX, list_executions, methods=["GET"]),
    Route(f"{PREFIX}/{{execution:int}}", read_execution, methods=["GET"]),
]
