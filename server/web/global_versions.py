"""Reads of stored global-function versions, for the version history page."""

from __future__ import annotations

import json

from server.errors import NotFound

# NOTE: the storage has no version reads for global functions yet, so these
# two queries read its global_function_versions table. They belong in
# server/storage_globals.py next to the writes.


def list_global_versions(storage, portal_id: int, function_id: int) -> list[dict]:
    storage.get_global_function(portal_id, function_id)
    rows = storage.db.query(
        "SELECT v.version, v.return_type, v.parameters, v.created_at "
        "FROM global_function_versions v "
        "JOIN global_functions g ON g.id = v.global_function_id "
        "WHERE g.portal_id = ? AND v.global_function_id = ? ORDER BY v.version",
        [portal_id, function_id],
    )
    return [{**row, "parameters": json.loads(row["parameters"])} for row in rows]


def get_global_version(storage, portal_id: int, function_id: int, version: int):
    rows = list(
        storage.db.query(
            "SELECT v.version, v.script, v.return_type, v.parameters, v.created_at "
            "FROM global_function_versions v "
            "JOIN global_functions g ON g.id = v.global_function_id "
            "WHERE g.portal_id = ? AND v.global_function_id = ? AND v.version = ?",
            [portal_id, function_id, version],
        )
    )
    if not rows:
        raise NotFound(
            f"Version {version} of global function {function_id} not found "
            f"in portal {portal_id}"
        )
    row = rows[0]
    row["parameters"] = json.loads(row["parameters"])
    return row
