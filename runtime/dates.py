"""The Deluge DATE-TIME value and the reading of date-time literals.

A ``DateTime`` is an instant held as an aware ``datetime`` in the portal time
zone, plus whether the script gave a time part. Date-only values render as
``dd-MMM-yyyy`` and the others as ``dd-MMM-yyyy HH:mm:ss``; month names are
always English, whatever the server locale.

Literal rules, from Zoho's date-time help page and the validation note that
its date-time function pages repeat (for example
zoho.com/deluge/help/functions/datetime/addday.html):

- a date without a time means 00:00:00;
- an hour of 24 or more resets the whole time to 00:00:00, minutes of 60 or
  more reset minutes and seconds, seconds of 60 or more reset the seconds;
- a time field of more than two digits, a day of more than two digits, a day
  past the end of the month, a wrong month or a year of more than four digits
  make the text invalid. The getter functions (``getDay`` and the like)
  return null instead of failing for some of these defects, and
  ``DateTextError.getter_null`` marks them.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC as UTC_OFFSET
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from runtime.errors import DelugeError

UTC = ZoneInfo("UTC")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC_OFFSET)
ONE_MS = timedelta(milliseconds=1)

MONTH_ABBR = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
# Python's weekday(): Monday is 0.
WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)  # fmt: skip

_MONTH_BY_NAME = {n.lower(): i + 1 for i, n in enumerate(MONTH_NAMES)}
_MONTH_BY_NAME.update({n.lower(): i + 1 for i, n in enumerate(MONTH_ABBR)})
_MONTH_BY_NAME["sept"] = 9

# The Deluge range of years: four digits at most, and Python's datetime
# cannot hold year 0.
MIN_YEAR = 1
MAX_YEAR = 9999


class DateTextError(DelugeError):
    """A text that has the shape of a date-time but is not a valid one.

    ``getter_null`` is true for the defects on which Deluge's getter functions
    return null instead of failing. These are a month name under three
    letters, a time field or day of more than two digits, and a year of more
    than four digits.
    """

    def __init__(self, message: str, getter_null: bool = False):
        super().__init__(message)
        self.getter_null = getter_null


class DateTime:
    """An immutable Deluge DATE-TIME value.

    ``moment`` is an aware ``datetime`` in the zone the value was read or made
    in. ``has_time`` is false for a date without a time part, and it changes
    only how the value renders.
    """

    __slots__ = ("_has_time", "_moment")

    def __init__(self, moment: datetime, has_time: bool = True):
        if moment.tzinfo is None:
            raise ValueError("DateTime needs an aware datetime")
        object.__setattr__(self, "_moment", moment)
        object.__setattr__(self, "_has_time", has_time)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("DateTime values are immutable")

    @property
    def moment(self) -> datetime:
        return self._moment

    @property
    def has_time(self) -> bool:
        return self._has_time

    @property
    def tz(self):
        return self._moment.tzinfo

    @classmethod
    def from_local(
        cls,
        tz,
        year: int,
        month: int,
        day: int,
        hour: int = 0,
        minute: int = 0,
        second: int = 0,
        microsecond: int = 0,
        has_time: bool = True,
    ) -> DateTime:
        """Build a value from wall-clock fields in ``tz``.

        A wall-clock time that falls in a daylight-saving gap moves forward by
        the gap, as Java's lenient calendar does.
        """
        naive = datetime(year, month, day, hour, minute, second, microsecond)
        return cls(localize(naive, tz), has_time)

    @classmethod
    def from_epoch_ms(cls, ms: int, tz, has_time: bool = True) -> DateTime:
        """Build a value from milliseconds since 1970-01-01 00:00:00 UTC."""
        try:
            moment = (EPOCH + ms * ONE_MS).astimezone(tz)
        except OverflowError:
            raise DelugeError(
                f"Milliseconds value {ms} is outside the supported date range"
            ) from None
        return cls(moment, has_time)

    def epoch_ms(self) -> int:
        """Return the milliseconds since 1970-01-01 00:00:00 UTC."""
        return (self._moment - EPOCH) // ONE_MS

    def in_zone(self, tz) -> DateTime:
        """Return the same instant seen in another time zone."""
        try:
            return DateTime(self._moment.astimezone(tz), self._has_time)
        except OverflowError:
            raise DelugeError(
                f"The date-time {self.to_text()} is outside the supported date "
                f"range in the time zone {tz}"
            ) from None

    def with_time(self, has_time: bool) -> DateTime:
        return DateTime(self._moment, has_time)

    def date_only(self) -> DateTime:
        """Return midnight of the same local day, rendered without a time."""
        local = self._moment
        return DateTime.from_local(
            local.tzinfo, local.year, local.month, local.day, has_time=False
        )

    def to_text(self) -> str:
        """Render as ``dd-MMM-yyyy HH:mm:ss``, or ``dd-MMM-yyyy`` without time."""
        m = self._moment
        text = f"{m.day:02d}-{MONTH_ABBR[m.month - 1]}-{m.year:04d}"
        if self._has_time:
            text += f" {m.hour:02d}:{m.minute:02d}:{m.second:02d}"
        return text

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"DateTime({self._moment.isoformat()}, has_time={self._has_time})"

    # Equality and ordering compare instants, so a date literal equals the same
    # date with an explicit 00:00:00. They go through UTC because Python
    # compares two datetimes of the same zone by wall clock, which is wrong
    # in the repeated hour at the end of daylight-saving time.
    def _instant(self) -> datetime:
        return self._moment.astimezone(UTC_OFFSET)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DateTime):
            return self._instant() == other._instant()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._instant())

    def __lt__(self, other: DateTime) -> bool:
        if not isinstance(other, DateTime):
            return NotImplemented
        return self._instant() < other._instant()

    def __le__(self, other: DateTime) -> bool:
        if not isinstance(other, DateTime):
            return NotImplemented
        return self._instant() <= other._instant()

    def __gt__(self, other: DateTime) -> bool:
        if not isinstance(other, DateTime):
            return NotImplemented
        return self._instant() > other._instant()

    def __ge__(self, other: DateTime) -> bool:
        if not isinstance(other, DateTime):
            return NotImplemented
        return self._instant() >= other._instant()


def localize(naive: datetime, tz) -> datetime:
    """Attach ``tz`` to a wall-clock time, moving times in a DST gap forward."""
    aware = naive.replace(tzinfo=tz)
    # The round trip through UTC maps a time inside a gap to the instant just
    # after the gap.
    try:
        return aware.astimezone(UTC_OFFSET).astimezone(tz)
    except OverflowError:
        # At either end of years 1 to 9999, the offset can move UTC past it.
        raise DelugeError(
            f"The date-time {naive.isoformat(sep=' ')} is outside the supported "
            f"date range in the time zone {tz}"
        ) from None


def _zone(ctx):
    return getattr(ctx, "tz", None) or UTC


def _date_order(ctx) -> str:
    return getattr(ctx, "date_order", None) or "dd-MM"


def current_time(ctx) -> DateTime:
    """Return now in the portal zone, to the millisecond (``zoho.currenttime``)."""
    now = datetime.now(_zone(ctx))
    return DateTime(now.replace(microsecond=now.microsecond // 1000 * 1000))


def current_date(ctx) -> DateTime:
    """Return today at 00:00:00 in the portal zone (``zoho.currentdate``)."""
    now = datetime.now(_zone(ctx))
    return DateTime.from_local(now.tzinfo, now.year, now.month, now.day, has_time=False)


def expand_two_digit_year(yy: int, today: date | None = None) -> int:
    """Read a two-digit year as Java's SimpleDateFormat does.

    The year is put within 80 years before and 20 years after today, so in
    2026 ``47`` is 1947 and ``45`` is 2045.
    """
    today = today or date.today()
    start = today.year - 80
    year = start - start % 100 + yy
    if year < start:
        year += 100
    return year


def month_from_name(name: str) -> int:
    """Return the month number of an English month name or abbreviation.

    Raises ``DateTextError`` for a name that is not a month.
    """
    number = _MONTH_BY_NAME.get(name.lower())
    if number is not None:
        return number
    if len(name) < 3:
        raise DateTextError(
            f"Month '{name}' is too short; write at least three letters",
            getter_null=True,
        )
    raise DateTextError(f"Month '{name}' is not a valid month name")


_TIME = re.compile(
    r"(?P<h>\d+):(?P<mi>\d+)(?::(?P<s>\d+)(?:\.(?P<ms>\d{1,3}))?)?"
    r"(?:\s*(?P<ampm>[AaPp][Mm]))?"
)
_NUMERIC_DATE = re.compile(r"(?P<a>\d+)(?P<sep>[-/. ])(?P<b>\d+)(?P=sep)(?P<c>\d+)")
_NAMED_DATE = re.compile(
    r"(?:(?P<weekday>[A-Za-z]+),\s*)?"
    r"(?:(?P<d1>\d+)[- ](?P<m1>[A-Za-z]+)(?:-|,\s*|\s+)(?P<y1>\d+)"
    r"|(?P<m2>[A-Za-z]+)[- ](?P<d2>\d+)(?:,\s*|\s+)(?P<y2>\d+))"
)
# A day, a month name and a four-digit year written together, as in the
# yearFraction page's '17Jan2019'. Only real month names match, so other
# text of digits and letters is still not a date.
_COMPACT_DATE = re.compile(
    r"(?P<d1>\d{1,2})(?P<m1>"
    + "|".join(sorted(_MONTH_BY_NAME, key=len, reverse=True))
    + r")(?P<y1>\d{4})",
    re.IGNORECASE,
)
# Up to nine fraction digits, as Java's Instant and Go's RFC3339Nano write
# them. Digits past the sixth (microseconds) are dropped when read.
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?"
)


@dataclass
class _Fields:
    year: int
    month: int
    day: int


def _check_digits(value: str, max_digits: int, field: str) -> int:
    if len(value) > max_digits:
        raise DateTextError(
            f"{field} '{value}' has more than {max_digits} digits", getter_null=True
        )
    return int(value)


def _read_year(text: str) -> int:
    if len(text) > 4:
        raise DateTextError(f"Year '{text}' has more than 4 digits", getter_null=True)
    if len(text) <= 2:
        return expand_two_digit_year(int(text))
    return int(text)


def _numeric_fields(match: re.Match, ctx) -> _Fields:
    a, b, c = match["a"], match["b"], match["c"]
    if len(a) >= 3:
        # yyyy-MM-dd, yyyy/MM/dd, yyyy.MM.dd
        return _Fields(_read_year(a), _check_digits(b, 2, "Month"),
                       _check_digits(c, 2, "Day"))  # fmt: skip
    if len(c) <= 2 and int(a) > 31:
        # yy-MM-dd: a first field that cannot be a day is a year.
        return _Fields(_read_year(a), _check_digits(b, 2, "Month"),
                       _check_digits(c, 2, "Day"))  # fmt: skip
    first = _check_digits(a, 2, "Day or month")
    second = _check_digits(b, 2, "Day or month")
    year = _read_year(c)
    day_first = _date_order(ctx).lower().startswith("dd")
    if match["sep"] == " ":
        day_first = True  # the only spaced numeric format is dd MM yyyy
    day, month = (first, second) if day_first else (second, first)
    if month > 12 and day <= 12:
        # Only the other order gives a valid date, so read it that way.
        day, month = month, day
    return _Fields(year, month, day)


def _named_fields(match: re.Match) -> _Fields:
    if match["d1"] is not None:
        day, name, year = match["d1"], match["m1"], match["y1"]
    else:
        day, name, year = match["d2"], match["m2"], match["y2"]
    return _Fields(_read_year(year), month_from_name(name),
                   _check_digits(day, 2, "Day"))  # fmt: skip


def _read_time(match: re.Match) -> tuple[int, int, int, int]:
    hour = _check_digits(match["h"], 2, "Hour")
    minute = _check_digits(match["mi"], 2, "Minutes")
    second = _check_digits(match["s"], 2, "Seconds") if match["s"] else 0
    millis = int(match["ms"].ljust(3, "0")) if match["ms"] else 0
    ampm = match["ampm"]
    if ampm:
        if not 1 <= hour <= 12:
            raise DateTextError(f"Hour '{match['h']}' is not valid with {ampm}")
        hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
    # The literal reset rules: see the module docstring.
    if hour >= 24:
        return 0, 0, 0, 0
    if minute >= 60:
        return hour, 0, 0, 0
    if second >= 60:
        return hour, minute, 0, 0
    return hour, minute, second, millis


def _build(fields: _Fields, time: tuple[int, int, int, int] | None, tz, text: str):
    if not 1 <= fields.month <= 12:
        raise DateTextError(f"Month {fields.month} in '{text}' is not valid")
    if not MIN_YEAR <= fields.year <= MAX_YEAR:
        raise DateTextError(f"Year {fields.year} in '{text}' is out of range")
    last = calendar.monthrange(fields.year, fields.month)[1]
    if not 1 <= fields.day <= last:
        raise DateTextError(
            f"Day {fields.day} in '{text}' is not valid: "
            f"{MONTH_NAMES[fields.month - 1]} {fields.year} has {last} days"
        )
    hour, minute, second, millis = time or (0, 0, 0, 0)
    return DateTime.from_local(
        tz, fields.year, fields.month, fields.day, hour, minute, second,
        millis * 1000, has_time=time is not None,
    )  # fmt: skip


def _parse_iso(text: str, tz) -> DateTime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as error:
        raise DateTextError(f"'{text}' is not a valid ISO 8601 date-time") from error
    if parsed.tzinfo is None:
        return DateTime(localize(parsed, tz))
    try:
        return DateTime(parsed.astimezone(tz))
    except OverflowError:
        # An offset can move a time at either end of years 1 to 9999 past it.
        raise DateTextError(
            f"'{text}' is outside the supported date range (years 1 to 9999)"
        ) from None


def looks_like_date(text: str) -> bool:
    """Tell whether ``text`` has the shape of a supported date-time format."""
    return _split(text.strip()) is not None


def _split(text: str):
    """Return (date match, kind, time match or None), or None if no shape fits."""
    if _ISO.fullmatch(text):
        return None, "iso", None
    date_text, time_match = text, None
    head, sep, tail = text.rpartition(" ")
    if sep:
        # The time may carry an AM/PM marker after a space of its own.
        if tail.lower() in ("am", "pm"):
            head2, sep2, tail2 = head.rpartition(" ")
            if sep2:
                head, tail = head2, f"{tail2} {tail}"
        candidate = _TIME.fullmatch(tail)
        if candidate is not None:
            date_text, time_match = head.rstrip(), candidate
    numeric = _NUMERIC_DATE.fullmatch(date_text)
    if numeric is not None:
        return numeric, "numeric", time_match
    named = _NAMED_DATE.fullmatch(date_text) or _COMPACT_DATE.fullmatch(date_text)
    if named is not None:
        return named, "named", time_match
    return None


def parse_text(ctx, text: str, tz=None) -> DateTime:
    """Read a date-time text in any supported format.

    The text is read in ``tz``, or in the portal zone when ``tz`` is None.
    Raises ``DateTextError`` when the text has no supported shape or breaks a
    validation rule. The ambiguous ``08-07-2020`` is read by
    ``ctx.date_order`` (``dd-MM`` unless the portal sets ``MM-dd``).
    """
    tz = tz or _zone(ctx)
    stripped = text.strip()
    parts = _split(stripped)
    if parts is None:
        raise DateTextError(f"'{text}' is not in a supported date-time format")
    match, kind, time_match = parts
    if kind == "iso":
        return _parse_iso(stripped, tz)
    fields = _numeric_fields(match, ctx) if kind == "numeric" else _named_fields(match)
    time = _read_time(time_match) if time_match is not None else None
    return _build(fields, time, tz, text)


def parse_literal(ctx, text: str) -> DateTime | None:
    """Read the text of a single-quoted literal, or return None if it is not one.

    None covers both text of no date-time shape and date-shaped text that
    breaks a validation rule. Call ``parse_text`` for the reason.
    """
    try:
        return parse_text(ctx, text)
    except DateTextError:
        return None
