"""Global-function operations of the admin API.

Saving a new version of a global function first recompiles every published
callback that calls it against that version. If one of them no longer
compiles, the save is rejected, so a published callback never keeps serving
code built from an older version of a global function.
"""

from __future__ import annotations

import logging

from server.errors import CompileFailed, Conflict
from server.header_check import check_header
from server.programs import GLOBAL_PREFIX, GlobalFunctionSource, compile_error_of
from server.validation import (
    MAX_DESCRIPTION_LENGTH,
    RETURN_TYPES,
    InvalidInput,
    check_name,
    check_parameters,
    check_type,
)

logger = logging.getLogger(__name__)


def global_fields(body: object, current: dict | None = None) -> dict:
    if not isinstance(body, dict):
        raise InvalidInput("The request body must be a JSON object")
    base = current or {}
    creating = current is None

    def pick(name: str, check):
        return check(body.get(name)) if creating or name in body else base[name]

    def description(value):
        if value is None:
            return ""
        if not isinstance(value, str) or len(value) > MAX_DESCRIPTION_LENGTH:
            raise InvalidInput(
                f"Field 'description' must be a string of at most "
                f"{MAX_DESCRIPTION_LENGTH} characters",
                field="description",
            )
        return value

    def script(value):
        if not isinstance(value, str):
            raise InvalidInput("Missing field 'script'", field="script")
        return value

    return {
        "name": pick("name", check_name),
        "description": pick("description", description),
        "return_type": pick(
            "return_type", lambda v: check_type(v, RETURN_TYPES, "return_type")
        ),
        "parameters": pick("parameters", check_parameters),
        "script": pick("script", script),
    }


def global_record(row: dict) -> dict:
    return {
        "id": row["id"],
        "portal_id": row["portal_id"],
        "name": row["name"],
        "call_name": f"{GLOBAL_PREFIX}{row['id']}",
        "description": row["description"],
        "return_type": row["return_type"],
        "parameters": row["parameters"],
        "script": row["script"],
        "version": row["current_version"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _check_global_compiles(service, portal_id: int, fields: dict, what: str) -> None:
    # A call of a global function runs the first definition of its script.
    check_header(
        fields["script"],
        fields["parameters"],
        fields["return_type"],
        None,
        kind="global function",
    )
    result = service.loader.compile_source(
        portal_id,
        fields["script"],
        fields["name"],
        fields["parameters"],
        fields["return_type"],
        filename=f"<{what}>",
    )
    if not result.ok:
        raise compile_error_of(result, what)


def create_global(service, portal_id: int, body: dict) -> dict:
    fields = global_fields(body)
    _check_global_compiles(
        service, portal_id, fields, f"Global function {fields['name']}"
    )
    function_id = service.storage.create_global_function(portal_id, fields)
    logger.info("Created global function %d in portal %d", function_id, portal_id)
    return global_record(service.storage.get_global_function(portal_id, function_id))


def edit_global(service, portal_id: int, function_id: int, body: dict) -> dict:
    current = service.storage.get_global_function(portal_id, function_id)
    fields = global_fields(body, current)
    new_version = any(
        fields[name] != current[name]
        for name in ("script", "parameters", "return_type")
    )
    rebuilt = []
    if new_version:
        what = f"Global function {function_id}"
        _check_global_compiles(service, portal_id, fields, what)
        pending = GlobalFunctionSource(
            id=function_id,
            version=current["current_version"] + 1,
            name=f"{GLOBAL_PREFIX}{function_id}",
            parameters=[(p["name"], p["type"]) for p in fields["parameters"]],
            return_type=fields["return_type"],
            script=fields["script"],
        )
        rebuilt = _rebuild_dependents(service, portal_id, function_id, pending)
    service.storage.update_global_function(
        portal_id, function_id, fields, new_version, dependents=rebuilt
    )
    if rebuilt:
        logger.info(
            "Recompiled callbacks %s of portal %d for global function %d",
            [callback_id for callback_id, _ in rebuilt],
            portal_id,
            function_id,
        )
    return global_record(service.storage.get_global_function(portal_id, function_id))


def _rebuild_dependents(service, portal_id, function_id, pending):
    rebuilt = []
    for callback_id in service.storage.published_dependents(portal_id, function_id):
        callback = service.storage.get_callback(portal_id, callback_id)
        version = service.storage.get_version(
            portal_id, callback_id, callback["live_version"]
        )
        try:
            _, dependencies = service.loader.build_version(
                portal_id, callback_id, version, overrides={function_id: pending}
            )
        except CompileFailed as exc:
            raise CompileFailed(
                f"Published callback {callback_id} ({callback['name']}) would no "
                f"longer compile with this change: {exc.message}; "
                "edit or unpublish it first",
                diagnostics=exc.details.get("diagnostics", []),
                callback_id=callback_id,
            ) from None
        rebuilt.append((callback_id, dependencies))
    return rebuilt


def delete_global(service, portal_id: int, function_id: int) -> None:
    dependents = service.storage.published_dependents(portal_id, function_id)
    if dependents:
        raise Conflict(
            f"Global function {function_id} is called by published callbacks "
            f"{dependents}; unpublish or edit them first"
        )
    service.storage.delete_global_function(portal_id, function_id)
    logger.info("Deleted global function %d in portal %d", function_id, portal_id)
