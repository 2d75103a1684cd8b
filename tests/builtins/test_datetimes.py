"""Tests of the DATE-TIME built-ins and SimpleDateFormat patterns."""

import pytest

from tests.builtins.deluge import error_of, value_of


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("return '31-Jan-2020'.addMonth(1);", "29-Feb-2020 00:00:00"),
        ("return '31-Jan-2019'.addMonth(1);", "28-Feb-2019 00:00:00"),
        ("return '31-Mar-2020'.addMonth(-1);", "29-Feb-2020 00:00:00"),
        ("return '29-Feb-2020'.addYear(1);", "28-Feb-2021 00:00:00"),
        ("return '29-Feb-2020'.addYear(4);", "29-Feb-2024 00:00:00"),
        ("return '28-Feb-2020'.addDay(1);", "29-Feb-2020 00:00:00"),
        ("return '28-Feb-2019'.addDay(1);", "01-Mar-2019 00:00:00"),
        ("return '31-Dec-2019 23:59:30'.addSeconds(45);", "01-Jan-2020 00:00:15"),
        ("return '01-Jan-2020 00:10:00'.addMinutes(-20);", "31-Dec-2019 23:50:00"),
        ("return '10-Jan-2020'.subDay(10);", "31-Dec-2019 00:00:00"),
        ("return '15-Mar-2020'.subMonth(3);", "15-Dec-2019 00:00:00"),
    ],
)
def test_calendar_arithmetic(script, expected):
    assert value_of(script) == expected


def test_add_day_keeps_wall_clock_across_dst():
    script = "return '07-Mar-2020 10:00:00'.addDay(1);"
    assert value_of(script, tz="America/Los_Angeles") == "08-Mar-2020 10:00:00"


def test_add_hour_counts_elapsed_time_across_dst():
    script = "return '08-Mar-2020 01:30:00'.addHour(1);"
    assert value_of(script, tz="America/Los_Angeles") == "08-Mar-2020 03:30:00"


def test_add_year_beyond_four_digits_is_error():
    assert "4 digits" in error_of("return '01-Jan-9999'.addYear(1);")


def test_date_text_receiver():
    assert value_of('return "01-Jan-2019".addDay(1);') == "02-Jan-2019 00:00:00"


def test_getters():
    script = "d = '14-Dec-2023 17:45:09'; return {d.getYear(), d.getDayOfYear()};"
    assert value_of(script) == [2023, 348]


def test_getter_null_for_short_month():
    assert value_of('return "08-De-2019".getDay();') is None


def test_getter_error_for_impossible_day():
    assert "not valid" in error_of('return "31-Apr-2019".getDay();')


def test_weekday_sunday_is_one():
    assert value_of("return '17-Mar-2019'.weekday();") == 1


@pytest.mark.parametrize(
    ("date", "week"),
    [("29-Dec-2019", 1), ("28-Dec-2019", 52), ("31-Dec-2022", 53), ("1-Jan-2022", 1)],
)
def test_week_of_year_us_rules(date, week):
    assert value_of(f"return '{date}'.getWeekOfYear();") == week


def test_week_of_year_monday_start():
    assert value_of("return '3-Jan-2021'.getWeekOfYear(\"Monday\");") == 1
    assert value_of("return '4-Jan-2021'.getWeekOfYear(2);") == 2


def test_days_between_negative():
    assert value_of("return '10-Jan-2020'.daysBetween('1-Jan-2020');") == -9


def test_days_between_ignores_time():
    script = "return '1-Jan-2020 23:00:00'.daysBetween('2-Jan-2020 01:00:00');"
    assert value_of(script) == 1


def test_days_between_across_dst():
    script = "return '1-Mar-2020'.daysBetween('1-Apr-2020');"
    assert value_of(script, tz="America/Los_Angeles") == 31


def test_eomonth_leap_february():
    assert value_of("return '15-Jan-2020'.eomonth(1);") == "29-Feb-2020"


def test_workday_with_holiday():
    script = (
        "return '15-Mar-2019'.workday(1, {\"Saturday\", \"Sunday\"}, {'18-Mar-2019'});"
    )
    assert value_of(script) == "19-Mar-2019"


def test_workday_custom_weekend():
    assert value_of("return '15-Mar-2019'.workday(1, {\"Friday\"});") == "16-Mar-2019"


def test_work_days_between():
    assert value_of("return '15-Mar-2019'.workDaysBetween('22-Mar-2019');") == 5
    assert value_of("return '22-Mar-2019'.workDaysBetween('15-Mar-2019');") == -5


def test_work_days_list():
    script = "return '15-Mar-2019'.workDaysList('19-Mar-2019');"
    assert value_of(script) == ["18-Mar-2019", "19-Mar-2019"]


def test_work_days_list_reversed_is_empty():
    assert value_of("return '19-Mar-2019'.workDaysList('15-Mar-2019');") == []


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("dd/MM/yyyy HH:mm:ss", "05/03/2019 14:07:09"),
        ("d-M-yy", "5-3-19"),
        ("MMM", "Mar"),
        ("MMMM", "March"),
        ("E", "Tue"),
        ("EEEE", "Tuesday"),
        ("hh:mm a", "02:07 PM"),
        ("K k", "2 14"),
        ("D", "64"),
        ("w", "10"),
        ("W", "2"),
        ("F", "1"),
        ("u", "2"),
        ("SSS", "000"),
        ("yyyy-MM-dd'T'HH:mm:ssXXX", "2019-03-05T14:07:09Z"),
        ("'at' h 'o''clock'", "at 2 o'clock"),
        ("y yyy yyyyy", "2019 2019 02019"),
        ("Z", "+0000"),
        ("G", "AD"),
    ],
)
def test_to_string_patterns(pattern, expected):
    script = f"return '05-Mar-2019 14:07:09'.toString(\"{pattern}\");"
    assert value_of(script) == expected


def test_to_string_unknown_letter_is_null():
    assert value_of("return '05-Mar-2019'.toString(\"dd-qq\");") is None


def test_to_string_in_other_zone():
    script = 'return \'05-Mar-2019 14:07:09\'.toString("HH:mm z", "Asia/Kolkata");'
    assert value_of(script) == "19:37 IST"


def test_to_string_of_epoch_number():
    script = 'return 0.toString("dd-MMM-yyyy HH:mm:ss");'
    assert value_of(script, tz="America/Los_Angeles") == "31-Dec-1969 16:00:00"


def test_to_string_of_date_text():
    assert value_of('return "05-Mar-2019".toString("yyyyMMdd");') == "20190305"


def test_to_string_non_date_text_error():
    assert error_of('return "hello".toString("yyyy");')


def test_to_string_invalid_zone_is_error():
    assert "time zone" in error_of(
        'return \'05-Mar-2019\'.toString("HH", "Mars/Base");'
    )


def test_to_date_with_format():
    assert value_of('return "2019/03/05".toDate("yyyy/MM/dd");') == "05-Mar-2019"


def test_to_date_with_month_name_format():
    script = 'return "March 5, 2019 10:20".toDateTime("MMMM d, yyyy HH:mm");'
    assert value_of(script) == "05-Mar-2019 10:20:00"


def test_to_date_with_compact_format():
    assert value_of('return "20190305".toDate("yyyyMMdd");') == "05-Mar-2019"


def test_to_date_invalid_day_is_error():
    assert "not valid" in error_of('return "31/02/2019".toDate("dd/MM/yyyy");')


def test_to_date_drops_time():
    assert value_of("return '05-Mar-2019 10:00:00'.toDate();") == "05-Mar-2019"


def test_to_date_time_from_epoch():
    script = "return 1000.toDateTime();"
    assert value_of(script, tz="America/Los_Angeles") == "31-Dec-1969 16:00:01"


def test_to_date_time_string_with_zone():
    script = 'return 0.toDateTimeString("yyyy-MM-dd HH:mm", "Asia/Tokyo");'
    assert value_of(script) == "1970-01-01 09:00"


def test_unix_epoch_in_portal_zone():
    script = 'return "01-Jan-1970 00:00:00".unixEpoch();'
    assert value_of(script, tz="America/Los_Angeles") == 8 * 3600 * 1000


def test_unix_epoch_named_zone():
    script = 'return "01-Jan-1970 05:30:00".unixEpoch("Asia/Kolkata");'
    assert value_of(script) == 0


def test_to_time_time_only_text():
    script = 'return "10:30".toTime().getHour();'
    assert value_of(script) == 10


def test_date_renders_in_portal_zone():
    script = "return '2020-01-02T03:04:05Z'.toString();"
    assert value_of(script, tz="Asia/Kolkata") == "02-Jan-2020 08:34:05"


@pytest.mark.parametrize(
    ("text", "pattern", "expected"),
    [
        (
            "2024-01-15T10:00:00+05:30",
            "yyyy-MM-dd'T'HH:mm:ssXXX",
            "15-Jan-2024 04:30:00",
        ),
        ("2024-01-15T10:00:00Z", "yyyy-MM-dd'T'HH:mm:ssX", "15-Jan-2024 10:00:00"),
        ("2024-01-15 10:00 GMT+0100", "yyyy-MM-dd HH:mm z", "15-Jan-2024 09:00:00"),
        ("15/01/2024 10:00 -0800", "dd/MM/yyyy HH:mm Z", "15-Jan-2024 18:00:00"),
    ],
)
def test_to_date_time_reads_offset(text, pattern, expected):
    assert value_of(f'return "{text}".toDateTime("{pattern}");') == expected


def test_to_date_time_offset_shown_in_portal_zone():
    script = 'return "2024-01-15T10:00:00Z".toDateTime("yyyy-MM-dd\'T\'HH:mm:ssX");'
    assert value_of(script, tz="Asia/Kolkata") == "15-Jan-2024 15:30:00"


def test_to_date_time_missing_zone_is_error():
    assert "time zone" in error_of(
        'return "2024-01-15 10:00 nowhere".toDateTime("yyyy-MM-dd HH:mm z");'
    )


def test_to_date_time_pm_marker():
    script = 'return "03/05/2019 02:07 PM".toDateTime("MM/dd/yyyy hh:mm a");'
    assert value_of(script) == "05-Mar-2019 14:07:00"


@pytest.mark.parametrize(
    "call",
    [
        "addHour(999999999999)",
        "addHour(300000000000)",
        "addSeconds(-999999999999999)",
        "addDay(99999999999)",
        "addMonth(999999999)",
        "addWeek(99999999999999)",
        "addMinutes(9999999999999)",
    ],
)
def test_huge_counts_are_errors(call):
    assert error_of(f"return '01-Jan-2020'.{call};")


def test_pattern_ignores_trailing_text():
    script = 'return "2024-01-15T10:00:00+05:30".toTime("yyyy-MM-dd\'T\'HH:mm:ss");'
    assert value_of(script) == "15-Jan-2024 10:00:00"
    assert value_of('return "2024-01-15 extra".toDate("yyyy-MM-dd");') == "15-Jan-2024"


def test_pattern_still_needs_every_field():
    assert "does not match" in error_of('return "15-01".toDate("dd-MM-yyyy");')


def test_pattern_reads_zone_abbreviations():
    script = 'return "15 Jan 2024 10:00 PST".toDateTime("dd MMM yyyy HH:mm z");'
    assert value_of(script) == "15-Jan-2024 18:00:00"
    script = 'return "15 Jan 2024 10:00 IST".toDateTime("dd MMM yyyy HH:mm z");'
    assert value_of(script) == "15-Jan-2024 04:30:00"


def test_pattern_rejects_unknown_zone_abbreviation():
    script = 'return "15 Jan 2024 10:00 XYZ".toDateTime("dd MMM yyyy HH:mm z");'
    assert "has no time zone" in error_of(script)


def test_long_zone_names():
    script = 'return \'15-Jan-2024 10:00:00\'.toString("zzzz", "America/Los_Angeles");'
    assert value_of(script) == "Pacific Standard Time"
    script = 'return \'15-Jul-2024 10:00:00\'.toString("zzzz", "Asia/Kolkata");'
    assert value_of(script) == "India Standard Time"


def test_long_zone_name_keeps_ambiguous_abbreviation():
    # "CST" is China Standard Time in Shanghai, not US Central time.
    script = 'return \'15-Jan-2024 10:00:00\'.toString("zzzz", "Asia/Shanghai");'
    assert value_of(script) == "CST"
