"""Admin API routes to export and import a portal's functions.

``GET /api/v1/portals/{portal}/export`` returns the export document
(``?tokens=true`` includes the auth tokens of published callbacks).
``POST /api/v1/portals/{portal}/import`` imports a document into that
portal. It returns the report with status 200, or with 409 when the
document conflicts with the portal's functions, in which case nothing was
imported.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server import backup, backup_import
from server.admin_auth import admin_endpoint, path_int
from server.request_body import parse_json, read_body

# An export contains every version of every function, so it may be far larger
# than an invocation body.
IMPORT_MAX_BYTES = 64 * 1024 * 1024


@admin_endpoint
async def export_portal(request: Request) -> JSONResponse:
    include_tokens = request.query_params.get("tokens", "").lower() == "true"
    document = await run_in_threadpool(
        backup.export_portal,
        request.app.state.service.storage,
        path_int(request, "portal"),
        include_tokens,
    )
    return JSONResponse(document, headers={"Cache-Control": "no-store"})


@admin_endpoint
async def import_portal(request: Request) -> JSONResponse:
    service = request.app.state.service
    portal_id = path_int(request, "portal")
    data = await read_body(request, IMPORT_MAX_BYTES)
    document = parse_json(
        data, service.settings.limits.nesting_depth, what="Import document"
    )
    report = await run_in_threadpool(
        backup_import.import_portal, service, document, portal_id
    )
    return JSONResponse(report, status_code=409 if report["conflicts"] else 200)


PREFIX = "/api/v1/portals/{portal:int}"

routes = [
    Route(f"{PREFIX}/export", export_portal, methods=["GET"]),
    Route(f"{PREFIX}/import", import_portal, methods=["POST"]),
]
