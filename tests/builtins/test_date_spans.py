"""Tests of business-day shifts, spans between dates and week starts."""

import pytest

from tests.builtins.deluge import error_of, value_of


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("return '18-Mar-2019 09:00:00'.subBusinessDay(1);", "15-Mar-2019 09:00:00"),
        ("return '18-Mar-2019'.addBusinessDay(-1);", "15-Mar-2019 00:00:00"),
        ("return '15-Mar-2019'.addBusinessDay(0);", "15-Mar-2019 00:00:00"),
        (
            "return '15-Mar-2019'.addBusinessDay(1, {\"Sunday\"});",
            "16-Mar-2019 00:00:00",
        ),
        (
            (
                'return \'15-Mar-2019\'.addBusinessDay(1, {"Saturday", "Sunday"}, '
                "{'18-Mar-2019'});"
            ),
            "19-Mar-2019 00:00:00",
        ),
    ],
)
def test_business_day_shifts(script, expected):
    assert value_of(script) == expected


def test_business_day_count_limit():
    assert "larger than 100000" in error_of(
        "return '15-Mar-2019'.addBusinessDay(100001);"
    )


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("return '01-Jan-2024 10:59:59'.hoursBetween('01-Jan-2024 11:59:58');", 0),
        ("return '01-Jan-2024 11:00:00'.hoursBetween('01-Jan-2024 09:30:00');", -1),
        ("return '31-Jan-2020'.monthsDiff('29-Feb-2020');", 0),
        ("return '29-Feb-2020'.monthsDiff('31-Jan-2020');", 0),
        ("return '31-Mar-2020'.monthsDiff('01-Jan-2020');", -2),
        ("return '01-Jan-2020'.monthsBetween('31-Jan-2020');", 1),
        ("return '01-Jan-2020'.yearsBetween('30-Dec-2020');", 0),
        ("return '01-Jan-2020 23:00:00'.monthsBetween('31-Jan-2020 01:00:00');", 1),
        ("return '01-Jan-2020 23:00:00'.yearsBetween('31-Dec-2020 01:00:00');", 1),
        ("return '01-Mar-2019'.totalMonths('01-Mar-2020');", 12),
    ],
)
def test_spans(script, expected):
    assert value_of(script) == expected


def test_spans_across_daylight_saving():
    # 10-Mar-2024 02:00 is skipped in Los Angeles, so these are 23 hours apart.
    script = "return '10-Mar-2024 00:00:00'.hoursBetween('11-Mar-2024 00:00:00');"
    assert value_of(script, tz="America/Los_Angeles") == 23


def test_week_and_month_starts():
    assert value_of("return '01-Mar-2019 23:00:00'.toStartOfMonth();") == (
        "01-Mar-2019 00:00:00"
    )
    assert value_of("return '16-Mar-2019'.toStartOfWeek();") == "10-Mar-2019 00:00:00"


def test_previous_week_day():
    assert value_of("return '20-Jul-2021'.previousWeekDay(\"Sunday\");") == (
        "18-Jul-2021"
    )
    assert "not a day of the week" in error_of(
        "return '20-Jul-2021'.nextWeekDay(\"Funday\");"
    )


@pytest.mark.parametrize(
    "script",
    [
        "return '01-Jan-9999'.addBusinessDay(100000);",
        "return '01-Jan-0001'.subBusinessDay(10);",
        "return '01-Jan-0001'.toStartOfWeek();",
        "return '01-Jan-9999'.workday(100000);",
        "return '31-Dec-9999'.nextWeekDay(\"Monday\");",
    ],
)
def test_dates_past_the_calendar_are_errors(script):
    assert "the resulting date is out of range" in error_of(script)


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        (
            "return '01-Aug-2022 16:59:00'.addBusinessHour(1.30);",
            "02-Aug-2022 10:29:00",
        ),
        ("return '01-Aug-2022 07:15:00'.addBusinessHour(1);", "01-Aug-2022 10:00:00"),
        ("return '01-Aug-2022 20:00:00'.addBusinessHour(-1);", "01-Aug-2022 16:00:00"),
        ("return '01-Aug-2022 12:34:56'.addBusinessHour(0);", "01-Aug-2022 12:34:56"),
        ("return '01-Aug-2022 16:00:00'.addBusinessHour(1);", "01-Aug-2022 17:00:00"),
        (
            (
                "return '01-Aug-2022 23:00:00'.addBusinessHour(2, {\"Sunday\"}, {}, "
                '{"start":0, "end":24});'
            ),
            "02-Aug-2022 01:00:00",
        ),
    ],
)
def test_business_hour_shifts(script, expected):
    assert value_of(script) == expected


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (
            (
                "return '01-Aug-2022'.addBusinessHour(1, {\"Saturday\"}, {}, "
                '{"start":17, "end":9});'
            ),
            "the start must be before the end",
        ),
        (
            (
                "return '01-Aug-2022'.addBusinessHour(1, {\"Saturday\"}, {}, "
                '{"start":"nine", "end":17});'
            ),
            "must be an hour from 0 to 24",
        ),
        (
            "return '01-Aug-2022'.addBusinessHour(\"two\");",
            "must be a NUMBER or DECIMAL",
        ),
        ("return '01-Aug-2022'.addBusinessHour(100001);", "more than 100000"),
    ],
)
def test_business_hour_errors(script, message):
    assert message in error_of(script)


def test_year_fraction_counts_time_of_day():
    assert value_of("return '01-Jan-2021'.yearFraction('01-Jan-2021 12:00:00');") == (
        0.5 / 365
    )
    assert value_of("return '02-Jan-2021'.yearFraction('01-Jan-2021');") == -1 / 365
