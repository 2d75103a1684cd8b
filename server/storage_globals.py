"""Global functions: reusable Deluge functions that callbacks call by name."""

from __future__ import annotations

import json
import sqlite3

from server.errors import Conflict, NotFound
from server.storage_callbacks import source_digest

GLOBAL_COLUMNS = (
    "g.id, g.portal_id, g.name, g.description, g.current_version, "
    "g.created_at, g.updated_at, v.script, v.return_type, v.parameters, "
    "v.source_digest"
)


def _decode(row: dict) -> dict:
    row["parameters"] = json.loads(row["parameters"])
    return row


class GlobalFunctionStore:
    def list_global_functions(self, portal_id: int) -> list[dict]:
        rows = self.db.query(
            f"SELECT {GLOBAL_COLUMNS} FROM global_functions g "
            "JOIN global_function_versions v "
            "ON v.global_function_id = g.id AND v.version = g.current_version "
            "WHERE g.portal_id = ? ORDER BY g.id",
            [portal_id],
        )
        return [_decode(row) for row in rows]

    def get_global_function(self, portal_id: int, function_id: int) -> dict:
        rows = list(
            self.db.query(
                f"SELECT {GLOBAL_COLUMNS} FROM global_functions g "
                "JOIN global_function_versions v "
                "ON v.global_function_id = g.id AND v.version = g.current_version "
                "WHERE g.portal_id = ? AND g.id = ?",
                [portal_id, function_id],
            )
        )
        if not rows:
            raise NotFound(
                f"Global function {function_id} not found in portal {portal_id}"
            )
        return _decode(rows[0])

    def _insert_global_version(self, db, function_id: int, version: int, fields):
        digest = source_digest(
            fields["script"], fields["return_type"], fields["parameters"]
        )
        db.execute(
            "INSERT INTO global_function_versions (global_function_id, version, "
            "script, return_type, parameters, source_digest, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                function_id,
                version,
                fields["script"],
                fields["return_type"],
                json.dumps(fields["parameters"]),
                digest,
                self.now(),
            ],
        )

    def create_global_function(self, portal_id: int, fields: dict) -> int:
        self.get_portal(portal_id)
        now = self.now()
        try:
            with self.transaction() as db:
                cursor = db.execute(
                    "INSERT INTO global_functions (portal_id, name, description, "
                    "current_version, created_at, updated_at) "
                    "VALUES (?, ?, ?, 1, ?, ?)",
                    [portal_id, fields["name"], fields["description"], now, now],
                )
                function_id = cursor.lastrowid
                self._insert_global_version(db, function_id, 1, fields)
        except sqlite3.IntegrityError:
            raise Conflict(
                f"A global function named {fields['name']!r} already exists "
                "in this portal; choose another name",
                field="name",
            ) from None
        return function_id

    def update_global_function(
        self,
        portal_id: int,
        function_id: int,
        fields: dict,
        new_version: bool,
        dependents: list[tuple[int, list]] = (),
    ) -> int:
        """Save an edit; return the current version afterwards.

        ``dependents`` are (callback id, dependencies) of published callbacks
        already recompiled against the new version; their live dependencies
        change in the same transaction.
        """
        try:
            with self.transaction() as db:
                row = db.execute(
                    "SELECT current_version FROM global_functions "
                    "WHERE portal_id = ? AND id = ?",
                    [portal_id, function_id],
                ).fetchone()
                if row is None:
                    raise NotFound(
                        f"Global function {function_id} not found in portal {portal_id}"
                    )
                version = row[0] + 1 if new_version else row[0]
                if new_version:
                    self._insert_global_version(db, function_id, version, fields)
                db.execute(
                    "UPDATE global_functions SET name = ?, description = ?, "
                    "current_version = ?, updated_at = ? "
                    "WHERE portal_id = ? AND id = ?",
                    [
                        fields["name"],
                        fields["description"],
                        version,
                        self.now(),
                        portal_id,
                        function_id,
                    ],
                )
                for callback_id, dependencies in dependents:
                    db.execute(
                        "UPDATE callbacks SET live_dependencies = ? "
                        "WHERE portal_id = ? AND id = ?",
                        [json.dumps(dependencies), portal_id, callback_id],
                    )
        except sqlite3.IntegrityError:
            raise Conflict(
                f"A global function named {fields['name']!r} already exists "
                "in this portal; choose another name",
                field="name",
            ) from None
        return version

    def delete_global_function(self, portal_id: int, function_id: int) -> None:
        with self.transaction() as db:
            cursor = db.execute(
                "DELETE FROM global_functions WHERE portal_id = ? AND id = ?",
                [portal_id, function_id],
            )
            if cursor.rowcount == 0:
                raise NotFound(
                    f"Global function {function_id} not found in portal {portal_id}"
                )

    def published_dependents(self, portal_id: int, function_id: int) -> list[int]:
        """List the published callbacks whose live code calls the global function."""
        rows = self.db.execute(
            "SELECT c.id FROM callbacks c, json_each(c.live_dependencies) d "
            "WHERE c.portal_id = ? AND c.published = 1 "
            "AND json_extract(d.value, '$[0]') = ?",
            [portal_id, function_id],
        )
        return sorted({row[0] for row in rows})
