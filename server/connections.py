"""Connections: a portal's named credentials for ``invokeurl``, encrypted at rest.

A connection has a link name (snake_case, unique in its portal) that scripts
use as ``connection: "link_name"``, and one auth type:

- ``api_key``: ``api_key`` sent in the header or query parameter
  ``parameter_name`` (``location`` is ``header`` or ``query``);
- ``basic``: ``username`` and ``password``;
- ``bearer``: ``token``, sent as ``Authorization: Bearer <token>``.

The secret (API key, password or token) is stored as a Fernet token under a
key in the data directory (``connection-encryption.key``, mode 0600), so a
copy of the database alone does not reveal it. No admin response contains
the secret, not even the one that creates the connection.

The module exports ``migrate(db)``, the admin ``routes`` under
``/api/v1/portals/{portal}/connections``, ``build_routes(require_admin)`` for
another guard, and ``attach(service)``, which gives a service the
``connections`` store whose ``resolver(portal_id)`` is the runtime's
``ctx.connections``.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils
from cryptography.fernet import Fernet, InvalidToken
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from runtime.http_auth import (
    API_KEY,
    AUTH_TYPES,
    BASIC,
    BEARER,
    HEADER,
    LOCATIONS,
    Connection,
)
from runtime.http_transport import CLIENT_HEADERS
from server.admin_auth import admin_endpoint, json_body, path_int
from server.errors import Conflict, InvalidInput, NotFound
from server.secret_files import read_or_create_secret

logger = logging.getLogger(__name__)

KEY_FILE = "connection-encryption.key"
MAX_LINK_NAME = 64
MAX_TEXT = 1000
MAX_SECRET = 8192
LINK_NAME = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*\Z")
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
QUERY_NAME = re.compile(r"[A-Za-z0-9._~-]+\Z")
# The request field that carries the secret, per auth type.
SECRET_FIELD = {API_KEY: "api_key", BASIC: "password", BEARER: "token"}
FIELDS = {
    "link_name",
    "name",
    "description",
    "auth_type",
    "location",
    "parameter_name",
    "username",
    *SECRET_FIELD.values(),
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS connections (
    id INTEGER PRIMARY KEY,
    portal_id INTEGER NOT NULL REFERENCES portals (id),
    link_name TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    auth_type TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT 'header',
    parameter_name TEXT NOT NULL DEFAULT '',
    username TEXT NOT NULL DEFAULT '',
    secret_encrypted TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS connections_link_name
    ON connections (portal_id, link_name);
"""
PUBLIC_COLUMNS = (
    "id, portal_id, link_name, name, description, auth_type, location, "
    "parameter_name, username, created_at, updated_at"
)


def migrate(db: sqlite_utils.Database) -> None:
    """Create the connections table and its index if they are missing."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)


def connection_key(data_dir: Path) -> bytes:
    """Return the Fernet key of stored connection secrets, creating it once."""
    key, created = read_or_create_secret(
        Path(data_dir) / KEY_FILE, lambda: Fernet.generate_key().decode("ascii")
    )
    if created:
        logger.info("Generated the connection encryption key in %s", data_dir)
    return key.encode("ascii")


class ConnectionStore:
    """Connections of every portal, on the service's ``Storage``."""

    def __init__(self, storage, key: bytes):
        self.storage = storage
        self._fernet = Fernet(key)

    def list(self, portal_id: int) -> list[dict]:
        self.storage.get_portal(portal_id)
        return list(
            self.storage.db.query(
                f"SELECT {PUBLIC_COLUMNS} FROM connections WHERE portal_id = ? "
                "ORDER BY link_name",
                [portal_id],
            )
        )

    def get(self, portal_id: int, connection_id: int) -> dict:
        self.storage.get_portal(portal_id)
        rows = list(
            self.storage.db.query(
                f"SELECT {PUBLIC_COLUMNS} FROM connections "
                "WHERE portal_id = ? AND id = ?",
                [portal_id, connection_id],
            )
        )
        if not rows:
            raise NotFound(
                f"Connection {connection_id} not found in portal {portal_id}"
            )
        return rows[0]

    def create(self, portal_id: int, body: dict) -> dict:
        self.storage.get_portal(portal_id)
        fields, secret = validate(body, existing=None)
        now = self.storage.now()
        row = {
            **fields,
            "portal_id": portal_id,
            "secret_encrypted": self._encrypt(secret),
            "created_at": now,
            "updated_at": now,
        }
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        try:
            with self.storage.transaction() as db:
                cursor = db.execute(
                    f"INSERT INTO connections ({columns}) VALUES ({marks})",
                    list(row.values()),
                )
                connection_id = cursor.lastrowid
        except sqlite3.IntegrityError as error:
            raise _duplicate(fields["link_name"], error) from None
        logger.info(
            "Created connection %s (%s) in portal %d",
            fields["link_name"],
            fields["auth_type"],
            portal_id,
        )
        return self.get(portal_id, connection_id)

    def update(self, portal_id: int, connection_id: int, body: dict) -> dict:
        existing = self.get(portal_id, connection_id)
        fields, secret = validate(body, existing=existing)
        changes = {k: v for k, v in fields.items() if existing.get(k) != v}
        if secret is not None:
            changes["secret_encrypted"] = self._encrypt(secret)
        if changes:
            changes["updated_at"] = self.storage.now()
            assignments = ", ".join(f"{column} = ?" for column in changes)
            try:
                with self.storage.transaction() as db:
                    db.execute(
                        f"UPDATE connections SET {assignments} "
                        "WHERE portal_id = ? AND id = ?",
                        [*changes.values(), portal_id, connection_id],
                    )
            except sqlite3.IntegrityError as error:
                raise _duplicate(fields["link_name"], error) from None
            logger.info(
                "Updated connection %s in portal %d (%s)",
                fields["link_name"],
                portal_id,
                ", ".join(sorted(k for k in changes if k != "updated_at")),
            )
        return self.get(portal_id, connection_id)

    def delete(self, portal_id: int, connection_id: int) -> int:
        record = self.get(portal_id, connection_id)
        with self.storage.transaction() as db:
            db.execute(
                "DELETE FROM connections WHERE portal_id = ? AND id = ?",
                [portal_id, connection_id],
            )
        logger.info(
            "Deleted connection %s from portal %d", record["link_name"], portal_id
        )
        return connection_id

    def find(self, portal_id: int, link_name: str) -> Connection | None:
        """Return the decrypted connection ``link_name`` of a portal, or None."""
        row = self.storage.db.execute(
            "SELECT link_name, auth_type, location, parameter_name, username, "
            "secret_encrypted FROM connections WHERE portal_id = ? AND link_name = ?",
            [portal_id, link_name],
        ).fetchone()
        if row is None:
            return None
        name, auth_type, location, parameter_name, username, encrypted = row
        secret = self._decrypt(encrypted)
        if secret is None:
            logger.error(
                "The secret of connection %s in portal %d does not decrypt with "
                "the connection encryption key; set the secret again",
                name,
                portal_id,
            )
            return None
        return Connection(
            link_name=name,
            auth_type=auth_type,
            secret=secret,
            location=location,
            parameter_name=parameter_name,
            username=username,
        )

    def resolver(self, portal_id: int) -> Callable[[str], Connection | None]:
        """Return the ``ctx.connections`` callable of one portal."""

        def lookup(link_name: str) -> Connection | None:
            return self.find(portal_id, link_name)

        return lookup

    def _encrypt(self, secret: str) -> str:
        payload = json.dumps({"secret": secret}).encode("utf-8")
        return self._fernet.encrypt(payload).decode("ascii")

    def _decrypt(self, encrypted: str) -> str | None:
        try:
            payload = self._fernet.decrypt(encrypted.encode("ascii"))
        except InvalidToken:
            return None
        return json.loads(payload)["secret"]


def _duplicate(link_name: str, error: sqlite3.IntegrityError) -> Conflict:
    # Validation fills every NOT NULL column and checks the portal, so the
    # unique link-name index is the only constraint left to fail.
    if "UNIQUE" not in str(error):
        raise error
    return Conflict(
        f"A connection with link name {link_name!r} already exists in this portal",
        field="link_name",
    )


def _text(body: dict, name: str, limit: int = MAX_TEXT) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"Field '{name}' must be a string", field=name)
    if len(value) > limit:
        raise InvalidInput(
            f"Field '{name}' is longer than {limit} characters", field=name
        )
    return value


def validate(body: dict, existing: dict | None) -> tuple[dict, str | None]:
    """Check a create (``existing`` None) or edit body.

    Returns the stored fields and the new secret, which is None when an edit
    keeps the old one. An edit that changes the auth type must send the new
    type's secret.
    """
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise InvalidInput(
            f"Unknown field '{unknown[0]}'; connection fields are "
            + ", ".join(sorted(FIELDS)),
            field=unknown[0],
        )
    base = existing or {}

    link_name = _text(body, "link_name")
    if link_name is None:
        link_name = base.get("link_name")
    if not link_name:
        raise InvalidInput("Missing field 'link_name'", field="link_name")
    if len(link_name) > MAX_LINK_NAME or not LINK_NAME.match(link_name):
        raise InvalidInput(
            f"Invalid link_name {link_name!r}: use snake_case (lower-case letters, "
            f"digits and single '_', starting with a letter), at most "
            f"{MAX_LINK_NAME} characters",
            field="link_name",
        )

    auth_type = _text(body, "auth_type") or base.get("auth_type")
    if auth_type not in AUTH_TYPES:
        raise InvalidInput(
            f"Invalid auth_type {auth_type!r}: use " + ", ".join(AUTH_TYPES),
            field="auth_type",
        )
    type_changed = existing is not None and auth_type != existing["auth_type"]
    keep = {} if type_changed else base

    fields = {
        "link_name": link_name,
        "name": (_text(body, "name") or "").strip() or base.get("name") or link_name,
        "description": _description(body, base),
        "auth_type": auth_type,
        "location": HEADER,
        "parameter_name": "",
        "username": "",
    }
    if auth_type == API_KEY:
        fields["location"] = _location(body, keep)
        fields["parameter_name"] = _parameter_name(body, keep, fields["location"])
    elif auth_type == BASIC:
        username = _text(body, "username")
        if username is None:
            username = keep.get("username") or None
        if not username:
            raise InvalidInput("Missing field 'username'", field="username")
        if ":" in username:
            raise InvalidInput(
                "Field 'username' must not contain ':' (Basic authentication "
                "separates user and password with it)",
                field="username",
            )
        fields["username"] = username

    secret = _secret(body, auth_type, required=existing is None or type_changed)
    return fields, secret


def _description(body: dict, base: dict) -> str:
    if "description" not in body:
        return base.get("description", "")
    return _text(body, "description", 10_000) or ""


def _location(body: dict, keep: dict) -> str:
    location = _text(body, "location") or keep.get("location") or HEADER
    if location not in LOCATIONS:
        raise InvalidInput(
            f"Invalid location {location!r}: use header or query", field="location"
        )
    return location


def _parameter_name(body: dict, keep: dict, location: str) -> str:
    name = _text(body, "parameter_name", 200)
    if name is None:
        name = keep.get("parameter_name") or None
    if not name:
        raise InvalidInput(
            "Missing field 'parameter_name': the header or query parameter that "
            "carries the API key",
            field="parameter_name",
        )
    pattern = HEADER_NAME if location == HEADER else QUERY_NAME
    if not pattern.match(name):
        raise InvalidInput(
            f"Invalid parameter_name {name!r} for location {location}",
            field="parameter_name",
        )
    if location == HEADER and name.lower() in CLIENT_HEADERS:
        # The outbound client drops these headers, so the key would never
        # be sent.
        raise InvalidInput(
            f"Invalid parameter_name {name!r}: the outbound client sets this "
            "header itself; choose the header that the API reads the key from",
            field="parameter_name",
        )
    return name


def _secret(body: dict, auth_type: str, *, required: bool) -> str | None:
    field = SECRET_FIELD[auth_type]
    for other in SECRET_FIELD.values():
        if other != field and other in body:
            raise InvalidInput(
                f"Field '{other}' does not apply to auth_type {auth_type}; "
                f"send the secret as '{field}'",
                field=other,
            )
    value = _text(body, field, MAX_SECRET)
    if value is None or value == "":
        if required:
            raise InvalidInput(f"Missing field '{field}'", field=field)
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        # An HTTP header value cannot carry them, and the message must not
        # echo the secret.
        raise InvalidInput(
            f"Field '{field}' must not contain line breaks, tabs or other "
            "control characters",
            field=field,
        )
    return value


def attach(service) -> ConnectionStore:
    """Create the table and give ``service`` its ``connections`` store."""
    migrate(service.storage.db)
    store = ConnectionStore(service.storage, connection_key(service.settings.data_dir))
    service.connections = store
    return store


def _store(request: Request) -> ConnectionStore:
    return request.app.state.service.connections


def build_routes(require_admin: Callable = admin_endpoint) -> list[Route]:
    """Build the connection routes guarded by ``require_admin``.

    ``require_admin`` wraps an endpoint: it rejects a request without the
    admin key with 401 and turns an ``ApiError`` into its JSON body.
    """

    @require_admin
    async def list_connections(request: Request) -> JSONResponse:
        portal_id = path_int(request, "portal")
        rows = await run_in_threadpool(_store(request).list, portal_id)
        return JSONResponse({"connections": rows})

    @require_admin
    async def create_connection(request: Request) -> JSONResponse:
        body = await json_body(request)
        record = await run_in_threadpool(
            _store(request).create, path_int(request, "portal"), body
        )
        return JSONResponse(record, status_code=201)

    @require_admin
    async def read_connection(request: Request) -> JSONResponse:
        record = await run_in_threadpool(
            _store(request).get,
            path_int(request, "portal"),
            path_int(request, "connection"),
        )
        return JSONResponse(record)

    @require_admin
    async def edit_connection(request: Request) -> JSONResponse:
        body = await json_body(request)
        record = await run_in_threadpool(
            _store(request).update,
            path_int(request, "portal"),
            path_int(request, "connection"),
            body,
        )
        return JSONResponse(record)

    @require_admin
    async def delete_connection(request: Request) -> JSONResponse:
        deleted = await run_in_threadpool(
            _store(request).delete,
            path_int(request, "portal"),
            path_int(request, "connection"),
        )
        return JSONResponse({"deleted": [deleted]})

    prefix = "/api/v1/portals/{portal:int}/connections"
    one = prefix + "/{connection:int}"
    return [
        Route(prefix, list_connections, methods=["GET"]),
        Route(prefix, create_connection, methods=["POST"]),
        Route(one, read_connection, methods=["GET"]),
        Route(one, edit_connection, methods=["PUT"]),
        Route(one, delete_connection, methods=["DELETE"]),
    ]


routes = build_routes()
