"""Checks of single setting values, each raising ``SettingsError`` with the source.

A value comes from ``settings.toml`` (any TOML type), an environment variable
(always text) or a command-line option. Every message names the setting, the
value, where it came from and what is expected.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import math
import re
import sys

from runtime.http_address import AllowList
from runtime.limits import Limits

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# A host name to listen on: DNS labels separated by dots.
_HOST_NAME = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.?"
)
# Python refuses to convert integers with more decimal digits than this to text
# (``sys.get_int_max_str_digits()``, 4300 by default since Python 3.11), so a
# larger integer_digits limit would let a script build numbers it cannot print.
MAX_INTEGER_DIGITS = sys.get_int_max_str_digits() or 4300


class SettingsError(ValueError):
    """A setting has an invalid value; the message names the setting."""


def _invalid_value(
    name: str, value: object, source: str, expected: str
) -> SettingsError:
    return SettingsError(
        f"Invalid value {value!r} for setting '{name}' (from {source}): "
        f"expected {expected}"
    )


def to_int(
    name: str, value: object, source: str, minimum: int, maximum: int | None = None
) -> int:
    """Convert an integer setting; reject booleans, fractions and out-of-range values."""
    if maximum is not None:
        expected = f"an integer from {minimum} to {maximum}"
    elif minimum == 1:
        expected = "an integer greater than zero"
    else:
        expected = f"an integer of at least {minimum}"
    if isinstance(value, bool):
        raise _invalid_value(name, value, source, expected)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]{1,30}\s*", value):
        number = int(value)
    else:
        raise _invalid_value(name, value, source, expected)
    if number < minimum or (maximum is not None and number > maximum):
        raise _invalid_value(name, value, source, expected)
    return number


def to_positive_float(name: str, value: object, source: str) -> float:
    """Convert a number of seconds or days: finite and greater than zero."""
    expected = "a number greater than zero"
    if isinstance(value, bool):
        raise _invalid_value(name, value, source, expected)
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise _invalid_value(name, value, source, expected) from None
    else:
        raise _invalid_value(name, value, source, expected)
    if not math.isfinite(number) or number <= 0:
        raise _invalid_value(name, value, source, expected)
    return number


def to_host(value: object, source: str) -> str:
    """Check the listen address: an IP address or a host name."""
    expected = "an IP address such as 127.0.0.1 or ::1, or a host name"
    if not isinstance(value, str):
        raise _invalid_value("host", value, source, expected)
    text = value.strip()
    try:
        ipaddress.ip_address(text)
        return text
    except ValueError:
        pass
    if len(text) > 253 or not _HOST_NAME.fullmatch(text):
        raise _invalid_value("host", value, source, expected)
    return text


def to_log_level(value: object, source: str) -> str:
    expected = "one of " + ", ".join(LOG_LEVELS)
    if not isinstance(value, str) or value.strip().upper() not in LOG_LEVELS:
        raise _invalid_value("log_level", value, source, expected)
    return value.strip().upper()


def to_allow_list(entries: object, source: str) -> list[str]:
    """Check each outbound allow-list entry as the outbound client will parse it."""
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise SettingsError(
            f"Invalid setting 'outbound_allow_list' (from {source}): expected a "
            'list of strings, for example ["api.example.com", "10.20.0.0/16"]'
        )
    for entry in entries:
        try:
            AllowList.parse([entry])
        except ValueError as exc:
            raise SettingsError(
                f"Invalid setting 'outbound_allow_list' (from {source}): {exc}"
            ) from None
    return [entry.strip() for entry in entries if entry.strip()]


def to_limit(name: str, value: object, source: str) -> int | float:
    """Convert one execution limit; unknown names and values at or below 0 fail."""
    types = {f.name: f.type for f in dataclasses.fields(Limits)}
    if name not in types:
        known = ", ".join(Limits.names())
        raise SettingsError(
            f"Unknown limit '{name}' (from {source}); known limits: {known}"
        )
    setting = f"limits.{name}"
    if str(types[name]) == "float":
        return to_positive_float(setting, value, source)
    maximum = MAX_INTEGER_DIGITS if name == "integer_digits" else None
    return to_int(setting, value, source, 1, maximum)
