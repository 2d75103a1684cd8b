"""Callback function pages: the list, the editor, test runs and deletes.

Every change goes through ``server.callbacks``, the operations of the admin
API, so the pages and the API share one set of rules.
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server import callbacks
from server.errors import CompileFailed, Conflict, InvalidInput, NotFound
from server.validation import MAX_PARAMETERS, PARAMETER_TYPES, RETURN_TYPES
from server.web.editor_view import (
    compile_view,
    delete_ids,
    error_report,
    list_return_query,
    return_fields,
    run_message,
    run_unsaved,
    run_view,
)
from server.web.forms import argument_texts, function_body, run_arguments
from server.web.listing import Listing, parse_page, parse_per_page
from server.web.routing import log_rejected, service_of
from server.web.templating import flash, render, row_url, url_for

logger = logging.getLogger(__name__)

NEW_CALLBACK = {
    "id": None,
    "name": "",
    "api_name": "",
    "description": "",
    "return_type": "string",
    "parameters": [],
    "script": "",
    "published": False,
    "status": "Draft",
    "url": None,
}


def portal_id_of(request: Request) -> int:
    return int(request.path_params["portal"])


def callback_kind(request: Request, portal_id: int) -> dict:
    return {
        "title": "Callback functions",
        "singular": "callback function",
        "plural": "callback functions",
        "has_publish": True,
        "list_url": url_for(request, "callbacks", portal=portal_id),
        "new_url": url_for(request, "new_callback", portal=portal_id),
        "delete_url": url_for(request, "delete_callbacks", portal=portal_id),
    }


async def list_page(request: Request) -> Response:
    service = service_of(request)
    portal_id = portal_id_of(request)
    search = request.query_params.get("search", "").strip()
    per_page = parse_per_page(request.query_params.get("per_page"))
    page = parse_page(request.query_params.get("page"))
    base_url = str(request.base_url)

    def load():
        portal = service.storage.get_portal(portal_id)
        rows, total = service.storage.list_callbacks(portal_id, search, page, per_page)
        if not rows and total and page > 1:
            # The page is past the end (after a delete): show the last page.
            last = -(-total // per_page)
            rows, total = service.storage.list_callbacks(
                portal_id, search, last, per_page
            )
            return portal, rows, total, last
        return portal, rows, total, page

    portal, rows, total, page = await run_in_threadpool(load)
    request.session["portal"] = portal_id
    records = await run_in_threadpool(
        lambda: [callbacks.callback_record(service, row, base_url) for row in rows]
    )
    edit_url = row_url(request, "edit_callback", "callback", portal=portal_id)
    history_url = row_url(request, "callback_history", "callback", portal=portal_id)
    executions_url = row_url(request, "executions", "callback", portal=portal_id)
    for record in records:
        record["edit_url"] = edit_url(record["id"])
        record["history_url"] = history_url(record["id"])
        record["executions_url"] = executions_url(record["id"])
    listing = Listing(
        list_url=url_for(request, "callbacks", portal=portal_id),
        items=records,
        total=total,
        page=page,
        per_page=per_page,
        search=search,
    )
    return render(
        request,
        "function_list.html",
        {
            "portal": portal,
            "section": "callbacks",
            "kind": callback_kind(request, portal_id),
            "listing": listing,
        },
    )


async def _editor(
    request: Request,
    portal: dict,
    record: dict,
    *,
    status_code: int = 200,
    diagnostics: list[dict] | None = None,
    run_result: dict | None = None,
    arguments: dict[str, str] | None = None,
    messages: list | None = None,
    unsaved: bool = False,
) -> Response:
    service = service_of(request)
    portal_id = portal["id"]
    record = dict(record)
    record.setdefault("published", record["status"] == "Published")
    compiled = await run_in_threadpool(
        compile_view, service, portal_id, record, f"Callback {record['name']}"
    )
    messages = list(messages or [])
    if diagnostics is None:
        diagnostics = compiled.diagnostics
        if record["id"] is not None and compiled.errors and not unsaved:
            messages.append(["error", compiled.errors_message()])
    if record["id"] is None:
        save_url = url_for(request, "create_callback", portal=portal_id)
        history_url = None
        executions_url = None
    else:
        save_url = url_for(
            request, "edit_callback", portal=portal_id, callback=record["id"]
        )
        history_url = url_for(
            request, "callback_history", portal=portal_id, callback=record["id"]
        )
        executions_url = url_for(
            request, "executions", portal=portal_id, callback=record["id"]
        )
    return render(
        request,
        "editor.html",
        {
            "portal": portal,
            "section": "callbacks",
            "kind": callback_kind(request, portal_id),
            "fn": record,
            "save_url": save_url,
            "history_url": history_url,
            "executions_url": executions_url,
            "return_types": RETURN_TYPES,
            "parameter_types": PARAMETER_TYPES,
            "max_parameters": MAX_PARAMETERS,
            "diagnostics": diagnostics,
            "python_lines": compiled.lines,
            "python_note": compiled.note,
            "run_result": run_result,
            "arguments": arguments or {},
            "messages": messages,
        },
        status_code=status_code,
    )


async def new_page(request: Request) -> Response:
    service = service_of(request)
    portal = await run_in_threadpool(service.storage.get_portal, portal_id_of(request))
    return await _editor(request, portal, dict(NEW_CALLBACK))


async def edit_page(request: Request) -> Response:
    service = service_of(request)
    portal_id = portal_id_of(request)
    callback_id = int(request.path_params["callback"])
    portal = await run_in_threadpool(service.storage.get_portal, portal_id)
    record = await run_in_threadpool(
        callbacks.read_callback, service, portal_id, callback_id, str(request.base_url)
    )
    return await _editor(request, portal, record)


def _unsaved_record(body: dict, saved: dict | None, publish: bool) -> dict:
    """Merge the submitted fields over the saved ones, to show the form again."""
    record = dict(saved or NEW_CALLBACK)
    record.update(body)
    record["published"] = publish
    if saved is None or saved["status"] != "Published":
        record["url"] = None
    return record


async def create(request: Request) -> Response:
    service = service_of(request)
    portal_id = portal_id_of(request)
    form = request.state.form
    body = function_body(form, with_api_name=True)
    publish = form.get("publish") == "1"
    texts = argument_texts(form)
    portal = await run_in_threadpool(service.storage.get_portal, portal_id)
    if form.get("action") == "run":
        record = _unsaved_record(body, None, publish)
        return await _run(request, portal, record, body, texts)
    try:
        record = await run_in_threadpool(
            callbacks.create_callback,
            service,
            portal_id,
            {**body, "publish": publish},
            str(request.base_url),
        )
    except (InvalidInput, CompileFailed, Conflict) as exc:
        log_rejected(request, exc)
        return await _editor(
            request,
            portal,
            _unsaved_record(body, None, publish),
            status_code=exc.status,
            diagnostics=exc.details.get("diagnostics"),
            arguments=texts,
            messages=[["error", f"Not saved: {exc.message}"]],
        )
    logger.info(
        "Created callback %d in portal %d from the editor", record["id"], portal_id
    )
    done = f"Created {record['name']} as version {record['version']}"
    done += " and published it." if record["status"] == "Published" else "."
    return await _after_save(request, portal, record, done, texts)


async def save(request: Request) -> Response:
    service = service_of(request)
    portal_id = portal_id_of(request)
    callback_id = int(request.path_params["callback"])
    form = request.state.form
    body = function_body(form, with_api_name=True)
    publish = form.get("publish") == "1"
    texts = argument_texts(form)
    base_url = str(request.base_url)
    portal = await run_in_threadpool(service.storage.get_portal, portal_id)
    saved = await run_in_threadpool(
        callbacks.read_callback, service, portal_id, callback_id, base_url
    )
    if form.get("action") == "run":
        record = _unsaved_record(body, saved, publish)
        return await _run(request, portal, record, body, texts)
    expected = form.get("version")
    try:
        if expected is not None and expected != str(saved["version"]):
            raise Conflict(
                f"{saved['name']} was saved by someone else (now version "
                f"{saved['version']}) after you opened it; copy your changes, "
                "reload the page and apply them again"
            )
        record = await run_in_threadpool(
            callbacks.edit_callback, service, portal_id, callback_id, body, base_url
        )
    except (InvalidInput, CompileFailed, Conflict) as exc:
        log_rejected(request, exc)
        return await _editor(
            request,
            portal,
            _unsaved_record(body, saved, publish),
            status_code=exc.status,
            diagnostics=exc.details.get("diagnostics"),
            arguments=texts,
            messages=[["error", f"Not saved: {exc.message}"]],
        )

    if record["version"] != saved["version"]:
        done = f"Saved version {record['version']}."
    else:
        done = "Saved; the script, parameters and return type are unchanged."
    try:
        if publish and record["status"] != "Published":
            record = await run_in_threadpool(
                callbacks.publish_callback, service, portal_id, callback_id, base_url
            )
            done += " Published with a new URL."
        elif not publish and record["status"] == "Published":
            record = await run_in_threadpool(
                callbacks.unpublish_callback, service, portal_id, callback_id, base_url
            )
            done += " Unpublished: the URL no longer works."
    except (InvalidInput, CompileFailed, Conflict) as exc:
        log_rejected(request, exc)
        return await _editor(
            request,
            portal,
            record,
            status_code=exc.status,
            diagnostics=exc.details.get("diagnostics"),
            arguments=texts,
            messages=[["error", f"{done} Not published: {exc.message}"]],
        )
    return await _after_save(request, portal, record, done, texts)


async def _run(
    request: Request, portal: dict, record: dict, body: dict, texts: dict[str, str]
) -> Response:
    """Run the script as typed, without saving it, and show the editor again."""
    try:
        report, diagnostics = await run_in_threadpool(
            run_unsaved, service_of(request), portal["id"], body, texts
        )
    except InvalidInput as exc:
        log_rejected(request, exc)
        report, diagnostics = error_report(exc.message), None
    return await _editor(
        request,
        portal,
        record,
        diagnostics=diagnostics,
        run_result=run_view(report),
        arguments=texts,
        messages=[run_message(report, diagnostics)],
        unsaved=True,
    )


async def _after_save(
    request: Request, portal: dict, record: dict, done: str, texts: dict[str, str]
) -> Response:
    """Redirect to the editor after Save; run the saved version after Save & Execute."""
    service = service_of(request)
    if request.state.form.get("action") != "save_execute":
        flash(request, "success", done)
        target = url_for(
            request, "edit_callback", portal=portal["id"], callback=record["id"]
        )
        return RedirectResponse(target, 303)
    try:
        arguments = run_arguments(texts, record["parameters"])
        report = await run_in_threadpool(
            callbacks.execute_callback,
            service,
            portal["id"],
            record["id"],
            {"arguments": arguments},
        )
    except (InvalidInput, CompileFailed) as exc:
        log_rejected(request, exc)
        report = error_report(exc.message)
    return await _editor(
        request,
        portal,
        record,
        run_result=run_view(report),
        arguments=texts,
        messages=[["success", done]],
    )


async def delete(request: Request) -> Response:
    service = service_of(request)
    portal_id = portal_id_of(request)
    form = request.state.form
    ids = delete_ids(form)
    back = url_for(request, "callbacks", portal=portal_id) + list_return_query(form)
    if not ids:
        flash(request, "error", "Nothing was deleted: select at least one row first.")
        return RedirectResponse(back, 303)
    if form.get("confirmed") != "1":
        portal = await run_in_threadpool(service.storage.get_portal, portal_id)
        rows = await run_in_threadpool(
            lambda: [_row_or_none(service, portal_id, i) for i in ids]
        )
        return render(
            request,
            "confirm_delete.html",
            {
                "portal": portal,
                "section": "callbacks",
                "kind": callback_kind(request, portal_id),
                "items": [row for row in rows if row is not None],
                "back_url": back,
                "return_fields": return_fields(form),
            },
        )
    deleted = await run_in_threadpool(
        callbacks.delete_callbacks, service, portal_id, ids
    )
    missing = len(ids) - len(deleted)
    text = f"Deleted {len(deleted)} callback function" + (
        "." if len(deleted) == 1 else "s."
    )
    if missing:
        text += f" {missing} of the selected no longer existed."
    flash(request, "success", text)
    return RedirectResponse(back, 303)


def _row_or_none(service, portal_id: int, callback_id: int) -> dict | None:
    try:
        return service.storage.get_callback(portal_id, callback_id)
    except NotFound:
        return None
