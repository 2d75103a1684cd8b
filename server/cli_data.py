"""A service's data directory, opened read-only for ``check``, ``compile`` and ``run``.

With ``--data-dir DIR --portal N`` the commands resolve ``global_function_<id>``
calls from the portal's stored global functions, and ``run`` also takes the
portal's connections and time zone and the directory's settings (limits and
outbound allow-list). Nothing in the directory is created or changed.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from cryptography.fernet import Fernet

from server.cli_source import UsageError
from server.connections import KEY_FILE, ConnectionStore
from server.errors import NotFound
from server.programs import GLOBAL_PREFIX, global_resolver
from server.settings import Settings, load_settings
from server.storage import BUSY_TIMEOUT_MS, Storage
from server.storage_tokens import TokenCipher

RESOLVE_HINT = (
    "pass --data-dir DIR --portal N to resolve global functions from a "
    "service's data directory"
)
_UNDEFINED_GLOBAL = re.compile(rf"Function '({GLOBAL_PREFIX}\w*)' is not defined")


def add_data_dir_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="a service's data directory, read-only: resolves global functions "
        "(and for run, connections and settings) from it",
    )
    parser.add_argument(
        "--portal",
        type=int,
        metavar="N",
        help="the portal of --data-dir whose global functions to use (default 1)",
    )


class ReadOnlyStorage(Storage):
    """``Storage`` on a database opened with SQLite's ``mode=ro``."""

    def _connect(self) -> sqlite_utils.Database:
        # A read-only connection to a WAL database still creates the -wal and
        # -shm files when they are missing. They are missing only after the
        # last writer closed the database, so then it is opened as immutable.
        # NOTE: an immutable connection misses writes of a service that starts
        # while the command runs, which is fine for one short command.
        wal = self.path.with_name(self.path.name + "-wal")
        flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
        connection = sqlite3.connect(
            f"{self.path.as_uri()}?{flags}",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
        )
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        with self._lock:
            self._connections.append(connection)
        return sqlite_utils.Database(connection)


@dataclass
class PortalData:
    """The settings, storage and connections of one portal of a data directory."""

    data_dir: Path
    portal_id: int
    time_zone: str
    settings: Settings
    storage: Storage
    connections: ConnectionStore | None

    def resolve_global(self):
        return global_resolver(self.storage, self.portal_id)

    def close(self) -> None:
        self.storage.close()


def open_portal(data_dir: Path | None, portal: int | None) -> PortalData | None:
    """Open ``--data-dir`` read-only; return None when the option is absent.

    Raises ``UsageError`` for a missing database or an unknown portal, and
    ``SettingsError`` for an invalid ``settings.toml``.
    """
    if data_dir is None:
        if portal is not None:
            raise UsageError(
                "--portal needs --data-dir DIR, the data directory of a service"
            )
        return None
    portal_id = 1 if portal is None else portal
    settings = load_settings(data_dir)
    database = settings.database_path
    if not database.is_file():
        raise UsageError(
            f"No database in the data directory {settings.data_dir}: expected "
            f"{database.name}; give the --data-dir of a service that has started"
        )
    # These commands read no auth token, so a throwaway key serves the cipher.
    storage = ReadOnlyStorage(database, TokenCipher(Fernet.generate_key()))
    try:
        portal_row = storage.get_portal(portal_id)
    except NotFound:
        storage.close()
        raise UsageError(
            f"Portal {portal_id} not found in {database}; choose another --portal"
        ) from None
    except sqlite3.DatabaseError as exc:
        storage.close()
        raise UsageError(f"Cannot read the database {database}: {exc}") from None
    key_path = settings.data_dir / KEY_FILE
    connections = None
    if key_path.is_file():
        key = key_path.read_text(encoding="ascii").strip().encode("ascii")
        connections = ConnectionStore(storage, key)
    return PortalData(
        data_dir=settings.data_dir,
        portal_id=portal_id,
        time_zone=portal_row["time_zone"],
        settings=settings,
        storage=storage,
        connections=connections,
    )


def explain_unresolved(diagnostics: list, portal: PortalData | None) -> list:
    """Add to each "not defined" error of a global function how to resolve it."""
    explained = []
    for diagnostic in diagnostics:
        match = _UNDEFINED_GLOBAL.fullmatch(diagnostic.message)
        if match is None:
            explained.append(diagnostic)
            continue
        if portal is None:
            reason = RESOLVE_HINT
        else:
            reason = (
                f"portal {portal.portal_id} of {portal.data_dir} has no global "
                f"function {match.group(1)[len(GLOBAL_PREFIX) :]}"
            )
        message = f"{diagnostic.message}; {reason}"
        explained.append(dataclasses.replace(diagnostic, message=message))
    return explained
