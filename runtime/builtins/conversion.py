"""Type conversion built-ins: toString, toNumber, toDecimal, toDate and relatives.

A NUMBER given where a date-time is expected counts milliseconds since
1970-01-01 00:00:00 UTC, shown in the portal zone (Zoho's examples ran in US
Pacific time, where 0 is ``31-Dec-1969 16:00:00``).
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from runtime.builtins.datetimes import to_datetime
from runtime.builtins.numbers import parse_number
from runtime.builtins.support import (
    builtin,
    check_number,
    describe,
    register,
    render,
    text_arg,
)
from runtime.date_patterns import PatternError, format_datetime, parse_datetime
from runtime.dates import DateTextError, DateTime, parse_text
from runtime.errors import DelugeError
from runtime.registry import ANY
from runtime.values import DATETIME, DECIMAL, NUMBER, TEXT

DATE_SOURCES = (TEXT, NUMBER, DATETIME)


def zone_arg(name, function: str):
    """Return the IANA zone an argument names, or raise naming the value."""
    zone_name = text_arg(name, function, "time zone")
    try:
        return ZoneInfo(zone_name)
    # A name too long for a file name raises OSError from the zone lookup.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise DelugeError(
            f"{function}: '{zone_name}' is not a time zone; use an IANA name "
            "such as 'Asia/Kolkata' or 'UTC'"
        ) from None


def _as_datetime(ctx, value, function: str, tz=None) -> DateTime:
    """Read a DATE-TIME, a date-time text or epoch milliseconds."""
    if type(value) is int:
        return DateTime.from_epoch_ms(value, tz or ctx.tz)
    if type(value) is str and tz is not None:
        try:
            return parse_text(ctx, value, tz=tz)
        except DateTextError as error:
            raise DelugeError(f"{function}: {error.message}") from None
    return to_datetime(ctx, value, function)


@builtin(ANY, "toString", aliases=("toText",), max_args=2, returns=TEXT)
def to_string(ctx, value, pattern=None, zone=None):
    """Render any value as text.

    With a pattern, a DATE-TIME, a NUMBER of milliseconds or a date-time text
    is formatted by SimpleDateFormat letters, in ``zone`` if one is given. A
    pattern with an unquoted letter that is not a pattern letter gives null.
    """
    if pattern is None or type(value) not in (DateTime, int, str):
        if type(value) is DateTime and zone is not None:
            value = value.in_zone(zone_arg(zone, "toString"))
        return ctx.check_text(render(value, ctx.limits.text_length))
    tz = None if zone is None else zone_arg(zone, "toString")
    moment = _as_datetime(ctx, value, "toString")
    if tz is not None:
        moment = moment.in_zone(tz)
    try:
        return format_datetime(moment, text_arg(pattern, "toString", "format"))
    except PatternError:
        return None


@register(DATE_SOURCES, "toDateTimeString", min_args=1, max_args=2, returns=TEXT)
def to_date_time_string(ctx, value, pattern, zone=None):
    """Format epoch milliseconds, a DATE-TIME or a date-time text."""
    moment = _as_datetime(ctx, value, "toDateTimeString")
    if zone is not None:
        moment = moment.in_zone(zone_arg(zone, "toDateTimeString"))
    try:
        return format_datetime(moment, text_arg(pattern, "toDateTimeString", "format"))
    except PatternError as error:
        raise DelugeError(f"toDateTimeString: invalid format: {error}") from None


@builtin(ANY, "toNumber", aliases=("toLong",), returns=NUMBER)
def to_number(ctx, value):
    """Convert to NUMBER; a fraction is dropped toward zero.

    A DATE-TIME gives its milliseconds since the epoch. Text must be a number.
    """
    kind = type(value)
    if kind is int:
        return value
    if kind is float:
        if math.isnan(value) or math.isinf(value):
            raise DelugeError(f"toNumber: {render(value)} has no whole-number value")
        return check_number(int(value), "toNumber")
    if kind is DateTime:
        return value.epoch_ms()
    if kind is str:
        parsed = parse_number(value)
        if parsed is None:
            raise DelugeError(
                f"toNumber: {describe(value)} is not a number; "
                "remove letters and spaces first"
            )
        return check_number(int(parsed), "toNumber")
    raise DelugeError(f"toNumber: {describe(value)} cannot be converted to a NUMBER")


@builtin(ANY, "toDecimal", returns=DECIMAL)
def to_decimal(ctx, value):
    kind = type(value)
    if kind is int or kind is float:
        return float(value)
    if kind is str:
        parsed = parse_number(value)
        if parsed is None:
            raise DelugeError(f"toDecimal: {describe(value)} is not a number")
        return float(parsed)
    raise DelugeError(f"toDecimal: {describe(value)} cannot be converted to a DECIMAL")


def _read_date(ctx, value, pattern, function: str, tz=None) -> DateTime:
    if pattern is not None and type(value) is str:
        try:
            return parse_datetime(
                value, text_arg(pattern, function, "format"), tz or ctx.tz
            )
        except PatternError as error:
            raise DelugeError(f"{function}: invalid format: {error}") from None
        except DateTextError as error:
            raise DelugeError(f"{function}: {error.message}") from None
    return _as_datetime(ctx, value, function, tz)


@register(DATE_SOURCES, "toDate", max_args=1, returns=DATETIME)
def to_date(ctx, value, pattern=None):
    """Convert to a date without time; ``pattern`` gives the text's layout."""
    return _read_date(ctx, value, pattern, "toDate").date_only()


@register(DATE_SOURCES, "toDateTime", max_args=1, returns=DATETIME)
def to_date_time(ctx, value, pattern=None):
    """Convert to a date-time; ``pattern`` gives the text's layout."""
    return _read_date(ctx, value, pattern, "toDateTime").with_time(True)


_TIME_ONLY = re.compile(r"(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\s*([AaPp][Mm]))?")


@register(DATE_SOURCES, "toTime", max_args=2, returns=DATETIME)
def to_time(ctx, value, pattern=None, zone=None):
    """Convert to a date-time; a time-only text such as "10:30" means today.

    With ``zone``, the text is read in that zone and the result shown in the
    portal zone.
    """
    tz = None if zone is None else zone_arg(zone, "toTime")
    if type(value) is str and pattern is None:
        match = _TIME_ONLY.fullmatch(value.strip())
        if match is not None:
            return _today_at(ctx, match, tz or ctx.tz).in_zone(ctx.tz)
    return _read_date(ctx, value, pattern, "toTime", tz).in_zone(ctx.tz).with_time(True)


def _today_at(ctx, match: re.Match, tz) -> DateTime:
    hour, minute = int(match[1]), int(match[2])
    second = int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            raise DelugeError(f"toTime: hour {hour} is not valid with {match[4]}")
        hour = hour % 12 + (12 if match[4].lower() == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise DelugeError(f"toTime: '{match[0]}' is not a valid time")
    now = datetime.now(tz)
    return DateTime.from_local(tz, now.year, now.month, now.day, hour, minute, second)
