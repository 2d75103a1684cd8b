"""Admin API routes for global functions."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server import global_functions
from server.admin_auth import admin_endpoint, json_body, path_int


@admin_endpoint
async def list_globals(request: Request) -> JSONResponse:
    service = request.app.state.service
    portal_id = path_int(request, "portal")

    def load() -> dict:
        service.storage.get_portal(portal_id)
        rows = service.storage.list_global_functions(portal_id)
        return {"global_functions": [global_functions.global_record(r) for r in rows]}

    return JSONResponse(await run_in_threadpool(load))


@admin_endpoint
async def create_global(request: Request) -> JSONResponse:
    body = await json_body(request)
    record = await run_in_threadpool(
        global_functions.create_global,
        request.app.state.service,
        path_int(request, "portal"),
        body,
    )
    return JSONResponse(record, status_code=201)


@admin_endpoint
async def read_global(request: Request) -> JSONResponse:
    row = await run_in_threadpool(
        request.app.state.service.storage.get_global_function,
        path_int(request, "portal"),
        path_int(request, "function"),
    )
    return JSONResponse(global_functions.global_record(row))


@admin_endpoint
async def edit_global(request: Request) -> JSONResponse:
    body = await json_body(request)
    record = await run_in_threadpool(
        global_functions.edit_global,
        request.app.state.service,
        path_int(request, "portal"),
        path_int(request, "function"),
        body,
    )
    return JSONResponse(record)


@admin_endpoint
async def delete_global(request: Request) -> JSONResponse:
    function_id = path_int(request, "function")
    await run_in_threadpool(
        global_functions.delete_global,
        request.app.state.service,
        path_int(request, "portal"),
        function_id,
    )
    return JSONResponse({"deleted": [function_id]})


PREFIX = "/api/v1/portals/{portal:int}/global-functions"

routes = [
    Route(PREFIX, list_globals, methods=["GET"]),
    Route(PREFIX, create_global, methods=["POST"]),
    Route(PREFIX + "/{function:int}", read_global, methods=["GET"]),
    Route(PREFIX + "/{function:int}", edit_global, methods=["PUT"]),
    Route(PREFIX + "/{function:int}", delete_global, methods=["DELETE"]),
]
