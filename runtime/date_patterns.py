"""Java ``SimpleDateFormat`` patterns, for ``toString(format)`` and ``toDate(format)``.

Deluge's date-time literal table (zoho.com/deluge/help/functions/datetime/
unix-epoch.html) uses SimpleDateFormat letters. This module implements them
by hand, so script text never reaches Python's format machinery. Weeks
follow Java's US defaults: they start on Sunday and week 1 is the week that
contains 1 January. Month and day names are English.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta, timezone

from runtime.dates import (
    MONTH_ABBR,
    MONTH_NAMES,
    WEEKDAY_ABBR,
    WEEKDAY_NAMES,
    DateTextError,
    DateTime,
    expand_two_digit_year,
)

PATTERN_LETTERS = set("GyYMLwWDdFEuaHkKhmsSzZX")
MAX_PATTERN_LENGTH = 1000


class PatternError(ValueError):
    """A pattern with an unquoted letter that is not a pattern letter."""


@dataclass(frozen=True)
class Field:
    letter: str  # "" for literal text
    count: int
    text: str = ""


def compile_pattern(pattern: str) -> list[Field]:
    """Split a pattern into letter runs and literal text.

    ``'...'`` quotes literal text and ``''`` is a single quote. Raises
    ``PatternError`` for an unquoted ASCII letter outside the pattern set.
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(f"pattern longer than {MAX_PATTERN_LENGTH} characters")
    fields: list[Field] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "'":
            if pattern.startswith("''", index):
                fields.append(Field("", 0, "'"))
                index += 2
                continue
            close = index + 1
            literal = []
            while close < len(pattern):
                if pattern.startswith("''", close):
                    literal.append("'")
                    close += 2
                elif pattern[close] == "'":
                    break
                else:
                    literal.append(pattern[close])
                    close += 1
            if close >= len(pattern):
                raise PatternError(f"unterminated quote in pattern '{pattern}'")
            fields.append(Field("", 0, "".join(literal)))
            index = close + 1
            continue
        if char.isascii() and char.isalpha():
            if char not in PATTERN_LETTERS:
                raise PatternError(f"illegal pattern letter '{char}'")
            end = index
            while end < len(pattern) and pattern[end] == char:
                end += 1
            fields.append(Field(char, end - index))
            index = end
            continue
        fields.append(Field("", 0, char))
        index += 1
    return fields


def _sunday_index(day: date) -> int:
    """Return the day of the week with Sunday as 0."""
    return (day.weekday() + 1) % 7


def week_of_year(day: date, first_weekday: int = 0) -> tuple[int, int]:
    """Return (week year, week of year) with weeks starting on ``first_weekday``.

    ``first_weekday`` counts from Sunday as 0. Week 1 is the week holding
    1 January, so the last days of December can be week 1 of the next year.
    """

    # Day ordinals, not dates, so the weeks around 1 January of year 1 and
    # year 10000 can be computed. Ordinal 1 (1 January of year 1) is a
    # Monday, so an ordinal modulo 7 counts from Sunday as 0.
    def week_start(ordinal: int) -> int:
        return ordinal - (ordinal % 7 - first_weekday) % 7

    ordinal = day.toordinal()
    next_year_start = week_start(date(day.year, 12, 31).toordinal() + 1)
    if ordinal >= next_year_start:
        return day.year + 1, 1
    first_week = week_start(date(day.year, 1, 1).toordinal())
    return day.year, (ordinal - first_week) // 7 + 1


def week_of_month(day: date) -> int:
    first = day.replace(day=1)
    return (day.day - 1 + _sunday_index(first)) // 7 + 1


def _number(value: int, count: int) -> str:
    return str(value).zfill(count)


def _zone_offset(value: DateTime, style: str, count: int) -> str:
    offset = value.moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    if style == "X":
        if minutes == 0:
            return "Z"
        if count == 1:
            return f"{sign}{hours:02d}"
        if count == 2:
            return f"{sign}{hours:02d}{mins:02d}"
        return f"{sign}{hours:02d}:{mins:02d}"
    return f"{sign}{hours:02d}{mins:02d}"


# Letters whose field is a number, zero-padded to the letter count.
_NUMERIC_FIELDS = {
    "d": lambda m: m.day,
    "H": lambda m: m.hour,
    "k": lambda m: m.hour or 24,
    "K": lambda m: m.hour % 12,
    "h": lambda m: m.hour % 12 or 12,
    "m": lambda m: m.minute,
    "s": lambda m: m.second,
    "S": lambda m: m.microsecond // 1000,
    "D": lambda m: m.timetuple().tm_yday,
    "w": lambda m: week_of_year(m.date())[1],
    "W": lambda m: week_of_month(m.date()),
    "F": lambda m: (m.day - 1) // 7 + 1,
    "u": lambda m: m.isoweekday(),
}


def _format_field(value: DateTime, field: Field) -> str:
    m = value.moment
    letter, count = field.letter, field.count
    extract = _NUMERIC_FIELDS.get(letter)
    if extract is not None:
        return _number(extract(m), count)

    if letter in "yY":
        year = m.year if letter == "y" else week_of_year(m.date())[0]
        if count == 2:
            return _number(year % 100, 2)
        return _number(year, count)

    if letter in "ML":
        if count >= 4:
            return MONTH_NAMES[m.month - 1]
        if count == 3:
            return MONTH_ABBR[m.month - 1]
        return _number(m.month, count)

    if letter == "E":
        names = WEEKDAY_NAMES if count >= 4 else WEEKDAY_ABBR
        return names[m.weekday()]
    if letter == "a":
        return "AM" if m.hour < 12 else "PM"
    if letter == "G":
        return "AD"

    if letter == "z":
        abbreviation = m.tzname() or _zone_offset(value, "Z", 4)
        if count >= 4:
            # NOTE: zoneinfo has no long names. Java's English names for these
            # abbreviations are the same in every JDK; other zones keep the
            # abbreviation where Java writes a long name.
            return _long_zone_name(m, abbreviation)
        return abbreviation
    return _zone_offset(value, letter, count)


# Long names by abbreviation, each with the zone-name prefixes it is read for,
# because "IST" is also Irish and Israeli time and "CST" is also China's.
_US = ("America/", "US/")
_LONG_ZONE_NAMES = {
    "UTC": ("Coordinated Universal Time", ("UTC", "Etc/", "GMT", "Zulu")),
    "GMT": ("Greenwich Mean Time", ("Europe/London", "GMT", "Etc/", "UTC")),
    "BST": ("British Summer Time", ("Europe/London",)),
    "EST": ("Eastern Standard Time", _US),
    "EDT": ("Eastern Daylight Time", _US),
    "CST": ("Central Standard Time", _US),
    "CDT": ("Central Daylight Time", _US),
    "MST": ("Mountain Standard Time", _US),
    "MDT": ("Mountain Daylight Time", _US),
    "PST": ("Pacific Standard Time", _US),
    "PDT": ("Pacific Daylight Time", _US),
    "AKST": ("Alaska Standard Time", _US),
    "AKDT": ("Alaska Daylight Time", _US),
    "IST": ("India Standard Time", ("Asia/Kolkata", "Asia/Calcutta")),
    "JST": ("Japan Standard Time", ("Asia/Tokyo", "Japan")),
}


def _long_zone_name(moment, abbreviation: str) -> str:
    entry = _LONG_ZONE_NAMES.get(abbreviation)
    zone_key = getattr(moment.tzinfo, "key", "") or ""
    if entry is None or not zone_key.startswith(entry[1]):
        return abbreviation
    return entry[0]


def format_datetime(value: DateTime, pattern: str) -> str:
    """Render ``value`` with a SimpleDateFormat pattern; raises PatternError."""
    fields = compile_pattern(pattern)
    return "".join(
        field.text if not field.letter else _format_field(value, field)
        for field in fields
    )


# Parsing ---------------------------------------------------------------------

_NUMERIC_LETTERS = set("yYMLdHkKhmsSDwWFu")


def _match_name(text: str, position: int, names: list[str]) -> tuple[int, int]:
    """Return (index, length) of the longest name at ``position``, ignoring case."""
    best = (-1, 0)
    lowered = text[position:].lower()
    for index, name in enumerate(names):
        if lowered.startswith(name.lower()) and len(name) > best[1]:
            best = (index, len(name))
    return best


def parse_datetime(text: str, pattern: str, tz) -> DateTime:
    """Read ``text`` laid out as ``pattern`` into a DATE-TIME in ``tz``.

    Numeric fields take as many digits as are there, unless the next field is
    numeric too, in which case they take exactly the pattern's count, as
    SimpleDateFormat does. Fields are validated strictly: a month above 12 or
    a day past the month's end is an error, not a roll-over. Text left over
    after the pattern is ignored.
    """
    fields = compile_pattern(pattern)
    values: dict[str, int] = {}
    pm: bool | None = None
    zone_offset: timedelta | None = None
    position = 0
    for number, field in enumerate(fields):
        if not field.letter:
            if not text.startswith(field.text, position):
                raise DateTextError(
                    f"'{text}' does not match the pattern '{pattern}' at "
                    f"position {position}"
                )
            position += len(field.text)
            continue
        letter, count = field.letter, field.count
        if letter in "ML" and count >= 3:
            index, size = _match_name(text, position, list(MONTH_NAMES + MONTH_ABBR))
            if size == 0:
                raise DateTextError(
                    f"'{text}' has no month name at position {position}"
                )
            values["M"] = index % 12 + 1
            position += size
            continue
        if letter == "E":
            _, size = _match_name(text, position, list(WEEKDAY_NAMES + WEEKDAY_ABBR))
            if size == 0:
                raise DateTextError(f"'{text}' has no day name at position {position}")
            position += size
            continue
        if letter == "a":
            marker = text[position : position + 2].lower()
            if marker not in ("am", "pm"):
                raise DateTextError(f"'{text}' has no AM/PM at position {position}")
            pm = marker == "pm"
            position += 2
            continue
        if letter == "G":
            if text[position : position + 2].upper() not in ("AD", "BC"):
                raise DateTextError(f"'{text}' has no era at position {position}")
            position += 2
            continue
        if letter in "zZX":
            offset, size = _read_zone(text, position)
            if size == 0:
                raise DateTextError(f"'{text}' has no time zone at position {position}")
            zone_offset = offset
            position += size
            continue
        next_field = fields[number + 1] if number + 1 < len(fields) else None
        fixed = next_field is not None and next_field.letter in _NUMERIC_LETTERS
        end = position
        while (
            end < len(text)
            and text[end].isdigit()
            and (not fixed or end - position < count)
        ):
            end += 1
        if end == position:
            raise DateTextError(
                f"'{text}' has no number for '{letter * count}' at position {position}"
            )
        digits = text[position:end]
        value = int(digits)
        if letter in "yY" and count <= 2 and len(digits) == 2:
            value = expand_two_digit_year(value)
        values[letter] = value
        position = end
    # Text after the last field is ignored, as Java's DateFormat.parse(String)
    # ignores it, so "2024-01-15T10:00:00+05:30" reads with the pattern
    # "yyyy-MM-dd'T'HH:mm:ss" (the offset is then not applied).
    value = _assemble(values, pm, tz, text)
    if zone_offset is None:
        return value
    # The text named its own offset, so its wall clock is read in that offset
    # and the instant is shown in ``tz``.
    local = value.moment.replace(tzinfo=None)
    moment = local.replace(tzinfo=timezone(zone_offset)).astimezone(tz)
    return DateTime(moment, value.has_time)


_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})?")


# Offsets, in minutes, of the zone abbreviations most often seen in US,
# European, Indian, Japanese and Australian date texts. Java's English zone
# names give these readings (IST is India, CST is US Central).
# NOTE: Java knows more abbreviations than this table; others are an error.
_ZONE_ABBREVIATIONS = {
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420,
    "MDT": -360, "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480,
    "HST": -600, "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120,
    "EET": 120, "EEST": 180, "MSK": 180, "IST": 330, "SGT": 480,
    "HKT": 480, "JST": 540, "KST": 540, "AEST": 600, "AEDT": 660,
    "NZST": 720, "NZDT": 780,
}  # fmt: skip


def _read_zone(text: str, position: int) -> tuple[timedelta, int]:
    """Read ``Z``, ``UTC``/``GMT``, ``+hh:mm`` or an abbreviation such as ``PST``.

    ``UTC`` and ``GMT`` may carry an offset (``GMT+05:30``). Returns the offset
    and the number of characters read, 0 if none.
    """
    rest = text[position:]
    for name in ("UTC", "GMT", "UT", "Z"):
        if (
            rest[: len(name)].upper() == name
            and not rest[len(name) : len(name) + 1].isalpha()
        ):
            offset, size = _read_offset(rest[len(name) :])
            return offset, len(name) + size
    letters = len(rest) - len(rest.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    if letters:
        minutes = _ZONE_ABBREVIATIONS.get(rest[:letters])
        if minutes is not None:
            return timedelta(minutes=minutes), letters
    return _read_offset(rest)


def _read_offset(text: str) -> tuple[timedelta, int]:
    match = _OFFSET.match(text)
    if match is None:
        return timedelta(0), 0
    hours, minutes = int(match[2]), int(match[3] or 0)
    if hours > 23 or minutes > 59:
        return timedelta(0), 0
    sign = -1 if match[1] == "-" else 1
    return sign * timedelta(hours=hours, minutes=minutes), match.end()


def _assemble(values: dict[str, int], pm: bool | None, tz, text: str) -> DateTime:
    year = values.get("y", values.get("Y", 1970))
    month = values.get("M", values.get("L", 1))
    day = values.get("d", 1)
    if "D" in values and "d" not in values and "M" not in values:
        start = date(year, 1, 1) + timedelta(days=values["D"] - 1)
        month, day = start.month, start.day
    hour = values.get("H", 0)
    if "k" in values:
        hour = values["k"] % 24
    for letter in "hK":
        if letter in values:
            hour = values[letter] % 12
            if pm:
                hour += 12

    minute = values.get("m", 0)
    second = values.get("s", 0)
    millis = values.get("S", 0)

    if not 1 <= month <= 12:
        raise DateTextError(f"Month {month} in '{text}' is not valid")
    if not 1 <= year <= 9999:
        raise DateTextError(f"Year {year} in '{text}' is out of range")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise DateTextError(
            f"Day {day} in '{text}' is not valid: "
            f"{MONTH_NAMES[month - 1]} {year} has {last} days"
        )
    if hour > 23 or minute > 59 or second > 59 or millis > 999:
        raise DateTextError(f"The time in '{text}' is not valid")

    has_time = any(letter in values for letter in "HkKhmsS")
    return DateTime.from_local(
        tz, year, month, day, hour, minute, second, millis * 1000, has_time=has_time
    )
