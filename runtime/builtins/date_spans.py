"""DATE-TIME built-ins for business days, spans between dates and week starts.

These are the functions of Zoho's date-time list that ``datetimes.py`` does
not cover. ``monthsBetween`` and ``yearsBetween`` count 30-day months and
365-day years, as the monthsDiff and yearsDiff pages state, while
``monthsDiff``, ``yearsDiff``, ``totalMonths`` and ``totalYears`` count
calendar months and years. Weeks start on Sunday.
"""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta

from runtime.builtins.datetimes import (
    DATE_INPUTS,
    add_days,
    getter_input,
    split_options,
    step_date,
    to_datetime,
    weekday_number,
)
from runtime.builtins.support import describe, int_arg, register
from runtime.dates import DateTime
from runtime.errors import DelugeError
from runtime.registry import METHOD
from runtime.values import DATETIME, DECIMAL, NUMBER, Collection

_MS_PER_HOUR = 3_600_000
_MAX_BUSINESS_DAYS = 100_000


def _truncate(numerator: int, denominator: int) -> int:
    """Divide, rounding toward zero as Java's integer division does."""
    quotient = abs(numerator) // denominator
    return quotient if numerator >= 0 else -quotient


def _shift_business_days(ctx, value, count, options, sign: int, function: str):
    moment = to_datetime(ctx, value, function)
    count = int_arg(count, function, "count")
    if count < 0:
        count, sign = -count, -sign
    if count > _MAX_BUSINESS_DAYS:
        raise DelugeError(f"{function}: count {count} is larger than 100000")
    weekends, holidays = split_options(ctx, function, options)
    steps = 0
    day = moment.moment.date()
    while count > 0:
        day = step_date(day, sign, function)
        steps += sign
        if day.weekday() not in weekends and day not in holidays:
            count -= 1
    # The wall-clock time is kept, as addDay keeps it.
    return add_days(moment, steps, function)


@register(DATE_INPUTS, "addBusinessDay", min_args=1, max_args=3, returns=DATETIME)
def add_business_day(ctx, value, count, *options):
    """Add business days, Monday to Friday unless weekends are given.

    Unlike ``workday``, the time of day is kept and a negative count moves
    back. Holidays, when given, are skipped too.
    """
    return _shift_business_days(ctx, value, count, options, 1, "addBusinessDay")


@register(DATE_INPUTS, "subBusinessDay", min_args=1, max_args=3, returns=DATETIME)
def sub_business_day(ctx, value, count, *options):
    """Subtract business days, the mirror of ``addBusinessDay``."""
    return _shift_business_days(ctx, value, count, options, -1, "subBusinessDay")


# Business hours ---------------------------------------------------------------

_DEFAULT_BUSINESS_HOURS = (9, 17)
_MAX_BUSINESS_HOURS = 100_000


def _business_minutes(hours, function: str) -> int:
    """Return the signed minutes that an hours argument of addBusinessHour means.

    NOTE: Zoho's page states that a DECIMAL adds business minutes but not how.
    The digits after the point are read as minutes (1.30 is one hour and 30
    minutes, 0.01 one minute), as a script published for Zoho CRM shows.
    """
    if type(hours) is int:
        minutes = hours * 60
    elif type(hours) is float:
        if not math.isfinite(hours):
            raise DelugeError(f"{function}: hours {hours} is not a finite number")
        whole = int(abs(hours))
        extra = round((abs(hours) - whole) * 100)
        minutes = (whole * 60 + extra) * (1 if hours >= 0 else -1)
    else:
        raise DelugeError(
            f"{function}: the number of hours must be a NUMBER or DECIMAL, "
            f"got {describe(hours)}"
        )
    if abs(minutes) > _MAX_BUSINESS_HOURS * 60:
        raise DelugeError(
            f"{function}: {hours} hours is more than {_MAX_BUSINESS_HOURS}. "
            "Split the shift into smaller steps"
        )
    return minutes


def _hour_bound(table: dict, key: str, default: int, function: str) -> int:
    value = table.get(key, default)
    if type(value) is str and value.strip().isdigit():
        value = int(value.strip())
    if type(value) is not int or not 0 <= value <= 24:
        raise DelugeError(
            f"{function}: business hours '{key}' must be an hour from 0 to 24, "
            f"got {describe(value)}"
        )
    return value


def _business_window(value, function: str) -> tuple[int, int]:
    """Return the start and end hour of the working day, 9 to 17 by default."""
    if value is None:
        return _DEFAULT_BUSINESS_HOURS
    table = value.as_map() if type(value) is Collection else value
    if not isinstance(table, dict):
        raise DelugeError(
            f"{function}: business hours must be a collection such as "
            f'{{"start":9, "end":17}}, got {describe(value)}'
        )
    start = _hour_bound(table, "start", _DEFAULT_BUSINESS_HOURS[0], function)
    end = _hour_bound(table, "end", _DEFAULT_BUSINESS_HOURS[1], function)
    if start >= end:
        raise DelugeError(
            f"{function}: business hours start at {start} and end at {end}, "
            "but the start must be before the end"
        )
    return start, end


def _is_business_day(day, weekends, holidays) -> bool:
    return day.weekday() not in weekends and day not in holidays


def _move_forward(ctx, clock, minutes, window, weekends, holidays, function):
    """Walk ``minutes`` of business time forward from the naive ``clock``."""
    opening, closing = (timedelta(hours=hour) for hour in window)
    while True:
        ctx.check_deadline()
        day = datetime.combine(clock.date(), time())
        if not _is_business_day(clock.date(), weekends, holidays) or (
            clock >= day + closing
        ):
            clock = datetime.combine(step_date(clock.date(), 1, function), time())
            clock += opening
            continue
        clock = max(clock, day + opening)
        available = int((day + closing - clock).total_seconds() // 60)
        if minutes <= available:
            return clock + timedelta(minutes=minutes)
        minutes -= available
        clock = day + closing


def _move_backward(ctx, clock, minutes, window, weekends, holidays, function):
    """Walk ``minutes`` of business time back from the naive ``clock``."""
    opening, closing = (timedelta(hours=hour) for hour in window)
    while True:
        ctx.check_deadline()
        day = datetime.combine(clock.date(), time())
        if not _is_business_day(clock.date(), weekends, holidays) or (
            clock <= day + opening
        ):
            clock = datetime.combine(step_date(clock.date(), -1, function), time())
            clock += closing
            continue
        clock = min(clock, day + closing)
        available = int((clock - day - opening).total_seconds() // 60)
        if minutes <= available:
            return clock - timedelta(minutes=minutes)
        minutes -= available
        clock = day + opening


@register(DATE_INPUTS, "addBusinessHour", min_args=1, max_args=4, forms=METHOD,
          returns=DATETIME)  # fmt: skip
def add_business_hour(ctx, value, hours, *options):
    """Add (or, for a negative count, subtract) hours of business time.

    Business time runs from ``start`` to ``end`` o'clock (9 to 17 unless the
    fourth argument gives them) on days that are neither weekend days
    (Saturday and Sunday by default) nor holidays. A shift that passes the
    end of a working day goes on from the start of the next one.
    """
    function = "addBusinessHour"
    moment = to_datetime(ctx, value, function)
    minutes = _business_minutes(hours, function)
    weekends, holidays = split_options(ctx, function, options[:2])
    window = _business_window(options[2] if len(options) > 2 else None, function)
    if minutes == 0:
        return moment
    clock = moment.moment.replace(tzinfo=None)
    if minutes > 0:
        clock = _move_forward(ctx, clock, minutes, window, weekends, holidays, function)
    else:
        clock = _move_backward(
            ctx, clock, -minutes, window, weekends, holidays, function
        )
    return DateTime.from_local(
        moment.tz,
        clock.year,
        clock.month,
        clock.day,
        clock.hour,
        clock.minute,
        clock.second,
        clock.microsecond,
    )


def _elapsed_ms(ctx, start, end, function: str) -> int:
    first = to_datetime(ctx, start, function)
    last = to_datetime(ctx, end, function)
    return last.epoch_ms() - first.epoch_ms()


@register(DATE_INPUTS, "hoursBetween", min_args=1, returns=NUMBER)
def hours_between(ctx, start, end):
    """Count whole hours from start to end, negative when end is earlier.

    NOTE: Zoho's page states that minutes and seconds are not counted. This reads
    that as truncating the elapsed time to whole hours.
    """
    return _truncate(_elapsed_ms(ctx, start, end, "hoursBetween"), _MS_PER_HOUR)


@register(DATE_INPUTS, "yearFraction", min_args=1, forms=METHOD, returns=DECIMAL)
def year_fraction(ctx, start, end):
    """Divide the elapsed time from start to end by a 365-day year.

    The time of day counts, as the yearFraction page states, and so does a
    daylight-saving change between the two values: the page's example ran in
    a Pacific-time portal and includes the extra hour.
    """
    return _elapsed_ms(ctx, start, end, "yearFraction") / (365 * 24 * _MS_PER_HOUR)


def _elapsed_days(ctx, start, end, function: str) -> int:
    """Count calendar days from start to end, ignoring the time of day."""
    first = to_datetime(ctx, start, function).moment.date()
    last = to_datetime(ctx, end, function).moment.date()
    return (last - first).days


@register(DATE_INPUTS, "monthsBetween", min_args=1, returns=NUMBER)
def months_between(ctx, start, end):
    """Count 30-day months from start to end, as the monthsBetween page states.

    The page also states that the time value is not taken into account, so
    only the calendar dates count.
    """
    return _truncate(_elapsed_days(ctx, start, end, "monthsBetween"), 30)


@register(DATE_INPUTS, "yearsBetween", min_args=1, returns=NUMBER)
def years_between(ctx, start, end):
    """Count 365-day years from start to end, ignoring the time of day."""
    return _truncate(_elapsed_days(ctx, start, end, "yearsBetween"), 365)


def _calendar_months(ctx, start, end, function: str) -> int:
    """Count whole calendar months from start to end, negative when earlier.

    A month is complete when the end reaches the same day and time of a later
    month, so 31-Jan to 28-Feb is 0 months and 01-Feb to 01-Mar is 1.
    """
    first = to_datetime(ctx, start, function).moment
    last = to_datetime(ctx, end, function).in_zone(first.tzinfo).moment
    sign = 1
    if last < first:
        first, last, sign = last, first, -1
    months = (last.year - first.year) * 12 + (last.month - first.month)
    start_key = (first.day, first.time())
    end_key = (last.day, last.time())
    if end_key < start_key:
        months -= 1
    return sign * months


@register(DATE_INPUTS, "monthsDiff", aliases=("totalMonth", "totalMonths"),
          min_args=1, returns=NUMBER)  # fmt: skip
def months_diff(ctx, start, end):
    """Count whole calendar months from start to end (the monthsDiff page)."""
    return _calendar_months(ctx, start, end, "monthsDiff")


@register(DATE_INPUTS, "yearsDiff", aliases=("totalYear", "totalYears"),
          min_args=1, returns=NUMBER)  # fmt: skip
def years_diff(ctx, start, end):
    """Count whole calendar years from start to end, so leap years count 366 days."""
    return _truncate(_calendar_months(ctx, start, end, "yearsDiff"), 12)


@register(DATE_INPUTS, "toStartOfMonth", returns=DATETIME)
def to_start_of_month(ctx, value):
    """Return the first day of the value's month at 00:00:00.

    Text with a getter's defects (a month under three letters, a field with
    too many digits) gives null, as for toStartOfWeek.
    """
    value = getter_input(ctx, value)
    if value is None:
        return None
    moment = value.moment
    return DateTime.from_local(moment.tzinfo, moment.year, moment.month, 1)


@register(DATE_INPUTS, "toStartOfWeek", returns=DATETIME)
def to_start_of_week(ctx, value):
    """Return the Sunday that starts the value's week, at 00:00:00.

    As the page states, text with a getter's defects gives null.
    """
    value = getter_input(ctx, value)
    if value is None:
        return None
    moment = value.moment
    sunday = step_date(moment.date(), -((moment.weekday() + 1) % 7), "toStartOfWeek")
    return DateTime.from_local(moment.tzinfo, sunday.year, sunday.month, sunday.day)


def _weekday_step(ctx, value, day_name, direction: int, function: str):
    moment = to_datetime(ctx, value, function).date_only()
    wanted = (weekday_number(day_name, function) + 5) % 7  # Python's Monday is 0
    current = moment.moment.weekday()
    distance = (wanted - current) * direction % 7 or 7
    return add_days(moment, direction * distance, function).date_only()


@register(DATE_INPUTS, "nextWeekDay", min_args=1, returns=DATETIME)
def next_week_day(ctx, value, day_name):
    """Return the next date, after the value, that falls on the named day."""
    return _weekday_step(ctx, value, day_name, 1, "nextWeekDay")


@register(DATE_INPUTS, "previousWeekDay", min_args=1, returns=DATETIME)
def previous_week_day(ctx, value, day_name):
    """Return the last date, before the value, that falls on the named day."""
    return _weekday_step(ctx, value, day_name, -1, "previousWeekDay")
