"""Version history pages: the stored versions and a diff between two of them."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server import callbacks, global_functions
from server.errors import CompileFailed, Conflict, InvalidInput
from server.web.diffs import describe_signature, signature_change, version_diff
from server.web.global_versions import get_global_version, list_global_versions
from server.web.routing import log_rejected, service_of
from server.web.templating import flash, render, url_for


def _version_param(request: Request, name: str, default: int, known: set[int]) -> int:
    text = request.query_params.get(name)
    if text is None or text == "":
        return default
    if not text.isdigit() or int(text) not in known:
        raise InvalidInput(
            f"Invalid {name} version {text!r}: choose one of the listed versions"
        )
    return int(text)


def _history_context(
    request, fn, versions, read_version, history_url, edit_url, restore_url
):
    """Build the page: which version to show and which two to compare."""
    numbers = {item["version"] for item in versions}
    current = fn["version"]
    shown_number = _version_param(request, "show", current, numbers)
    to_version = _version_param(request, "to", current, numbers)
    from_version = _version_param(request, "from", max(1, to_version - 1), numbers)
    shown = read_version(shown_number)
    shown["parameters_text"] = describe_signature(
        shown["parameters"], shown["return_type"]
    )
    rows = []
    signature = None
    if len(versions) > 1:
        old = read_version(from_version)
        new = read_version(to_version)
        rows = version_diff(old, new)
        signature = signature_change(old, new)
    for item in versions:
        item["parameters_text"] = describe_signature(
            item["parameters"], item["return_type"]
        )
        item["view_url"] = f"{history_url}?show={item['version']}"
    return {
        "fn": fn,
        "versions": versions,
        "shown": shown,
        "diff": {
            "from_version": from_version,
            "to_version": to_version,
            "rows": rows,
            "signature": signature,
        },
        "history_url": history_url,
        "edit_url": edit_url,
        "restore_url": restore_url,
    }


async def callback_history(request: Request) -> Response:
    service = service_of(request)
    portal_id = int(request.path_params["portal"])
    callback_id = int(request.path_params["callback"])
    history_url = url_for(
        request, "callback_history", portal=portal_id, callback=callback_id
    )
    edit_url = url_for(request, "edit_callback", portal=portal_id, callback=callback_id)
    restore_url = url_for(
        request, "restore_callback", portal=portal_id, callback=callback_id
    )

    def load() -> dict:
        portal = service.storage.get_portal(portal_id)
        fn = callbacks.read_callback(
            service, portal_id, callback_id, str(request.base_url)
        )
        versions = service.storage.list_versions(portal_id, callback_id)
        for item in versions:
            item["parameters"] = service.storage.version_parameters(
                callback_id, item["version"]
            )

        def read_version(number: int) -> dict:
            return service.storage.get_version(portal_id, callback_id, number)

        context = _history_context(
            request, fn, versions, read_version, history_url, edit_url, restore_url
        )
        return {**context, "portal": portal}

    context = await run_in_threadpool(load)
    return render(request, "history.html", {**context, "section": "callbacks"})


async def global_history(request: Request) -> Response:
    service = service_of(request)
    portal_id = int(request.path_params["portal"])
    function_id = int(request.path_params["function"])
    history_url = url_for(
        request, "global_history", portal=portal_id, function=function_id
    )
    edit_url = url_for(request, "edit_global", portal=portal_id, function=function_id)
    restore_url = url_for(
        request, "restore_global", portal=portal_id, function=function_id
    )

    def load() -> dict:
        portal = service.storage.get_portal(portal_id)
        fn = global_functions.global_record(
            service.storage.get_global_function(portal_id, function_id)
        )
        versions = list_global_versions(service.storage, portal_id, function_id)

        def read_version(number: int) -> dict:
            return get_global_version(service.storage, portal_id, function_id, number)

        context = _history_context(
            request, fn, versions, read_version, history_url, edit_url, restore_url
        )
        return {**context, "portal": portal}

    context = await run_in_threadpool(load)
    return render(request, "history.html", {**context, "section": "globals"})


def _restore_body(version: dict) -> dict:
    return {
        "script": version["script"],
        "parameters": version["parameters"],
        "return_type": version["return_type"],
    }


def _form_version(request: Request) -> int:
    text = request.state.form.get("version", "")
    if not text.isdigit():
        raise InvalidInput(
            f"Invalid version {text!r}: choose one of the listed versions"
        )
    return int(text)


async def _restore(request: Request, restore, name: str, edit_url: str, back: str):
    """Save an old version's script, parameters and return type as a new version."""
    number = _form_version(request)
    try:
        record = await run_in_threadpool(restore, number)
    except (InvalidInput, CompileFailed, Conflict) as exc:
        log_rejected(request, exc)
        flash(request, "error", f"Version {number} was not restored: {exc.message}")
        return RedirectResponse(back, 303)
    flash(
        request,
        "success",
        f"Restored version {number} of {name} as version {record['version']}.",
    )
    return RedirectResponse(edit_url, 303)


async def restore_callback(request: Request) -> Response:
    service = service_of(request)
    portal_id = int(request.path_params["portal"])
    callback_id = int(request.path_params["callback"])
    base_url = str(request.base_url)
    current = await run_in_threadpool(
        callbacks.read_callback, service, portal_id, callback_id, base_url
    )

    def restore(number: int) -> dict:
        version = service.storage.get_version(portal_id, callback_id, number)
        return callbacks.edit_callback(
            service, portal_id, callback_id, _restore_body(version), base_url
        )

    return await _restore(
        request,
        restore,
        current["name"],
        url_for(request, "edit_callback", portal=portal_id, callback=callback_id),
        url_for(request, "callback_history", portal=portal_id, callback=callback_id),
    )


async def restore_global(request: Request) -> Response:
    service = service_of(request)
    portal_id = int(request.path_params["portal"])
    function_id = int(request.path_params["function"])
    current = await run_in_threadpool(
        service.storage.get_global_function, portal_id, function_id
    )

    def restore(number: int) -> dict:
        version = get_global_version(service.storage, portal_id, function_id, number)
        return global_functions.edit_global(
            service, portal_id, function_id, _restore_body(version)
        )

    return await _restore(
        request,
        restore,
        current["name"],
        url_for(request, "edit_global", portal=portal_id, function=function_id),
        url_for(request, "global_history", portal=portal_id, function=function_id),
    )
