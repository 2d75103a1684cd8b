"""Portals: the tenants of one installation."""

from __future__ import annotations

import sqlite3
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server.errors import Conflict, InvalidInput, NotFound

PORTAL_COLUMNS = "id, name, time_zone, created_at"


def check_time_zone(name: object) -> str:
    if not isinstance(name, str) or not name:
        raise InvalidInput("time_zone must be an IANA time zone name such as 'UTC'")
    try:
        ZoneInfo(name)
    # A name too long for a file name raises OSError from the zone lookup.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidInput(
            f"Unknown time zone {name!r}: use an IANA name such as 'Europe/Berlin'"
        ) from None
    return name


class PortalStore:
    def list_portals(self) -> list[dict]:
        return list(self.db.query(f"SELECT {PORTAL_COLUMNS} FROM portals ORDER BY id"))

    def get_portal(self, portal_id: int) -> dict:
        rows = list(
            self.db.query(
                f"SELECT {PORTAL_COLUMNS} FROM portals WHERE id = ?", [portal_id]
            )
        )
        if not rows:
            raise NotFound(f"Portal {portal_id} not found")
        return rows[0]

    def create_portal(self, name: str, time_zone: str = "UTC") -> dict:
        check_time_zone(time_zone)
        try:
            with self.transaction() as db:
                cursor = db.execute(
                    "INSERT INTO portals (name, time_zone, created_at) "
                    "VALUES (?, ?, ?)",
                    [name, time_zone, self.now()],
                )
                portal_id = cursor.lastrowid
        except sqlite3.IntegrityError:
            raise Conflict(f"A portal named {name!r} already exists") from None
        return self.get_portal(portal_id)
