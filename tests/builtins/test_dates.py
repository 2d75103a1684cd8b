"""Tests of the DATE-TIME value and the reading of date-time literals."""

from zoneinfo import ZoneInfo

import pytest

from runtime.context import ExecutionContext
from runtime.dates import (
    DateTextError,
    DateTime,
    current_date,
    current_time,
    expand_two_digit_year,
    parse_literal,
    parse_text,
)

UTC_CTX = ExecutionContext()
LA = ZoneInfo("America/Los_Angeles")
LA_CTX = ExecutionContext(tz=LA)

# Every date format of Zoho's date-time page, each writing 15 August 1947.
DOC_FORMATS = [
    "15-Aug-47", "15-Aug-1947", "15-August-47", "15-August-1947", "08-15-47",
    "47-08-15", "15-08-47", "15-08-1947", "08-15-1947", "1947-08-15", "47/08/15",
    "15/08/47", "08/15/47", "1947/08/15", "08/15/1947", "15/08/1947", "15 Aug,47",
    "Aug 15,47", "15 Aug,1947", "Aug 15,1947", "15 August,47", "August 15,47",
    "15 August,1947", "August 15,1947", "Fri,August 15,1947", "Fri,Aug 15,1947",
    "Aug 15 47", "15 Aug 47", "Aug 15 1947", "15 Aug 1947", "August 15 47",
    "15 August 47", "15 August 1947", "August 15 1947", "15.08.47", "08.15.47",
    "47.08.15", "15 08 1947", "15.08.1947", "08.15.1947", "1947.08.15",
]  # fmt: skip


@pytest.mark.parametrize("text", DOC_FORMATS)
def test_doc_formats_read_same_date(text):
    value = parse_literal(UTC_CTX, text)
    assert value is not None
    assert value.to_text() == "15-Aug-1947"
    assert not value.has_time


def test_time_part_is_kept():
    value = parse_literal(UTC_CTX, "15-Aug-1947 19:00:00")
    assert value.has_time
    assert value.to_text() == "15-Aug-1947 19:00:00"


def test_ambiguous_date_reads_day_first():
    assert parse_literal(UTC_CTX, "08-07-2020").to_text() == "08-Jul-2020"


def test_ambiguous_date_follows_date_order():
    ctx = ExecutionContext(date_order="MM-dd")
    assert parse_literal(ctx, "08-07-2020").to_text() == "07-Aug-2020"


def test_impossible_month_swaps_order():
    assert parse_literal(UTC_CTX, "08-15-2020").to_text() == "15-Aug-2020"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01-Jan-2019 25:00:00", "01-Jan-2019 00:00:00"),
        ("01-Jan-2019 24:10:10", "01-Jan-2019 00:00:00"),
        ("01-Jan-2019 10:75:30", "01-Jan-2019 10:00:00"),
        ("01-Jan-2019 10:20:61", "01-Jan-2019 10:20:00"),
        ("01-Jan-2019 10:30 PM", "01-Jan-2019 22:30:00"),
        ("01-Jan-2019 12:05 am", "01-Jan-2019 00:05:00"),
    ],
)
def test_time_reset_rules(text, expected):
    assert parse_literal(UTC_CTX, text).to_text() == expected


@pytest.mark.parametrize(
    ("text", "getter_null"),
    [
        ("30-Feb-2019", False),
        ("29-Feb-2019", False),
        ("01-Foo-2019", False),
        ("01-Ja-2019", True),
        ("01-Jan-2019 100:00:00", True),
        ("001-Jan-2019", True),
        ("01-Jan-20190", True),
        ("13-13-2019", False),
    ],
)
def test_invalid_literals(text, getter_null):
    assert parse_literal(UTC_CTX, text) is None
    with pytest.raises(DateTextError) as caught:
        parse_text(UTC_CTX, text)
    assert caught.value.getter_null is getter_null


def test_leap_day_is_valid():
    assert parse_literal(UTC_CTX, "29-Feb-2020").to_text() == "29-Feb-2020"


def test_non_date_text_is_none():
    assert parse_literal(UTC_CTX, "hello") is None
    assert parse_literal(UTC_CTX, "") is None


def test_iso_8601_with_offset():
    value = parse_literal(LA_CTX, "2020-01-02T03:04:05Z")
    assert value.to_text() == "01-Jan-2020 19:04:05"
    assert value.epoch_ms() == 1577934245000


def test_iso_8601_without_offset_is_local():
    value = parse_literal(LA_CTX, "2020-01-02T03:04:05")
    assert value.to_text() == "02-Jan-2020 03:04:05"


def test_epoch_ms_in_pacific_zone():
    value = parse_literal(LA_CTX, "31-Dec-1969 16:00:01")
    assert value.epoch_ms() == 1000


def test_from_epoch_ms_renders_in_zone():
    assert DateTime.from_epoch_ms(1, LA).to_text() == "31-Dec-1969 16:00:00"


def test_dst_gap_moves_forward():
    value = parse_literal(LA_CTX, "08-Mar-2020 02:30:00")
    assert value.to_text() == "08-Mar-2020 03:30:00"


def test_equality_and_ordering():
    date_only = parse_literal(UTC_CTX, "01-Jan-2020")
    midnight = parse_literal(UTC_CTX, "01-Jan-2020 00:00:00")
    later = parse_literal(UTC_CTX, "01-Jan-2020 00:00:01")
    assert date_only == midnight
    assert hash(date_only) == hash(midnight)
    assert midnight < later
    assert later >= date_only


def test_value_is_immutable():
    value = parse_literal(UTC_CTX, "01-Jan-2020")
    with pytest.raises(AttributeError):
        value.has_time = True


def test_two_digit_year_window():
    from datetime import date

    today = date(2026, 6, 1)
    assert expand_two_digit_year(47, today) == 1947
    assert expand_two_digit_year(45, today) == 2045
    assert expand_two_digit_year(46, today) == 1946


def test_current_date_has_no_time():
    today = current_date(LA_CTX)
    assert not today.has_time
    assert today.moment.hour == 0
    assert today.tz == LA


def test_current_time_is_whole_milliseconds():
    now = current_time(UTC_CTX)
    assert now.has_time
    assert now.moment.microsecond % 1000 == 0


def test_repeated_hour_orders_by_instant():
    first = DateTime.from_epoch_ms(1604217600000, LA)  # 01:00 PDT, 1 Nov 2020
    second = DateTime.from_epoch_ms(1604221200000, LA)  # 01:00 PST, an hour later
    assert first.to_text() == second.to_text()
    assert first != second
    assert first < second


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17Jan2019", "17-Jan-2019"),
        ("1september2020", "01-Sep-2020"),
        ("24Mar2001 10:10:37", "24-Mar-2001 10:10:37"),
    ],
)
def test_compact_date_without_separators(text, expected):
    assert parse_literal(UTC_CTX, text).to_text() == expected


@pytest.mark.parametrize("text", ["12abc2019", "3rd2019", "17Jan19", "123Jan2019"])
def test_compact_shape_needs_month_name(text):
    assert parse_literal(UTC_CTX, text) is None
