"""Execution history pages: a callback's invocations by URL and one in full.

The rows come from ``server.history``, the same reads as the admin API's
``.../executions`` routes.
"""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from server import callbacks, history
from server.web.listing import Listing, parse_page, parse_per_page
from server.web.routing import service_of
from server.web.templating import render, row_url, url_for

STATUS_LABELS = {
    history.SUCCESS: "Success",
    history.ERROR: "Error",
    history.LIMIT_EXCEEDED: "Limit exceeded",
    history.INVALID_ARGUMENTS: "Invalid arguments",
}


def _ids(request: Request) -> tuple[int, int]:
    return int(request.path_params["portal"]), int(request.path_params["callback"])


def _summary(row: dict) -> str:
    """Return the error message, or else the first ``info`` line."""
    if row["error_message"]:
        return row["error_message"]
    return row["info"][0] if row["info"] else ""


async def executions_page(request: Request) -> Response:
    service = service_of(request)
    portal_id, callback_id = _ids(request)
    status = request.query_params.get("status", "")
    if status not in STATUS_LABELS:
        status = ""
    per_page = parse_per_page(request.query_params.get("per_page"))
    page = parse_page(request.query_params.get("page"))
    base_url = str(request.base_url)

    def load():
        portal = service.storage.get_portal(portal_id)
        fn = callbacks.read_callback(service, portal_id, callback_id, base_url)
        body = history.list_executions(
            service.storage,
            portal_id,
            callback_id,
            status=status or None,
            page=page,
            per_page=per_page,
        )
        return portal, fn, body

    portal, fn, body = await run_in_threadpool(load)
    detail_url = row_url(
        request, "execution", "execution", portal=portal_id, callback=callback_id
    )
    for row in body["executions"]:
        row["detail_url"] = detail_url(row["id"])
        row["summary"] = _summary(row)
        row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
    list_url = url_for(request, "executions", portal=portal_id, callback=callback_id)
    listing = Listing(
        list_url=list_url,
        items=body["executions"],
        total=body["total"],
        page=page,
        per_page=per_page,
        extra_query={"status": status} if status else {},
    )
    return render(
        request,
        "executions.html",
        {
            "portal": portal,
            "section": "callbacks",
            "fn": fn,
            "listing": listing,
            "status": status,
            "status_labels": STATUS_LABELS,
            "edit_url": url_for(
                request, "edit_callback", portal=portal_id, callback=callback_id
            ),
        },
    )


async def execution_page(request: Request) -> Response:
    service = service_of(request)
    portal_id, callback_id = _ids(request)
    execution_id = int(request.path_params["execution"])
    base_url = str(request.base_url)

    def load():
        portal = service.storage.get_portal(portal_id)
        fn = callbacks.read_callback(service, portal_id, callback_id, base_url)
        row = history.get_execution(
            service.storage, portal_id, callback_id, execution_id
        )
        return portal, fn, row

    portal, fn, row = await run_in_threadpool(load)
    arguments = row["arguments"]
    if arguments is not None and not isinstance(arguments, str):
        arguments = json.dumps(arguments, indent=2, ensure_ascii=False)
    return render(
        request,
        "execution.html",
        {
            "portal": portal,
            "section": "callbacks",
            "fn": fn,
            "row": row,
            "status_label": STATUS_LABELS.get(row["status"], row["status"]),
            "arguments_text": arguments,
            "info_lines_dropped": max(0, row["info_lines"] - len(row["info"])),
            "back_url": url_for(
                request, "executions", portal=portal_id, callback=callback_id
            ),
        },
    )
