"""Callback operations of the admin API: save, publish, unpublish, run.

These functions block (SQLite, the compiler), so the routes call them in a
worker thread.
"""

from __future__ import annotations

import logging
import urllib.parse

from runtime.program import load_program
from server.arguments_check import convert_invocation_arguments
from server.errors import InvalidInput
from server.execution import execution_report, run_program
from server.header_check import check_header
from server.programs import compile_error_of
from server.storage_callbacks import source_digest
from server.validation import (
    RETURN_TYPES,
    callback_fields,
    check_parameters,
    check_type,
)

logger = logging.getLogger(__name__)

VERSIONED_FIELDS = ("script", "parameters", "return_type")


def invocation_url(base_url: str, api_name: str, token: str, portal_id: int) -> str:
    query = urllib.parse.urlencode(
        {
            "serviceName": "callbackFunctions",
            "api_name": api_name,
            "auth_token": token,
            "PORTALID": portal_id,
        }
    )
    return f"{base_url.rstrip('/')}/AppIntegrations?{query}"


def callback_record(service, row: dict, base_url: str) -> dict:
    """Shape a stored callback for the admin API."""
    url = None
    if row["published"] and row["api_name"]:
        token = service.storage.active_token(row["portal_id"], row["id"])
        if token is not None:
            url = invocation_url(base_url, row["api_name"], token, row["portal_id"])
    return {
        "id": row["id"],
        "portal_id": row["portal_id"],
        "name": row["name"],
        "api_name": row["api_name"],
        "description": row["description"],
        "return_type": row["return_type"],
        "parameters": row["parameters"],
        "script": row["script"],
        "status": "Published" if row["published"] else "Draft",
        "version": row["current_version"],
        "live_version": row["live_version"] if row["published"] else None,
        "url": url,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _require_api_name(fields: dict) -> None:
    if not fields["api_name"]:
        raise InvalidInput(
            "A published callback needs an API name: set 'api_name' "
            "(letters, digits and '_', starting with a letter)",
            field="api_name",
        )


def _check_compiles(service, portal_id: int, fields: dict, what: str) -> None:
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


def create_callback(service, portal_id: int, body: dict, base_url: str) -> dict:
    fields = callback_fields(body)
    check_header(
        fields["script"], fields["parameters"], fields["return_type"], fields["name"]
    )
    publish = body.get("publish") is True
    if publish:
        _require_api_name(fields)
        _check_compiles(service, portal_id, fields, f"Callback {fields['name']}")
    callback_id = service.storage.create_callback(portal_id, fields)
    logger.info("Created callback %d in portal %d", callback_id, portal_id)
    if publish:
        return publish_callback(service, portal_id, callback_id, base_url)
    return read_callback(service, portal_id, callback_id, base_url)


def read_callback(service, portal_id: int, callback_id: int, base_url: str) -> dict:
    row = service.storage.get_callback(portal_id, callback_id)
    return callback_record(service, row, base_url)


def edit_callback(
    service, portal_id: int, callback_id: int, body: dict, base_url: str
) -> dict:
    """Save an edit; a published callback stays live on its old version until
    the new one compiled and was cached, and keeps its token."""
    current = service.storage.get_callback(portal_id, callback_id)
    fields = callback_fields(body, current)
    new_version = any(fields[name] != current[name] for name in VERSIONED_FIELDS)
    if new_version:
        check_header(
            fields["script"],
            fields["parameters"],
            fields["return_type"],
            fields["name"],
        )
    live = None
    if current["published"]:
        _require_api_name(fields)
        if new_version:
            version = {
                **fields,
                "version": current["current_version"] + 1,
                "source_digest": source_digest(
                    fields["script"], fields["return_type"], fields["parameters"]
                ),
            }
            _, dependencies = service.loader.build_version(
                portal_id, callback_id, version
            )
            live = (dependencies, version["source_digest"])
    service.storage.update_callback(
        portal_id,
        callback_id,
        fields,
        expected_version=current["current_version"],
        new_version=new_version,
        live=live,
    )
    if live is not None:
        logger.info(
            "Callback %d in portal %d now serves version %d",
            callback_id,
            portal_id,
            current["current_version"] + 1,
        )
    return read_callback(service, portal_id, callback_id, base_url)


def publish_callback(service, portal_id: int, callback_id: int, base_url: str) -> dict:
    current = service.storage.get_callback(portal_id, callback_id)
    _require_api_name(current)
    version = service.storage.get_version(
        portal_id, callback_id, current["current_version"]
    )
    _, dependencies = service.loader.build_version(portal_id, callback_id, version)
    service.storage.publish_version(
        portal_id,
        callback_id,
        version["version"],
        dependencies,
        version["source_digest"],
    )
    logger.info(
        "Published callback %d version %d in portal %d with a new token",
        callback_id,
        version["version"],
        portal_id,
    )
    return read_callback(service, portal_id, callback_id, base_url)


def unpublish_callback(
    service, portal_id: int, callback_id: int, base_url: str
) -> dict:
    service.storage.unpublish_callback(portal_id, callback_id)
    logger.info("Unpublished callback %d in portal %d", callback_id, portal_id)
    return read_callback(service, portal_id, callback_id, base_url)


def delete_callbacks(service, portal_id: int, callback_ids: list[int]) -> list[int]:
    deleted = service.storage.delete_callbacks(portal_id, callback_ids)
    if deleted:
        logger.info("Deleted callbacks %s in portal %d", deleted, portal_id)
    return deleted


def python_source(service, portal_id: int, callback_id: int) -> dict:
    current = service.storage.get_callback(portal_id, callback_id)
    result = service.loader.compile_source(
        portal_id,
        current["script"],
        current["name"],
        current["parameters"],
        current["return_type"],
        filename=f"<callback {callback_id} version {current['current_version']}>",
    )
    if not result.ok:
        raise compile_error_of(result, f"Callback {callback_id}")
    return {
        "id": callback_id,
        "version": current["current_version"],
        "python": result.python_source,
        "warnings": [
            {"line": d.line, "column": d.column, "message": d.message}
            for d in result.diagnostics
            if getattr(d, "severity", "error") != "error"
        ],
    }


def _run_source(service, portal_id: int, fields: dict, arguments: object, what: str):
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        raise InvalidInput("'arguments' must be a JSON object keyed by parameter name")
    # A test run checks the header as a save does, so that it never runs a
    # definition with parameters other than those the arguments are read for.
    check_header(
        fields["script"], fields["parameters"], fields["return_type"], fields["name"]
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
    program = load_program(result.code)
    parameters = [(p["name"], p["type"]) for p in fields["parameters"]]
    portal = service.storage.get_portal(portal_id)
    converted = convert_invocation_arguments(
        parameters, arguments, service.settings.limits, portal["time_zone"]
    )
    result = run_program(
        program,
        converted,
        limits=service.settings.limits,
        time_zone=portal["time_zone"],
        return_type=fields["return_type"],
        outbound=service.outbound,
        connections=service.connections_for(portal_id),
    )
    return execution_report(result, service.settings.limits)


def execute_callback(service, portal_id: int, callback_id: int, body: dict) -> dict:
    current = service.storage.get_callback(portal_id, callback_id)
    return _run_source(
        service,
        portal_id,
        current,
        body.get("arguments"),
        f"Callback {callback_id}",
    )


def execute_script(service, portal_id: int, body: dict) -> dict:
    """Run an unsaved script; a missing return type accepts any value."""
    if not isinstance(body.get("script"), str):
        raise InvalidInput("Missing field 'script'", field="script")
    return_type = body.get("return_type")
    fields = {
        "name": "script",
        "script": body["script"],
        "parameters": check_parameters(body.get("parameters")),
        "return_type": None
        if return_type is None
        else check_type(return_type, RETURN_TYPES, "return_type"),
    }
    service.storage.get_portal(portal_id)
    return _run_source(service, portal_id, fields, body.get("arguments"), "script")
