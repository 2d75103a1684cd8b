"""DATE-TIME built-ins: arithmetic, getters, business days and conversions.

Every function here accepts a DATE-TIME or a TEXT in one of the date-time
literal formats, read in the portal time zone. The ``add*`` functions return
a value with a time part (``'01-Jan-2019'.addDay(11)`` renders as
``12-Jan-2019 00:00:00``); ``eomonth``, ``edate`` and ``workday`` return
date-only values.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from runtime.builtins.support import describe, int_arg, register, text_arg
from runtime.date_patterns import week_of_year
from runtime.dates import (
    WEEKDAY_ABBR,
    WEEKDAY_NAMES,
    DateTextError,
    DateTime,
    localize,
    parse_text,
)
from runtime.errors import DelugeError
from runtime.registry import METHOD
from runtime.values import COLLECTION, DATETIME, NUMBER, TEXT, Collection

DATE_INPUTS = (DATETIME, TEXT)


def to_datetime(ctx, value, function: str) -> DateTime:
    """Return a DATE-TIME argument, reading date text in the portal zone."""
    if type(value) is DateTime:
        return value
    if type(value) is str:
        try:
            return parse_text(ctx, value)
        except DateTextError as error:
            raise DelugeError(f"{function}: {error.message}") from None
    raise DelugeError(f"{function}: expected a date-time, got {describe(value)}")


def getter_input(ctx, value) -> DateTime | None:
    """Read a getter's receiver, or return None for defects that give null."""
    if type(value) is DateTime:
        return value
    try:
        return parse_text(ctx, value)
    except DateTextError as error:
        if error.getter_null:
            return None
        raise


# Arithmetic ------------------------------------------------------------------


def add_months(value: DateTime, months: int, function: str) -> DateTime:
    """Move by calendar months, clamping the day to the target month's end."""
    local = value.moment
    total = local.year * 12 + (local.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise DelugeError(
            f"{function}: the resulting year {year} has more than 4 digits"
        )
    day = min(local.day, calendar.monthrange(year, month)[1])
    naive = local.replace(tzinfo=None, year=year, month=month, day=day)
    return DateTime(localize(naive, local.tzinfo))


def add_days(value: DateTime, days: int, function: str) -> DateTime:
    """Move by calendar days, keeping the wall-clock time."""
    local = value.moment
    try:
        naive = local.replace(tzinfo=None) + timedelta(days=days)
    except OverflowError:
        raise DelugeError(f"{function}: the resulting date is out of range") from None
    return DateTime(localize(naive, local.tzinfo))


def add_elapsed(value: DateTime, delta: timedelta, function: str) -> DateTime:
    """Move by elapsed time, so adding hours across a DST change is exact."""
    # Arithmetic on an aware datetime works on its wall clock, so it is done
    # in UTC here.
    try:
        moment = (value.moment.astimezone(UTC) + delta).astimezone(value.tz)
    except OverflowError:
        raise DelugeError(f"{function}: the resulting date is out of range") from None
    if moment.year > 9999:
        raise DelugeError(f"{function}: the resulting year has more than 4 digits")
    return DateTime(moment)


def _unit_function(name: str, sign: int, unit: str):
    def shift(ctx, value, count):
        moment = to_datetime(ctx, value, name)
        amount = sign * int_arg(count, name, "count")
        if unit == "years":
            return add_months(moment, amount * 12, name)
        if unit == "months":
            return add_months(moment, amount, name)
        if unit == "weeks":
            return add_days(moment, amount * 7, name)
        if unit == "days":
            return add_days(moment, amount, name)
        try:
            delta = timedelta(**{unit: amount})
        except OverflowError:
            raise DelugeError(f"{name}: count {amount} is out of range") from None
        return add_elapsed(moment, delta, name)

    shift.__name__ = name
    return shift


_UNITS = {
    "Year": "years",
    "Month": "months",
    "Week": "weeks",
    "Day": "days",
    "Hour": "hours",
    "Minutes": "minutes",
    "Seconds": "seconds",
}
# The plural names (addMinutes, addSeconds) are the documented ones; the
# singular spellings are accepted as aliases.
_ALIASES = {"Minutes": ("Minute",), "Seconds": ("Second",)}

for _unit_name, _unit in _UNITS.items():
    for _prefix, _sign in (("add", 1), ("sub", -1)):
        _name = _prefix + _unit_name
        register(
            DATE_INPUTS,
            _name,
            aliases=tuple(_prefix + alias for alias in _ALIASES.get(_unit_name, ())),
            min_args=1,
            returns=DATETIME,
        )(_unit_function(_name, _sign, _unit))


# Getters ---------------------------------------------------------------------


def _getter(name: str, extract):
    def get(ctx, value):
        moment = getter_input(ctx, value)
        return None if moment is None else extract(moment.moment)

    get.__name__ = name
    return get


_GETTERS = {
    ("getDay", ("day",)): lambda m: m.day,
    ("getMonth", ("month",)): lambda m: m.month,
    ("getYear", ("year",)): lambda m: m.year,
    ("getHour", ("hour",)): lambda m: m.hour,
    ("getMinutes", ("minute", "getMinute")): lambda m: m.minute,
    ("getSeconds", ("second", "getSecond")): lambda m: m.second,
    ("weekday", ("getDayOfWeek",)): lambda m: (m.weekday() + 1) % 7 + 1,
    ("getDayOfYear", ()): lambda m: m.timetuple().tm_yday,
}

for (_name, _aliases), _extract in _GETTERS.items():
    register(DATE_INPUTS, _name, aliases=_aliases, returns=NUMBER)(
        _getter(_name, _extract)
    )


def weekday_number(value, function: str) -> int:
    """Read a day of the week as 1 (Sunday) to 7, from a number or a name."""
    if type(value) is str and not value.strip().isdigit():
        name = value.strip().lower()
        for index, (full, abbr) in enumerate(zip(WEEKDAY_NAMES, WEEKDAY_ABBR)):
            if name in (full.lower(), abbr.lower()):
                return (index + 1) % 7 + 1
        raise DelugeError(f"{function}: '{value}' is not a day of the week")
    number = int_arg(value, function, "day of the week")
    if not 1 <= number <= 7:
        raise DelugeError(
            f"{function}: day of the week {number} is not valid; use 1 (Sunday) to 7"
        )
    return number


@register(DATE_INPUTS, "getWeekOfYear", max_args=1, returns=NUMBER)
def get_week_of_year(ctx, value, start_day=None):
    """Return the week number; weeks start on Sunday unless ``start_day`` is set."""
    moment = getter_input(ctx, value)
    if moment is None:
        return None
    first = 0 if start_day is None else weekday_number(start_day, "getWeekOfYear") - 1
    return week_of_year(moment.moment.date(), first)[1]


def _local_date(value: DateTime) -> date:
    return value.moment.date()


@register(DATE_INPUTS, "daysBetween", aliases=("days360",), min_args=1, returns=NUMBER)
def days_between(ctx, start, end):
    """Count calendar days from start to end, negative when end is earlier."""
    first = _local_date(to_datetime(ctx, start, "daysBetween"))
    last = _local_date(to_datetime(ctx, end, "daysBetween"))
    return (last - first).days


@register(DATE_INPUTS, "eomonth", min_args=1, returns=DATETIME)
def eomonth(ctx, value, months):
    moment = add_months(
        to_datetime(ctx, value, "eomonth").date_only(),
        int_arg(months, "eomonth", "months"),
        "eomonth",
    ).moment
    last = calendar.monthrange(moment.year, moment.month)[1]
    return DateTime.from_local(
        moment.tzinfo, moment.year, moment.month, last, has_time=False
    )


@register(DATE_INPUTS, "edate", min_args=1, returns=DATETIME)
def edate(ctx, value, months):
    moment = to_datetime(ctx, value, "edate").date_only()
    return add_months(moment, int_arg(months, "edate", "months"), "edate").date_only()


# Business days ---------------------------------------------------------------


def _weekend_days(value, function: str) -> set[int]:
    """Return Python weekday numbers (Monday 0) of the weekend days."""
    if value is None:
        return {5, 6}
    items = value.as_list() if type(value) is Collection else value
    if not isinstance(items, list):
        items = [items]
    days = set()
    for item in items:
        deluge_day = weekday_number(item, function)  # 1 is Sunday
        days.add((deluge_day + 5) % 7)
    if len(days) == 7:
        raise DelugeError(f"{function}: every day of the week is a weekend day")
    return days


def _holiday_dates(ctx, value, function: str) -> set[date]:
    if value is None:
        return set()
    items = value.as_list() if type(value) is Collection else value
    if not isinstance(items, list):
        items = [items]
    return {_local_date(to_datetime(ctx, item, function)) for item in items}


def _business_days(ctx, start: date, end: date, weekends, holidays):
    """Yield the business days after ``start`` up to and including ``end``."""
    day = start
    while day < end:
        day += timedelta(days=1)
        ctx.check_deadline()
        if day.weekday() not in weekends and day not in holidays:
            yield day


def step_date(day: date, days: int, function: str) -> date:
    """Move a calendar date by ``days``, as a Deluge error past year 1 or 9999."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        raise DelugeError(f"{function}: the resulting date is out of range") from None


def split_options(ctx, function: str, options: tuple):
    weekends = options[0] if options else None
    holidays = options[1] if len(options) > 1 else None
    return _weekend_days(weekends, function), _holiday_dates(ctx, holidays, function)


@register(DATE_INPUTS, "workday", min_args=1, max_args=3, returns=DATETIME)
def workday(ctx, value, count, *options):
    """Add business days. A negative count returns the date as it is."""
    moment = to_datetime(ctx, value, "workday").date_only()
    count = int_arg(count, "workday", "count")
    if count <= 0:
        return moment
    if count > 100_000:
        raise DelugeError(f"workday: count {count} is larger than 100000")
    weekends, holidays = split_options(ctx, "workday", options)
    day = _local_date(moment)
    while count > 0:
        day = step_date(day, 1, "workday")
        if day.weekday() not in weekends and day not in holidays:
            count -= 1
    return DateTime.from_local(moment.tz, day.year, day.month, day.day, has_time=False)


_SPAN_LIMIT_DAYS = 366 * 200


def _span(ctx, function, value, end):
    first = _local_date(to_datetime(ctx, value, function))
    last = _local_date(to_datetime(ctx, end, function))
    if abs((last - first).days) > _SPAN_LIMIT_DAYS:
        raise DelugeError(f"{function}: the dates are more than 200 years apart")
    return first, last


@register(DATE_INPUTS, "workDaysBetween", min_args=1, max_args=3, forms=METHOD,
          returns=NUMBER)  # fmt: skip
def work_days_between(ctx, value, end, *options):
    """Count business days after the start up to the end, negative if reversed."""
    first, last = _span(ctx, "workDaysBetween", value, end)
    weekends, holidays = split_options(ctx, "workDaysBetween", options)
    if last >= first:
        return sum(1 for _ in _business_days(ctx, first, last, weekends, holidays))
    return -sum(1 for _ in _business_days(ctx, last, first, weekends, holidays))


@register(DATE_INPUTS, "workDaysList", min_args=1, max_args=3, forms=METHOD,
          returns=COLLECTION)  # fmt: skip
def work_days_list(ctx, value, end, *options):
    """List the business days after the start up to the end, empty if reversed."""
    first, last = _span(ctx, "workDaysList", value, end)
    weekends, holidays = split_options(ctx, "workDaysList", options)
    tz = ctx.tz
    days = [
        DateTime.from_local(tz, day.year, day.month, day.day, has_time=False)
        for day in _business_days(ctx, first, last, weekends, holidays)
    ]
    ctx.check_size(len(days))
    return Collection(days)


# Epoch -----------------------------------------------------------------------


def zone_or_gmt(name) -> ZoneInfo:
    """Return the named IANA zone, or GMT for a name that is not one."""
    try:
        return ZoneInfo(str(name))
    # A name too long for a file name raises OSError from the zone lookup.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("GMT")


@register((TEXT,), "unixEpoch", max_args=1, returns=None)
def unix_epoch(ctx, text, zone=None):
    """Return milliseconds since 1970-01-01 00:00 UTC for a date-time text.

    The text is read in ``zone`` (an invalid name means GMT) or, without one,
    in the portal zone. Text that is not a date-time is returned as it is.
    """
    tz = ctx.tz if zone is None else zone_or_gmt(text_arg(zone, "unixEpoch"))
    try:
        return parse_text(ctx, text, tz=tz).epoch_ms()
    except DateTextError:
        return text
