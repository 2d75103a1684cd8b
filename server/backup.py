"""Export of a portal's functions as one JSON document, and its validation.

The document contains the portal's name and time zone, its global functions
and its callbacks with every stored version, and which version of each
callback is live. Auth tokens are included only on request, because a file
with tokens lets anyone who reads it call the functions. The execution
history and portal connections are not part of it. ``server.backup_import``
imports a document.
"""

from __future__ import annotations

import json
import logging

from server.errors import InvalidInput
from server.programs import compiler_version
from server.validation import (
    RETURN_TYPES,
    check_api_name,
    check_name,
    check_parameters,
    check_type,
)

logger = logging.getLogger(__name__)

FORMAT = "deluge-callbacks-portal"
FORMAT_VERSION = 1

# Export


def _callback_versions(db, callback_id: int) -> list[dict]:
    versions = []
    for row in db.query(
        "SELECT version, script, return_type, created_at FROM callback_versions "
        "WHERE callback_id = ? ORDER BY version",
        [callback_id],
    ):
        parameters = []
        for name, type_, secret in db.execute(
            "SELECT name, type, secret FROM callback_parameters "
            "WHERE callback_id = ? AND version = ? ORDER BY position",
            [callback_id, row["version"]],
        ):
            parameter = {"name": name, "type": type_}
            if secret:
                parameter["secret"] = True
            parameters.append(parameter)
        versions.append({**row, "parameters": parameters})
    return versions


def _global_versions(db, function_id: int) -> list[dict]:
    rows = db.query(
        "SELECT version, script, return_type, parameters, created_at "
        "FROM global_function_versions WHERE global_function_id = ? "
        "ORDER BY version",
        [function_id],
    )
    return [{**row, "parameters": json.loads(row["parameters"])} for row in rows]


def export_portal(storage, portal_id: int, include_tokens: bool = False) -> dict:
    """Return the export document of one portal, read from one snapshot."""
    portal = storage.get_portal(portal_id)
    db = storage.db
    db.execute("BEGIN")
    try:
        functions = [
            {**row, "versions": _global_versions(db, row["id"])}
            for row in db.query(
                "SELECT id, name, description, current_version, created_at, "
                "updated_at FROM global_functions WHERE portal_id = ? ORDER BY id",
                [portal_id],
            )
        ]
        callbacks = []
        for row in db.query(
            "SELECT id, name, api_name, description, current_version, published, "
            "live_version, created_at, updated_at FROM callbacks "
            "WHERE portal_id = ? ORDER BY id",
            [portal_id],
        ):
            row["published"] = bool(row["published"])
            if not row["published"]:
                row["live_version"] = None
            if include_tokens and row["published"]:
                row["token"] = storage.active_token(portal_id, row["id"])
            callbacks.append({**row, "versions": _callback_versions(db, row["id"])})
    finally:
        db.execute("COMMIT")
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": storage.now(),
        "compiler_version": compiler_version(),
        "portal": {
            "id": portal["id"],
            "name": portal["name"],
            "time_zone": portal["time_zone"],
        },
        "global_functions": functions,
        "callbacks": callbacks,
    }


# Checking a document


def _field(item: dict, name: str, kind: type, subject: str):
    value = item.get(name)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise InvalidInput(
            f"Invalid import document: {subject} has no valid '{name}' "
            f"(expected {kind.__name__})"
        )
    return value


def _check_versions(item: dict, subject: str) -> dict[int, dict]:
    versions = item.get("versions")
    if not isinstance(versions, list) or not versions:
        raise InvalidInput(f"Invalid import document: {subject} has no 'versions' list")
    checked: dict[int, dict] = {}
    for entry in versions:
        if not isinstance(entry, dict):
            raise InvalidInput(f"Invalid import document: a version of {subject}")
        number = _field(entry, "version", int, subject)
        label = f"version {number} of {subject}"
        checked[number] = {
            "version": number,
            "script": _field(entry, "script", str, label),
            "return_type": check_type(
                entry.get("return_type"), RETURN_TYPES, f"return_type of {label}"
            ),
            "parameters": check_parameters(entry.get("parameters")),
            "created_at": entry.get("created_at") or "",
        }
    current = _field(item, "current_version", int, subject)
    if current not in checked:
        raise InvalidInput(
            f"Invalid import document: {subject} has current_version {current}, "
            "which is not among its versions"
        )
    return checked


def check_document(document: object) -> dict:
    """Validate an export document and raise ``InvalidInput`` naming the fault."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput(
            f'Not an export document: expected a JSON object with "format": "{FORMAT}"'
        )
    if document.get("format_version") != FORMAT_VERSION:
        raise InvalidInput(
            f"Unsupported export format_version {document.get('format_version')!r}; "
            f"this program reads version {FORMAT_VERSION}"
        )
    portal = document.get("portal")
    if not isinstance(portal, dict):
        raise InvalidInput("Invalid import document: missing 'portal'")
    functions = []
    for item in document.get("global_functions") or []:
        subject = f"global function {item.get('id')!r}"
        functions.append(
            {
                "id": _field(item, "id", int, subject),
                "name": check_name(item.get("name")),
                "description": item.get("description") or "",
                "current_version": item["current_version"],
                "versions": _check_versions(item, subject),
            }
        )
    callbacks = []
    for item in document.get("callbacks") or []:
        subject = f"callback {item.get('name')!r}"
        versions = _check_versions(item, subject)
        published = item.get("published") is True
        live = item.get("live_version") if published else None
        if published and live not in versions:
            raise InvalidInput(
                f"Invalid import document: {subject} is published with live_version "
                f"{live!r}, which is not among its versions"
            )
        api_name = check_api_name(item.get("api_name"))
        if published and not api_name:
            raise InvalidInput(f"Invalid import document: {subject} has no api_name")
        token = item.get("token")
        callbacks.append(
            {
                "id": _field(item, "id", int, subject),
                "name": check_name(item.get("name")),
                "api_name": api_name,
                "description": item.get("description") or "",
                "current_version": item["current_version"],
                "live_version": live,
                "token": token if isinstance(token, str) and token else None,
                "versions": versions,
            }
        )
    _reject_duplicates(functions, ("id", "name"), "global functions")
    _reject_duplicates(callbacks, ("id", "name", "api_name", "token"), "callbacks")
    return {"portal": portal, "global_functions": functions, "callbacks": callbacks}


def _reject_duplicates(items: list[dict], fields: tuple[str, ...], kind: str):
    """Raise ``InvalidInput`` if two items share a value that must be unique.

    Names compare without case, as the database's unique indexes do.
    """
    for field in fields:
        seen: set[object] = set()
        for item in items:
            value = item[field]
            if value is None:
                continue
            key = value.lower() if field in ("name", "api_name") else value
            if key in seen:
                shown = "an auth token" if field == "token" else repr(value)
                raise InvalidInput(
                    f"Invalid import document: two {kind} have the same {field} "
                    f"({shown}); remove or rename one of them"
                )
            seen.add(key)
