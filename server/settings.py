"""Service settings: defaults, then the settings file, then the environment.

The settings file is ``settings.toml`` in the data directory. Environment
variables override it: ``DELUGE_CALLBACKS_HOST``, ``DELUGE_CALLBACKS_PORT``,
``DELUGE_CALLBACKS_DATA_DIR``, ``DELUGE_CALLBACKS_LOG_LEVEL``,
``DELUGE_CALLBACKS_OUTBOUND_ALLOW_LIST`` (comma-separated host names or
networks) and one ``DELUGE_CALLBACKS_LIMIT_<NAME>`` per field of
``runtime.limits.Limits``, for example ``DELUGE_CALLBACKS_LIMIT_STATEMENTS``.
``DELUGE_CALLBACKS_HISTORY_MAX_ROWS`` and
``DELUGE_CALLBACKS_HISTORY_MAX_AGE_DAYS`` set the execution history retention.

Example ``settings.toml``::

    host = "127.0.0.1"
    port = 8080
    log_level = "INFO"
    outbound_allow_list = ["api.example.com", "192.0.2.0/24"]

    [limits]
    statements = 10000
    wall_time_seconds = 30
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from runtime.limits import Limits
from server.settings_values import (
    SettingsError,
    to_allow_list,
    to_host,
    to_int,
    to_limit,
    to_log_level,
    to_positive_float,
)

__all__ = ["Settings", "SettingsError", "load_settings", "prepare_data_dir"]

ENV_PREFIX = "DELUGE_CALLBACKS_"
SETTINGS_FILE = "settings.toml"
SCALAR_KEYS = (
    "host",
    "port",
    "log_level",
    "program_table_size",
    "history_max_rows",
    "history_max_age_days",
)
FILE_KEYS = (*SCALAR_KEYS, "outbound_allow_list", "limits")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_DATA_DIR = "data"
DATA_DIR_HINT = "choose another with --data-dir or DELUGE_CALLBACKS_DATA_DIR"


@dataclass(frozen=True)
class Settings:
    """The resolved configuration of one service process."""

    data_dir: Path = Path(DEFAULT_DATA_DIR)
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    log_level: str = "INFO"
    limits: Limits = field(default_factory=Limits)
    # Host names or networks (CIDR) that invokeurl may reach although they
    # are not public addresses; read by the outbound HTTP client.
    outbound_allow_list: list[str] = field(default_factory=list)
    # Loaded programs kept in memory per process, least recently used first out.
    program_table_size: int = 4096
    # Execution history retention: rows kept per callback, and maximum age.
    history_max_rows: int = 1000
    history_max_age_days: float = 30.0

    @property
    def database_path(self) -> Path:
        return self.data_dir / "callbacks.db"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"


def _split_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def read_settings_file(path: Path) -> dict[str, object]:
    """Read ``settings.toml``; a missing file or data directory is an empty table."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(
            f"Invalid settings file {path}: {exc}; fix the TOML syntax there"
        ) from None
    except UnicodeDecodeError as exc:
        raise SettingsError(
            f"Invalid settings file {path}: it is not UTF-8 text ({exc.reason} "
            f"at byte {exc.start}); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise SettingsError(
            f"Cannot read the settings file {path}: {exc.strerror}; "
            "make it a readable file or remove it"
        ) from None


def _file_values(path: Path) -> tuple[dict, dict]:
    """Return the scalar settings and the limits of the settings file, checked."""
    values: dict[str, tuple[object, str]] = {}
    limits: dict[str, int | float] = {}
    for key, value in read_settings_file(path).items():
        source = f"{path}"
        if key == "limits":
            if not isinstance(value, dict):
                raise SettingsError(
                    f"Invalid setting 'limits' in {path}: it must be a table, "
                    "written as a [limits] section with one name = value per line"
                )
            for name, limit in value.items():
                limits[name] = to_limit(name, limit, f"the [limits] table of {path}")
        elif key in SCALAR_KEYS or key == "outbound_allow_list":
            values[key] = (value, source)
        else:
            raise SettingsError(
                f"Unknown setting '{key}' in {path}; known settings: "
                + ", ".join(FILE_KEYS)
            )
    return values, limits


def load_settings(
    data_dir: str | os.PathLike | None = None,
    environ: dict[str, str] | None = None,
    **overrides: object,
) -> Settings:
    """Resolve the settings from defaults, the file, the environment, overrides.

    ``overrides`` are the command-line options (``host``, ``port``, ...); a
    value of None leaves the setting as the earlier sources set it. Raises
    ``SettingsError`` naming the first invalid value and where it came from.
    """
    env = os.environ if environ is None else environ
    if data_dir is None:
        data_dir = env.get(ENV_PREFIX + "DATA_DIR", DEFAULT_DATA_DIR)
    root = Path(data_dir).expanduser().resolve()
    settings_path = root / SETTINGS_FILE
    if root.exists() and not root.is_dir():
        raise SettingsError(
            f"Invalid data directory {root}: it is not a directory; {DATA_DIR_HINT}"
        )
    values, limits = _file_values(settings_path)

    for key in SCALAR_KEYS:
        name = ENV_PREFIX + key.upper()
        if name in env:
            values[key] = (env[name], name)
    allow_name = ENV_PREFIX + "OUTBOUND_ALLOW_LIST"
    if allow_name in env:
        values["outbound_allow_list"] = (_split_list(env[allow_name]), allow_name)
    limit_prefix = ENV_PREFIX + "LIMIT_"
    for key, value in env.items():
        if key.startswith(limit_prefix):
            limits[key[len(limit_prefix) :].lower()] = to_limit(
                key[len(limit_prefix) :].lower(), value, key
            )

    for key, value in overrides.items():
        if value is not None:
            values[key] = (value, "--" + key.replace("_", "-"))

    def value_of(key: str, default: object) -> tuple[object, str]:
        return values.get(key, (default, "the default"))

    return Settings(
        data_dir=root,
        host=to_host(*value_of("host", DEFAULT_HOST)),
        port=to_int("port", *value_of("port", DEFAULT_PORT), 0, 65535),
        log_level=to_log_level(*value_of("log_level", "INFO")),
        limits=Limits(**limits),  # type: ignore[arg-type]
        outbound_allow_list=to_allow_list(*value_of("outbound_allow_list", [])),
        program_table_size=to_int(
            "program_table_size", *value_of("program_table_size", 4096), 1
        ),
        history_max_rows=to_int(
            "history_max_rows", *value_of("history_max_rows", 1000), 1
        ),
        history_max_age_days=to_positive_float(
            "history_max_age_days", *value_of("history_max_age_days", 30.0)
        ),
    )


def prepare_data_dir(path: Path) -> None:
    """Create the data directory (mode 0700) and check that it is writable.

    Raises ``SettingsError`` naming the directory when it cannot be created
    or a file cannot be created in it.
    """
    try:
        # The data directory contains the database and the key files, so only
        # its owner may enter it.
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(
            f"Cannot create the data directory {path}: {exc.strerror}; "
            f"create it with write access for this user or {DATA_DIR_HINT}"
        ) from None
    probe = path / f".write-check-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise SettingsError(
            f"The data directory {path} is not writable: {exc.strerror}; "
            f"give this user write access to it or {DATA_DIR_HINT}"
        ) from None
