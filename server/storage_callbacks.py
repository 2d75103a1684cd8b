"""Callback functions, their versions and their parameters."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import sqlite_utils

from server.errors import Conflict, NotFound

CALLBACK_COLUMNS = (
    "c.id, c.portal_id, c.name, c.api_name, c.description, c.current_version, "
    "c.published, c.live_version, c.live_dependencies, c.live_digest, "
    "c.created_at, c.updated_at"
)


def source_digest(script: str, return_type: str, parameters: list[dict]) -> str:
    """Hash the inputs of the compiler that one version fixes."""
    material = json.dumps(
        {"script": script, "return_type": return_type, "parameters": parameters},
        sort_keys=True,
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _conflict_for(exc: sqlite3.IntegrityError, fields: dict) -> Conflict:
    text = str(exc)
    if "api_name" in text:
        return Conflict(
            f"A callback with API name {fields.get('api_name')!r} already exists "
            "in this portal; choose another API name",
            field="api_name",
        )
    return Conflict(
        f"A callback named {fields.get('name')!r} already exists in this portal; "
        "choose another name",
        field="name",
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class CallbackStore:
    # Reads

    def list_callbacks(
        self, portal_id: int, search: str = "", page: int = 1, per_page: int = 20
    ) -> tuple[list[dict], int]:
        """Return one page of the portal's callbacks by name, and the total count."""
        where = "c.portal_id = ?"
        params: list[object] = [portal_id]
        if search:
            pattern = f"%{_escape_like(search)}%"
            where += (
                " AND (c.name LIKE ? ESCAPE '\\' OR c.api_name LIKE ? ESCAPE '\\' "
                "OR c.description LIKE ? ESCAPE '\\')"
            )
            params += [pattern, pattern, pattern]
        total = self.db.execute(
            f"SELECT COUNT(*) FROM callbacks c WHERE {where}", params
        ).fetchone()[0]
        rows = self.db.query(
            f"SELECT {CALLBACK_COLUMNS}, v.script, v.return_type FROM callbacks c "
            "JOIN callback_versions v "
            "ON v.callback_id = c.id AND v.version = c.current_version "
            f"WHERE {where} ORDER BY c.name COLLATE NOCASE, c.id LIMIT ? OFFSET ?",
            [*params, per_page, (page - 1) * per_page],
        )
        callbacks = [self._with_parameters(row) for row in rows]
        return callbacks, total

    def get_callback(self, portal_id: int, callback_id: int) -> dict:
        """Return the callback with its current version's script and parameters."""
        rows = list(
            self.db.query(
                f"SELECT {CALLBACK_COLUMNS}, v.script, v.return_type "
                "FROM callbacks c JOIN callback_versions v "
                "ON v.callback_id = c.id AND v.version = c.current_version "
                "WHERE c.portal_id = ? AND c.id = ?",
                [portal_id, callback_id],
            )
        )
        if not rows:
            raise NotFound(f"Callback {callback_id} not found in portal {portal_id}")
        return self._with_parameters(rows[0])

    def _with_parameters(self, row: dict) -> dict:
        row["published"] = bool(row["published"])
        row["live_dependencies"] = json.loads(row["live_dependencies"])
        row["parameters"] = self.version_parameters(row["id"], row["current_version"])
        return row

    def version_parameters(self, callback_id: int, version: int) -> list[dict]:
        """List a version's parameters; a secret one has ``"secret": True``."""
        parameters = []
        for name, type_, secret in self.db.execute(
            "SELECT name, type, secret FROM callback_parameters "
            "WHERE callback_id = ? AND version = ? ORDER BY position",
            [callback_id, version],
        ):
            parameter = {"name": name, "type": type_}
            if secret:
                parameter["secret"] = True
            parameters.append(parameter)
        return parameters

    def get_version(self, portal_id: int, callback_id: int, version: int) -> dict:
        """Return one stored version; the join on callbacks filters by portal."""
        rows = list(
            self.db.query(
                "SELECT v.callback_id, v.version, v.script, v.return_type, "
                "v.source_digest, v.created_at, c.name FROM callback_versions v "
                "JOIN callbacks c ON c.id = v.callback_id "
                "WHERE c.portal_id = ? AND v.callback_id = ? AND v.version = ?",
                [portal_id, callback_id, version],
            )
        )
        if not rows:
            raise NotFound(
                f"Version {version} of callback {callback_id} not found "
                f"in portal {portal_id}"
            )
        row = rows[0]
        row["parameters"] = self.version_parameters(callback_id, version)
        return row

    def list_versions(self, portal_id: int, callback_id: int) -> list[dict]:
        self.get_callback(portal_id, callback_id)
        return list(
            self.db.query(
                "SELECT v.version, v.return_type, v.created_at "
                "FROM callback_versions v JOIN callbacks c ON c.id = v.callback_id "
                "WHERE c.portal_id = ? AND v.callback_id = ? ORDER BY v.version",
                [portal_id, callback_id],
            )
        )

    def find_invocation_target(self, portal_id: int, api_name: str) -> dict | None:
        """Return what the invoke path needs in one indexed query, or None.

        The row exists only for a published callback with an active token.
        The query goes to the sqlite3 connection itself, because this read runs
        on every invocation and sqlite-utils' wrapper adds nothing to a SELECT.
        """
        cursor = self.db.conn.execute(
            "SELECT c.id, c.live_version, c.live_dependencies, c.live_digest, "
            "v.return_type, t.token_hash, p.time_zone "
            "FROM callbacks c "
            "JOIN tokens t ON t.callback_id = c.id AND t.active = 1 "
            "JOIN callback_versions v "
            "ON v.callback_id = c.id AND v.version = c.live_version "
            "JOIN portals p ON p.id = c.portal_id "
            "WHERE c.portal_id = ? AND c.api_name = ? AND c.published = 1",
            [portal_id, api_name],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        return {
            "callback_id": row[0],
            "version": row[1],
            "dependencies": row[2],
            "digest": row[3],
            "return_type": row[4],
            "token_hash": row[5],
            "time_zone": row[6],
        }

    # Writes

    def _insert_version(
        self,
        db: sqlite_utils.Database,
        callback_id: int,
        version: int,
        fields: dict,
    ) -> str:
        digest = source_digest(
            fields["script"], fields["return_type"], fields["parameters"]
        )
        db.execute(
            "INSERT INTO callback_versions (callback_id, version, script, "
            "return_type, source_digest, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                callback_id,
                version,
                fields["script"],
                fields["return_type"],
                digest,
                self.now(),
            ],
        )
        for position, parameter in enumerate(fields["parameters"]):
            db.execute(
                "INSERT INTO callback_parameters (callback_id, version, position, "
                "name, type, secret) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    callback_id,
                    version,
                    position,
                    parameter["name"],
                    parameter["type"],
                    int(bool(parameter.get("secret"))),
                ],
            )
        return digest

    def create_callback(self, portal_id: int, fields: dict) -> int:
        """Insert a draft callback with version 1; return its id."""
        self.get_portal(portal_id)
        now = self.now()
        try:
            with self.transaction() as db:
                cursor = db.execute(
                    "INSERT INTO callbacks (portal_id, name, api_name, description, "
                    "current_version, published, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, 1, 0, ?, ?)",
                    [
                        portal_id,
                        fields["name"],
                        fields["api_name"],
                        fields["description"],
                        now,
                        now,
                    ],
                )
                callback_id = cursor.lastrowid
                self._insert_version(db, callback_id, 1, fields)
        except sqlite3.IntegrityError as exc:
            raise _conflict_for(exc, fields) from None
        return callback_id

    def update_callback(
        self,
        portal_id: int,
        callback_id: int,
        fields: dict,
        expected_version: int,
        new_version: bool,
        live: tuple[list, str] | None = None,
    ) -> None:
        """Save an edit, as a new version when ``new_version`` is set.

        ``expected_version`` is the current version the edit was based on; a
        concurrent save in between is a conflict. ``live`` is the
        (dependencies, digest) of a compiled and cached new version that goes
        live at once, for an edit of a published callback.
        """
        try:
            with self.transaction() as db:
                row = db.execute(
                    "SELECT current_version FROM callbacks "
                    "WHERE portal_id = ? AND id = ?",
                    [portal_id, callback_id],
                ).fetchone()
                if row is None:
                    raise NotFound(
                        f"Callback {callback_id} not found in portal {portal_id}"
                    )
                if row[0] != expected_version:
                    raise Conflict(
                        f"Callback {callback_id} was changed by another save "
                        f"(now version {row[0]}); reload it and try again"
                    )
                version = expected_version + 1 if new_version else expected_version
                if new_version:
                    self._insert_version(db, callback_id, version, fields)
                db.execute(
                    "UPDATE callbacks SET name = ?, api_name = ?, description = ?, "
                    "current_version = ?, updated_at = ? "
                    "WHERE portal_id = ? AND id = ?",
                    [
                        fields["name"],
                        fields["api_name"],
                        fields["description"],
                        version,
                        self.now(),
                        portal_id,
                        callback_id,
                    ],
                )
                if live is not None:
                    self._set_live(db, portal_id, callback_id, version, *live)
        except sqlite3.IntegrityError as exc:
            raise _conflict_for(exc, fields) from None

    def _set_live(
        self,
        db: sqlite_utils.Database,
        portal_id: int,
        callback_id: int,
        version: int,
        dependencies: list,
        digest: str,
    ) -> None:
        db.execute(
            "UPDATE callbacks SET published = 1, live_version = ?, "
            "live_dependencies = ?, live_digest = ? WHERE portal_id = ? AND id = ?",
            [version, json.dumps(dependencies), digest, portal_id, callback_id],
        )

    def publish_version(
        self,
        portal_id: int,
        callback_id: int,
        version: int,
        dependencies: list,
        digest: str,
    ) -> str:
        """Make a compiled and cached version live and issue a new token.

        Raises ``Conflict`` if the callback changed since ``version`` was
        compiled. Returns the new token; every older token stops working.
        """
        with self.transaction() as db:
            row = db.execute(
                "SELECT current_version FROM callbacks WHERE portal_id = ? AND id = ?",
                [portal_id, callback_id],
            ).fetchone()
            if row is None:
                raise NotFound(
                    f"Callback {callback_id} not found in portal {portal_id}"
                )
            if row[0] != version:
                raise Conflict(
                    f"Callback {callback_id} was changed while it was being "
                    "published; publish it again"
                )
            self._set_live(db, portal_id, callback_id, version, dependencies, digest)
            return self.issue_token(db, portal_id, callback_id)

    def unpublish_callback(self, portal_id: int, callback_id: int) -> None:
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE callbacks SET published = 0, updated_at = ? "
                "WHERE portal_id = ? AND id = ?",
                [self.now(), portal_id, callback_id],
            )
            if cursor.rowcount == 0:
                raise NotFound(
                    f"Callback {callback_id} not found in portal {portal_id}"
                )
            self.disable_tokens(db, portal_id, callback_id)

    def delete_callbacks(self, portal_id: int, callback_ids: list[int]) -> list[int]:
        """Delete the callbacks that exist in the portal; return their ids."""
        deleted = []
        with self.transaction() as db:
            for callback_id in callback_ids:
                cursor = db.execute(
                    "DELETE FROM callbacks WHERE portal_id = ? AND id = ?",
                    [portal_id, callback_id],
                )
                if cursor.rowcount:
                    deleted.append(callback_id)
        return deleted
