"""Import of an export document into a portal.

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

from server.backup import check_document
from server.errors import CompileFailed, NotFound
from server.programs import GLOBAL_PREFIX
from server.storage_callbacks import source_digest
from server.storage_tokens import hash_token

logger = logging.getLogger(__name__)

GLOBAL_CALL = re.compile(rf"\b{GLOBAL_PREFIX}(\d+)\b", re.IGNORECASE)
# The ``connection: "name"`` line of an invokeurl block.
CONNECTION_USE = re.compile(r'\bconnection\s*:\s*"([^"\\]+)"')


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
