"""Export and import of a portal's functions as one JSON document.

The document contains the portal's name and time zone, its global functions
and its callbacks with every stored version, and which version of each
callback is live. Auth tokens are included only on request, because a file
with tokens lets anyone who reads it call the functions. The execution
history and portal connections are not part of it.

Import never overwrites. It first checks the whole document against the
target portal: a callback whose name or API name is taken, a global function
whose name is taken, or an included token already in use is a conflict, and
any conflict leaves the database unchanged. Otherwise one transaction
inserts every function as a draft. Each callback that was published is then
compiled, cached and made live with its own token (the imported one, or a
new one), so a failed compile leaves that callback a draft and the report
names it.
"""

from __future__ import annotations

import json
import logging
import re

from server.errors import CompileFailed, InvalidInput, NotFound
from server.programs import GLOBAL_PREFIX, compiler_version
from server.storage_callbacks import source_digest
from server.storage_tokens import hash_token
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
GLOBAL_CALL = re.compile(rf"\b{GLOBAL_PREFIX}(\d+)\b", re.IGNORECASE)
# The ``connection: "name"`` line of an invokeurl block.
CONNECTION_USE = re.compile(r'\bconnection\s*:\s*"([^"\\]+)"')


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


# Importing


def _conflicts(db, portal_id: int, document: dict) -> list[dict]:
    conflicts = []
    for function in document["global_functions"]:
        if db.execute(
            "SELECT 1 FROM global_functions WHERE portal_id = ? "
            "AND name = ? COLLATE NOCASE",
            [portal_id, function["name"]],
        ).fetchone():
            conflicts.append(
                {
                    "kind": "global_function",
                    "name": function["name"],
                    "message": f"A global function named {function['name']!r} "
                    "already exists in the target portal",
                }
            )
    for callback in document["callbacks"]:
        checks = [("name", callback["name"])]
        if callback["api_name"]:
            checks.append(("api_name", callback["api_name"]))
        for column, value in checks:
            if db.execute(
                f"SELECT 1 FROM callbacks WHERE portal_id = ? "
                f"AND {column} = ? COLLATE NOCASE",
                [portal_id, value],
            ).fetchone():
                label = "name" if column == "name" else "API name"
                conflicts.append(
                    {
                        "kind": "callback",
                        "name": callback["name"],
                        "field": column,
                        "message": f"A callback with {label} {value!r} already "
                        "exists in the target portal",
                    }
                )
        if (
            callback["token"]
            and db.execute(
                "SELECT 1 FROM tokens WHERE token_hash = ?",
                [hash_token(callback["token"])],
            ).fetchone()
        ):
            conflicts.append(
                {
                    "kind": "token",
                    "name": callback["name"],
                    "message": f"The auth token of callback {callback['name']!r} "
                    "is already in use in this installation",
                }
            )
    return conflicts


def _free_id(db, table: str, requested_id: int) -> int | None:
    """Return ``requested_id`` if no row of ``table`` has it, else None (a new id)."""
    in_use = db.execute(
        f"SELECT 1 FROM {table} WHERE id = ?", [requested_id]
    ).fetchone()
    return None if in_use else requested_id


def _rename_calls(script: str, renamed: dict[int, int]) -> str:
    # NOTE: this also rewrites the text inside string literals and comments.
    def replace(match: re.Match) -> str:
        old = int(match.group(1))
        return f"{GLOBAL_PREFIX}{renamed[old]}" if old in renamed else match.group(0)

    return GLOBAL_CALL.sub(replace, script) if renamed else script


def _insert_globals(storage, db, portal_id, functions, now) -> dict[int, int]:
    id_map: dict[int, int] = {}
    for function in functions:
        cursor = db.execute(
            "INSERT INTO global_functions (id, portal_id, name, description, "
            "current_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                _free_id(db, "global_functions", function["id"]),
                portal_id,
                function["name"],
                function["description"],
                function["current_version"],
                now,
                now,
            ],
        )
        id_map[function["id"]] = cursor.lastrowid
    return id_map


def _insert_global_versions(db, functions, id_map, renamed, now) -> None:
    for function in functions:
        for version in function["versions"].values():
            script = _rename_calls(version["script"], renamed)
            db.execute(
                "INSERT INTO global_function_versions (global_function_id, "
                "version, script, return_type, parameters, source_digest, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    id_map[function["id"]],
                    version["version"],
                    script,
                    version["return_type"],
                    json.dumps(version["parameters"]),
                    source_digest(
                        script, version["return_type"], version["parameters"]
                    ),
                    version["created_at"] or now,
                ],
            )


def _insert_callbacks(storage, db, portal_id, callbacks, renamed, now) -> dict:
    id_map: dict[int, int] = {}
    for callback in callbacks:
        cursor = db.execute(
            "INSERT INTO callbacks (id, portal_id, name, api_name, description, "
            "current_version, published, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
            [
                _free_id(db, "callbacks", callback["id"]),
                portal_id,
                callback["name"],
                callback["api_name"],
                callback["description"],
                callback["current_version"],
                now,
                now,
            ],
        )
        new_id = cursor.lastrowid
        id_map[callback["id"]] = new_id
        for version in callback["versions"].values():
            fields = {
                "script": _rename_calls(version["script"], renamed),
                "return_type": version["return_type"],
                "parameters": version["parameters"],
            }
            storage._insert_version(db, new_id, version["version"], fields)
    return id_map


def _target_portal(storage, document: dict, portal_id: int | None) -> tuple[int, list]:
    warnings = []
    exported = document["portal"]
    if portal_id is None:
        try:
            portal_id = storage.get_portal(int(exported.get("id"))).get("id")
        except (NotFound, TypeError, ValueError):
            created = storage.create_portal(
                str(exported.get("name") or "Imported portal"),
                str(exported.get("time_zone") or "UTC"),
            )
            return created["id"], warnings
    portal = storage.get_portal(portal_id)
    if exported.get("time_zone") and portal["time_zone"] != exported["time_zone"]:
        warnings.append(
            f"The target portal's time zone is {portal['time_zone']}, the exported "
            f"portal's was {exported['time_zone']}; date results may differ"
        )
    return portal_id, warnings


def _make_live(service, portal_id: int, callback_id: int, live: int, token):
    storage = service.storage
    version = storage.get_version(portal_id, callback_id, live)
    _, dependencies = service.loader.build_version(portal_id, callback_id, version)
    with storage.transaction() as db:
        storage._set_live(
            db, portal_id, callback_id, live, dependencies, version["source_digest"]
        )
        if token is None:
            storage.issue_token(db, portal_id, callback_id)
            return
        storage.disable_tokens(db, portal_id, callback_id)
        db.execute(
            "INSERT INTO tokens (portal_id, callback_id, token_hash, "
            "token_encrypted, active, created_at) VALUES (?, ?, ?, ?, 1, ?)",
            [
                portal_id,
                callback_id,
                hash_token(token),
                storage.token_cipher.encrypt(token),
                storage.now(),
            ],
        )


def _missing_connections(service, portal_id: int, callback: dict) -> list[str]:
    """Warn about connections that the current version uses but the portal lacks.

    Connections are not part of an export, because they contain credentials.
    """
    script = callback["versions"][callback["current_version"]]["script"]
    missing = []
    for name in sorted(set(CONNECTION_USE.findall(script))):
        if service.connections.find(portal_id, name) is None:
            missing.append(
                f"Callback {callback['name']!r} uses connection {name!r}, which "
                f"portal {portal_id} does not have; create it before invoking"
            )
    return missing


def import_portal(service, document: object, portal_id: int | None = None) -> dict:
    """Import an export document and return the report.

    The report's ``conflicts`` list is empty on success. When it is not,
    nothing was imported.
    """
    checked = check_document(document)
    storage = service.storage
    target, warnings = _target_portal(storage, checked, portal_id)
    report: dict[str, object] = {
        "portal_id": target,
        "conflicts": [],
        "global_functions": [],
        "callbacks": [],
        "renamed_global_functions": {},
        "not_published": [],
        "warnings": warnings,
    }
    now = storage.now()
    with storage.transaction() as db:
        conflicts = _conflicts(db, target, checked)
        if conflicts:
            logger.info(
                "Rejected the import into portal %d: %d conflicts, first: %s",
                target,
                len(conflicts),
                conflicts[0]["message"],
            )
            report["conflicts"] = conflicts
            return report
        functions = checked["global_functions"]
        global_ids = _insert_globals(storage, db, target, functions, now)
        renamed = {old: new for old, new in global_ids.items() if old != new}
        _insert_global_versions(db, functions, global_ids, renamed, now)
        callback_ids = _insert_callbacks(
            storage, db, target, checked["callbacks"], renamed, now
        )
    report["renamed_global_functions"] = {
        f"{GLOBAL_PREFIX}{old}": f"{GLOBAL_PREFIX}{new}" for old, new in renamed.items()
    }
    report["global_functions"] = [
        {"exported_id": f["id"], "id": global_ids[f["id"]], "name": f["name"]}
        for f in functions
    ]
    for callback in checked["callbacks"]:
        new_id = callback_ids[callback["id"]]
        status = "Draft"
        if callback["live_version"] is not None:
            try:
                _make_live(
                    service, target, new_id, callback["live_version"], callback["token"]
                )
                status = "Published"
            except CompileFailed as exc:
                logger.warning(
                    "Imported callback %d of portal %d stays a draft: %s",
                    new_id,
                    target,
                    exc.message,
                )
                report["not_published"].append(
                    {"id": new_id, "name": callback["name"], "message": exc.message}
                )
        warnings.extend(_missing_connections(service, target, callback))
        report["callbacks"].append(
            {
                "exported_id": callback["id"],
                "id": new_id,
                "name": callback["name"],
                "status": status,
            }
        )
    logger.info(
        "Imported %d global functions and %d callbacks into portal %d",
        len(functions),
        len(callback_ids),
        target,
    )
    return report
