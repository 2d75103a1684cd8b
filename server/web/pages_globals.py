"""Global function pages: the list, the editor, test runs and deletes.

Changes go through ``server.global_functions`` and test runs through
``server.callbacks.execute_script``, the operations of the admin API.
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server import callbacks, global_functions
from server.errors import ApiError, CompileFailed, Conflict, InvalidInput, NotFound
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

NEW_GLOBAL = {
    "id": None,
    "name": "",
    "description": "",
    "return_type": "string",
    "parameters": [],
    "script": "",
    "call_name": None,
}


def portal_id_of(request: Request) -> int:
    return int(request.path_params["portal"])


def global_kind(request: Request, portal_id: int) -> dict:
    return {
        "title": "Global functions",
        "singular": "global function",
        "plural": "global functions",
        "has_publish": False,
        "list_url": url_for(request, "globals", portal=portal_id),
        "new_url": url_for(request, "new_global", portal=portal_id),
        "delete_url": url_for(request, "delete_globals", portal=portal_id),
    }


def _page_record(request: Request, portal_id: int, record: dict, urls=None) -> dict:
    """Add the internal name and the page paths of one global function."""
    edit_url, history_url = urls or _row_urls(request, portal_id)
    record["internal_name"] = record.get("call_name")
    if record["id"] is not None:
        record["edit_url"] = edit_url(record["id"])
        record["history_url"] = history_url(record["id"])
    return record


def _row_urls(request: Request, portal_id: int):
    return (
        row_url(request, "edit_global", "function", portal=portal_id),
        row_url(request, "global_history", "function", portal=portal_id),
    )


async def list_page(request: Request) -> Response:
    service = service_of(request)
    portal_id = portal_id_of(request)
    search = request.query_params.get("search", "").strip()
    per_page = parse_per_page(request.query_params.get("per_page"))
    page = parse_page(request.query_params.get("page"))

    def load():
        portal = service.storage.get_portal(portal_id)
        rows = service.storage.list_global_functions(portal_id)
        return portal, [global_functions.global_record(row) for row in rows]

    portal, records = await run_in_threadpool(load)
    request.session["portal"] = portal_id
    # NOTE: the storage lists every global function of the portal at once, so
    # the search and the paging happen here. Both belong in the query once a
    # portal has thousands of them.
    if search:
        needle = search.casefold()
        records = [r for r in records if needle in r["name"].casefold()]
    records.sort(key=lambda r: (r["name"].casefold(), r["id"]))
    total = len(records)
    page = min(page, max(1, -(-total // per_page)))
    shown = records[(page - 1) * per_page : page * per_page]
    urls = _row_urls(request, portal_id)
    listing = Listing(
        list_url=url_for(request, "globals", portal=portal_id),
        items=[_page_record(request, portal_id, r, urls) for r in shown],
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
            "section": "globals",
            "kind": global_kind(request, portal_id),
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
    record = _page_record(request, portal_id, dict(record))
    compiled = await run_in_threadpool(
        compile_view, service, portal_id, record, f"Global function {record['name']}"
    )
    messages = list(messages or [])
    if diagnostics is None:
        diagnostics = compiled.diagnostics
        if record["id"] is not None and compiled.errors and not unsaved:
            messages.append(["error", compiled.errors_message()])
    if record["id"] is None:
        save_url = url_for(request, "create_global", portal=portal_id)
    else:
        save_url = record["edit_url"]
    return render(
        request,
        "editor.html",
        {
            "portal": portal,
            "section": "globals",
            "kind": global_kind(request, portal_id),
            "fn": record,
            "save_url": save_url,
            "history_url": record.get("history_url"),
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
    return await _editor(request, portal, dict(NEW_GLOBAL))


def _read(service, portal_id: int, function_id: int) -> dict:
    row = service.storage.get_global_function(portal_id, function_id)
    return global_functions.global_record(row)


async def edit_page(request: Request) -> Response:
    service = service_of(request)
    portal_id = portal_id_of(request)
    function_id = int(request.path_params["function"])
    portal = await run_in_threadpool(service.storage.get_portal, portal_id)
    record = await run_in_threadpool(_read, service, portal_id, function_id)
    return await _editor(request, portal, record)


async def create(request: Request) -> Response:
    return await _save(request, None)


async def save(request: Request) -> Response:
    return await _save(request, int(request.path_params["function"]))


async def _save(request: Request, function_id: int | None) -> Response:
    service = service_of(request)
    portal_id = portal_id_of(request)
    form = request.state.form
    body = function_body(form, with_api_name=False)
    texts = argument_texts(form)
    portal = await run_in_threadpool(service.storage.get_portal, portal_id)
    saved = None
    if form.get("action") == "run":
        if function_id is not None:
            saved = await run_in_threadpool(_read, service, portal_id, function_id)
        record = {**(saved or NEW_GLOBAL), **body}
        try:
            report, diagnostics = await run_in_threadpool(
                run_unsaved, service, portal_id, body, texts
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
    try:
        if function_id is None:
            record = await run_in_threadpool(
                global_functions.create_global, service, portal_id, body
            )
            done = f"Created {record['name']} as {record['call_name']}."
        else:
            saved = await run_in_threadpool(_read, service, portal_id, function_id)
            expected = form.get("version")
            if expected is not None and expected != str(saved["version"]):
                raise Conflict(
                    f"{saved['name']} was saved by someone else (now version "
                    f"{saved['version']}) after you opened it; copy your changes, "
                    "reload the page and apply them again"
                )
            record = await run_in_threadpool(
                global_functions.edit_global, service, portal_id, function_id, body
            )
            done = (
                f"Saved version {record['version']}."
                if record["version"] != saved["version"]
                else "Saved; the script, parameters and return type are unchanged."
            )
    except (InvalidInput, CompileFailed, Conflict) as exc:
        log_rejected(request, exc)
        unsaved = dict(saved or NEW_GLOBAL)
        unsaved.update(body)
        return await _editor(
            request,
            portal,
            unsaved,
            status_code=exc.status,
            diagnostics=exc.details.get("diagnostics"),
            arguments=texts,
            messages=[["error", f"Not saved: {exc.message}"]],
        )
    logger.info(
        "Saved global function %d in portal %d from the editor", record["id"], portal_id
    )

    if form.get("action") != "save_execute":
        flash(request, "success", done)
        target = url_for(
            request, "edit_global", portal=portal_id, function=record["id"]
        )
        return RedirectResponse(target, 303)
    try:
        report = await run_in_threadpool(
            callbacks.execute_script,
            service,
            portal_id,
            {
                "script": record["script"],
                "parameters": record["parameters"],
                "return_type": record["return_type"],
                "arguments": run_arguments(texts, record["parameters"]),
            },
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
    back = url_for(request, "globals", portal=portal_id) + list_return_query(form)
    if not ids:
        flash(request, "error", "Nothing was deleted: select at least one row first.")
        return RedirectResponse(back, 303)
    if form.get("confirmed") != "1":
        portal = await run_in_threadpool(service.storage.get_portal, portal_id)

        def rows() -> list[dict]:
            found = []
            for function_id in ids:
                try:
                    found.append(_read(service, portal_id, function_id))
                except NotFound:
                    continue
            return found

        return render(
            request,
            "confirm_delete.html",
            {
                "portal": portal,
                "section": "globals",
                "kind": global_kind(request, portal_id),
                "items": await run_in_threadpool(rows),
                "back_url": back,
                "return_fields": return_fields(form),
            },
        )

    deleted: list[str] = []
    failures: list[str] = []
    for function_id in ids:
        try:
            await run_in_threadpool(
                global_functions.delete_global, service, portal_id, function_id
            )
            deleted.append(str(function_id))
        except NotFound:
            continue
        except ApiError as exc:
            log_rejected(request, exc)
            failures.append(exc.message)
    if deleted:
        noun = "global function" if len(deleted) == 1 else "global functions"
        flash(request, "success", f"Deleted {len(deleted)} {noun}.")
    for message in failures:
        flash(request, "error", f"Not deleted: {message}")
    return RedirectResponse(back, 303)
