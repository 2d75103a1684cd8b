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

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from runtime.limits import Limits

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
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_DATA_DIR = "data"


class SettingsError(ValueError):
    """A setting has an invalid value; the message names the setting."""


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


def _convert(name: str, value: object, target: type) -> object:
    """Convert a value from the file or the environment to the field's type."""
    try:
        if target is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if target is int:
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value)
        if target is float:
            if isinstance(value, bool):
                raise ValueError(value)
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise SettingsError(
            f"Invalid value {value!r} for setting '{name}': expected {target.__name__}"
        ) from None


def _limits_from(values: dict[str, object], source: str) -> dict[str, object]:
    types = {f.name: f.type for f in dataclasses.fields(Limits)}
    converted: dict[str, object] = {}
    for name, value in values.items():
        if name not in types:
            known = ", ".join(Limits.names())
            raise SettingsError(
                f"Unknown limit '{name}' in {source}; known limits: {known}"
            )
        target = {"int": int, "float": float}.get(str(types[name]), int)
        number = _convert(f"limits.{name}", value, target)
        if number <= 0:  # type: ignore[operator]
            raise SettingsError(
                f"Invalid value {value!r} for limit '{name}' in {source}: "
                "it must be greater than zero"
            )
        converted[name] = number
    return converted


def _split_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def read_settings_file(path: Path) -> dict[str, object]:
    """Read ``settings.toml``; a missing file is an empty table."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"Invalid settings file {path}: {exc}") from None


def load_settings(
    data_dir: str | os.PathLike | None = None,
    environ: dict[str, str] | None = None,
    **overrides: object,
) -> Settings:
    """Resolve the settings from defaults, the file, the environment, overrides.

    ``overrides`` are the command-line options (``host``, ``port``, ...); a
    value of None leaves the setting as the earlier sources set it.
    """
    env = os.environ if environ is None else environ
    if data_dir is None:
        data_dir = env.get(ENV_PREFIX + "DATA_DIR", DEFAULT_DATA_DIR)
    root = Path(data_dir).expanduser().resolve()
    file_values = read_settings_file(root / SETTINGS_FILE)

    values: dict[str, object] = {}
    limits: dict[str, object] = {}
    for key, value in file_values.items():
        if key == "limits":
            if not isinstance(value, dict):
                raise SettingsError("The [limits] section must be a table")
            limits.update(_limits_from(value, SETTINGS_FILE))
        elif key in SCALAR_KEYS:
            values[key] = value
        elif key == "outbound_allow_list":
            if not isinstance(value, list):
                raise SettingsError("outbound_allow_list must be a list of strings")
            values[key] = [str(item) for item in value]
        else:
            raise SettingsError(f"Unknown setting '{key}' in {root / SETTINGS_FILE}")

    for key in SCALAR_KEYS:
        if ENV_PREFIX + key.upper() in env:
            values[key] = env[ENV_PREFIX + key.upper()]
    if ENV_PREFIX + "OUTBOUND_ALLOW_LIST" in env:
        values["outbound_allow_list"] = _split_list(
            env[ENV_PREFIX + "OUTBOUND_ALLOW_LIST"]
        )
    limit_prefix = ENV_PREFIX + "LIMIT_"
    env_limits = {
        key[len(limit_prefix) :].lower(): value
        for key, value in env.items()
        if key.startswith(limit_prefix)
    }
    limits.update(_limits_from(env_limits, "the environment"))

    for key, value in overrides.items():
        if value is not None:
            values[key] = value

    history_max_rows = _convert(
        "history_max_rows", values.get("history_max_rows", 1000), int
    )
    history_max_age_days = _convert(
        "history_max_age_days", values.get("history_max_age_days", 30.0), float
    )
    if history_max_rows < 1 or history_max_age_days <= 0:  # type: ignore[operator]
        raise SettingsError(
            "history_max_rows must be at least 1 and history_max_age_days "
            "greater than zero"
        )
    port = _convert("port", values.get("port", DEFAULT_PORT), int)
    if not 0 <= port <= 65535:  # type: ignore[operator]
        raise SettingsError(f"Invalid port {port}: expected 0 to 65535")
    return Settings(
        data_dir=root,
        host=str(values.get("host", DEFAULT_HOST)),
        port=port,  # type: ignore[arg-type]
        log_level=str(values.get("log_level", "INFO")).upper(),
        limits=Limits(**limits),  # type: ignore[arg-type]
        outbound_allow_list=list(values.get("outbound_allow_list", [])),  # type: ignore[call-overload]
        program_table_size=_convert(  # type: ignore[arg-type]
            "program_table_size", values.get("program_table_size", 4096), int
        ),
        history_max_rows=history_max_rows,  # type: ignore[arg-type]
        history_max_age_days=history_max_age_days,  # type: ignore[arg-type]
    )
