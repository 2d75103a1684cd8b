"""Admin API routes for portals and callbacks under ``/api/v1``."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server import callbacks
from server.admin_auth import MAX_ID, admin_endpoint, json_body, path_int
from server.errors import InvalidInput
from server.programs import compiler_version
from server.storage_portals import check_time_zone
from server.validation import check_portal_name, positive_int

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


def _service(request: Request):
    return request.app.state.service


def _base_url(request: Request) -> str:
    return str(request.base_url)


@admin_endpoint
async def list_portals(request: Request) -> JSONResponse:
    portals = await run_in_threadpool(_service(request).storage.list_portals)
    return JSONResponse({"portals": portals})


@admin_endpoint
async def create_portal(request: Request) -> JSONResponse:
    body = await json_body(request)
    name = check_portal_name(body.get("name"))
    time_zone = check_time_zone(body.get("time_zone", "UTC"))
    portal = await run_in_threadpool(
        _service(request).storage.create_portal, name, time_zone
    )
    return JSONResponse(portal, status_code=201)


@admin_endpoint
async def list_callbacks(request: Request) -> JSONResponse:
    service = _service(request)
    portal_id = path_int(request, "portal")
    query = request.query_params
    page = positive_int(query.get("page"), "page", 1, 10**9)
    per_page = positive_int(
        query.get("per_page"), "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE
    )
    search = query.get("search", "")

    def load() -> dict:
        service.storage.get_portal(portal_id)
        rows, total = service.storage.list_callbacks(portal_id, search, page, per_page)
        base_url = _base_url(request)
        return {
            "callbacks": [
                callbacks.callback_record(service, r, base_url) for r in rows
            ],
            "page": page,
            "per_page": per_page,
            "total": total,
        }

    return JSONResponse(await run_in_threadpool(load))


@admin_endpoint
async def create_callback(request: Request) -> JSONResponse:
    body = await json_body(request)
    record = await run_in_threadpool(
        callbacks.create_callback,
        _service(request),
        path_int(request, "portal"),
        body,
        _base_url(request),
    )
    return JSONResponse(record, status_code=201)


@admin_endpoint
async def read_callback(request: Request) -> JSONResponse:
    record = await run_in_threadpool(
        callbacks.read_callback,
        _service(request),
        path_int(request, "portal"),
        path_int(request, "callback"),
        _base_url(request),
    )
    return JSONResponse(record)


@admin_endpoint
async def edit_callback(request: Request) -> JSONResponse:
    body = await json_body(request)
    record = await run_in_threadpool(
        callbacks.edit_callback,
        _service(request),
        path_int(request, "portal"),
        path_int(request, "callback"),
        body,
        _base_url(request),
    )
    return JSONResponse(record)


@admin_endpoint
async def delete_callback(request: Request) -> JSONResponse:
    portal_id = path_int(request, "portal")
    callback_id = path_int(request, "callback")
    service = _service(request)
    # Reading first turns an unknown id into a 404.
    await run_in_threadpool(service.storage.get_callback, portal_id, callback_id)
    deleted = await run_in_threadpool(
        callbacks.delete_callbacks, service, portal_id, [callback_id]
    )
    return JSONResponse({"deleted": deleted})


@admin_endpoint
async def delete_many_callbacks(request: Request) -> JSONResponse:
    body = await json_body(request)
    ids = body.get("ids")
    valid_ids = isinstance(ids, list) and all(
        type(i) is int and 0 < i <= MAX_ID for i in ids
    )
    if not valid_ids or not ids:
        raise InvalidInput(
            "'ids' must be a non-empty list of callback ids", field="ids"
        )
    deleted = await run_in_threadpool(
        callbacks.delete_callbacks,
        _service(request),
        path_int(request, "portal"),
        ids,
    )
    missing = [i for i in ids if i not in deleted]
    return JSONResponse({"deleted": deleted, "not_found": missing})


@admin_endpoint
async def publish_callback(request: Request) -> JSONResponse:
    record = await run_in_threadpool(
        callbacks.publish_callback,
        _service(request),
        path_int(request, "portal"),
        path_int(request, "callback"),
        _base_url(request),
    )
    return JSONResponse(record)


@admin_endpoint
async def unpublish_callback(request: Request) -> JSONResponse:
    record = await run_in_threadpool(
        callbacks.unpublish_callback,
        _service(request),
        path_int(request, "portal"),
        path_int(request, "callback"),
        _base_url(request),
    )
    return JSONResponse(record)


@admin_endpoint
async def callback_python(request: Request) -> JSONResponse:
    body = await run_in_threadpool(
        callbacks.python_source,
        _service(request),
        path_int(request, "portal"),
        path_int(request, "callback"),
    )
    return JSONResponse(body)


@admin_endpoint
async def list_versions(request: Request) -> JSONResponse:
    versions = await run_in_threadpool(
        _service(request).storage.list_versions,
        path_int(request, "portal"),
        path_int(request, "callback"),
    )
    return JSONResponse({"versions": versions})


@admin_endpoint
async def read_version(request: Request) -> JSONResponse:
    row = await run_in_threadpool(
        _service(request).storage.get_version,
        path_int(request, "portal"),
        path_int(request, "callback"),
        path_int(request, "version"),
    )
    return JSONResponse(
        {
            "id": row["callback_id"],
            "version": row["version"],
            "script": row["script"],
            "return_type": row["return_type"],
            "parameters": row["parameters"],
            "created_at": row["created_at"],
        }
    )


@admin_endpoint
async def execute_callback(request: Request) -> JSONResponse:
    body = await json_body(request)
    report = await run_in_threadpool(
        callbacks.execute_callback,
        _service(request),
        path_int(request, "portal"),
        path_int(request, "callback"),
        body,
    )
    return JSONResponse(report)


@admin_endpoint
async def execute_script(request: Request) -> JSONResponse:
    body = await json_body(request)
    report = await run_in_threadpool(
        callbacks.execute_script,
        _service(request),
        path_int(request, "portal"),
        body,
    )
    return JSONResponse(report)


@admin_endpoint
async def status(request: Request) -> JSONResponse:
    service = _service(request)
    return JSONResponse(
        {
            "compiler_version": compiler_version(),
            "programs_in_memory": len(service.loader.table),
            "loader": service.loader.statistics.as_dict(),
            "disk_cache": service.code_cache.statistics.as_dict(),
        }
    )


PREFIX = "/api/v1/portals/{portal:int}"

routes = [
    Route("/api/v1/status", status, methods=["GET"]),
    Route("/api/v1/portals", list_portals, methods=["GET"]),
    Route("/api/v1/portals", create_portal, methods=["POST"]),
    Route(f"{PREFIX}/execute", execute_script, methods=["POST"]),
    Route(f"{PREFIX}/callbacks", list_callbacks, methods=["GET"]),
    Route(f"{PREFIX}/callbacks", create_callback, methods=["POST"]),
    Route(f"{PREFIX}/callbacks/delete", delete_many_callbacks, methods=["POST"]),
    Route(f"{PREFIX}/callbacks/{{callback:int}}", read_callback, methods=["GET"]),
    Route(f"{PREFIX}/callbacks/{{callback:int}}", edit_callback, methods=["PUT"]),
    Route(f"{PREFIX}/callbacks/{{callback:int}}", delete_callback, methods=["DELETE"]),
    Route(
        f"{PREFIX}/callbacks/{{callback:int}}/publish",
        publish_callback,
        methods=["POST"],
    ),
    Route(
        f"{PREFIX}/callbacks/{{callback:int}}/unpublish",
        unpublish_callback,
        methods=["POST"],
    ),
    Route(
        f"{PREFIX}/callbacks/{{callback:int}}/python",
        callback_python,
        methods=["GET"],
    ),
    Route(
        f"{PREFIX}/callbacks/{{callback:int}}/versions",
        list_versions,
        methods=["GET"],
    ),
    Route(
        f"{PREFIX}/callbacks/{{callback:int}}/versions/{{version:int}}",
        read_version,
        methods=["GET"],
    ),
    Route(
        f"{PREFIX}/callbacks/{{callback:int}}/execute",
        execute_callback,
        methods=["POST"],
    ),
]
