"""Tests of the conversion built-ins and the null, empty and type checks."""

import pytest

from tests.builtins.deluge import error_of, value_of


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('return "-42".toNumber();', -42),
        ("return (-7.9).toNumber();", -7),
        ('return " 12 ".toNumber();', 12),
        ('return "12.75".toNumber();', 12),
        ("return toDecimal(3);", 3.0),
        ('return "-.5".toDecimal();', -0.5),
        ("return 2.5.toString();", "2.5"),
        ("return {1, 2}.toString();", "1,2"),
        ('return {"a": 1}.toText();', '{"a":1}'),
        ("return true.toString();", "true"),
    ],
)
def test_conversions(script, expected):
    assert value_of(script) == expected


@pytest.mark.parametrize(
    "script",
    [
        'return "1e5".toNumber();',
        'return "ten".toDecimal();',
        "return true.toNumber();",
        'return "99999999999999999999".toNumber();',
        "return {1}.toDecimal();",
    ],
)
def test_conversion_errors(script):
    assert error_of(script)


def test_to_number_error_names_value():
    assert '"12X"' in error_of('return "12X".toNumber();')


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('return isNull("");', True),
        ('return isNull(" ");', False),
        ("return isNull(0);", False),
        ('return "".isNull();', True),
        ("return isEmpty(List());", True),
        ("return {{}}.isEmpty();", False),
        ('return " ".isEmpty();', False),
        ('return " \\t".isBlank();', True),
        ("return isBlank(null);", True),
        ("return isBlank(5);", False),
        ('return "1.5".isNumber();', True),
        ('return "24/2*10".isNumber();', False),
        ('return "1,000".isNumber();', False),
        ("return {1}.isNumber();", None),
        ('return {"a": 1}.isNumber();', None),
        ('return "3.0".isDecimal();', True),
        ('return "3".isDecimal();', False),
        ('return "01-Jan-2020".isDate();', True),
        ('return isText("x");', True),
        ("return isText(1);", False),
    ],
)
def test_checks(script, expected):
    assert value_of(script) == expected


def test_is_date_of_invalid_text_is_an_error():
    assert "not a valid date-time" in error_of('return "31-Feb-2020".isDate();')
    assert "not a valid date-time" in error_of('return isDate("hello");')


def test_is_text_of_numeric_and_container_values():
    assert value_of('return isText("123");') is False
    assert value_of('return isText(" ");') is True
    assert value_of("return isText({1, 2});") is None
    assert value_of("return isText(true);") is None


def test_is_file_of_values():
    assert value_of('return isFile("a.pdf");') is False
    assert value_of("return isFile({1});") is False
