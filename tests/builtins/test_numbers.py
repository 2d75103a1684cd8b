"""Tests of the NUMBER and DECIMAL built-ins and the decisions they follow."""

import pytest

from tests.builtins.deluge import error_of, run_script, value_of


def test_abs_keeps_number_type():
    assert run_script("return abs(-7);").value == 7
    assert type(run_script("return abs(-7);").value) is int
    assert run_script("return abs(-1.5);").value == 1.5


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("return 2.5.round(0);", 3.0),
        ("return (-2.5).round(0);", -3.0),
        ("return 1.005.round(2);", 1.01),
        ("return 1234.round(-2);", 1200),
        ("return 7.round(2);", 7),
        ("return floor(-2.5);", -3),
        ("return ceil(7);", 7),
    ],
)
def test_rounding(script, expected):
    assert value_of(script) == expected


def test_power_without_real_result_is_null():
    assert value_of("return power(-8, 0.5);") is None


def test_power_overflow_is_error():
    assert "too large" in error_of("return power(10, 400);")


def test_exp_and_log10():
    assert value_of("return exp(0);") == 1.0
    assert value_of("return log10(1000);") == 3.0


def test_even_and_odd():
    assert value_of("return 4.isEven();") is True
    assert value_of("return (-3).isOdd();") is True


def test_min_and_max():
    assert value_of("return 3.max(7);") == 7
    assert value_of("return min(3, 1.5);") == 1.5


def test_random_number_equal_bounds():
    assert value_of("return randomNumber(5, 5);") == 5


def test_random_number_reversed_bounds_is_error():
    assert "smaller than the start" in error_of("return randomNumber(5, 1);")


def test_random_number_decimal_bounds():
    script = "r = randomNumber(1.5, 2); return r >= 1.5 && r < 2;"
    assert value_of(script) is True


def test_sum_of_numbers_stays_number():
    assert type(run_script("return {1, 2}.sum();").value) is int
    assert run_script("return {1, 2.5}.sum();").value == 3.5


def test_sum_overflow_is_error():
    assert "NUMBER range" in error_of("return {9223372036854775807, 1}.sum();")


def test_map_remove_returns_value():
    assert value_of('m = {"a": 1}; return m.remove("a");') == 1
    assert value_of('m = {"a": 1}; return m.remove("z");') is None


def test_collection_get_last_key():
    pairs = 'Collection("a": 1, "b": 2, "c": 1)'
    assert value_of(f"return {pairs}.getLastKey(1);") == "c"
    assert value_of(f"return {pairs}.getLastKey(9);") is None
    assert value_of('return Collection("x", "y", "x").getLastKey("x");') == 2
    assert value_of('return Collection("x", "y").getLastKey("z");') == -1


def test_is_empty_of_null():
    assert value_of("return isEmpty(null);") is True


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("return toHex(0);", "0"),
        ("return 4096.toHex();", "1000"),
        ("return toHex(-1);", "ffffffffffffffff"),
        ("return toHex(-256);", "ffffffffffffff00"),
    ],
)
def test_to_hex(script, expected):
    assert value_of(script) == expected


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("return toWords(0);", "zero"),
        ('return toWords(101, "en-us");', "one hundred one"),
        ('return toWords(70, "EN-GB");', "seventy"),
        (
            'return toWords(123456, "en-in");',
            "one lakh twenty-three thousand four hundred fifty-six",
        ),
        ('return toWords(1000000000000, "en-in");', "one lakh crore"),
        ("return toWords(-0.5);", "minus zero point five"),
        ("return toWords(5.0);", "five"),
        ("return toWords(0.1 + 0.2);", "zero point three"),
    ],
)
def test_to_words(script, expected):
    assert value_of(script) == expected


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ('return toWords(24, "ko");', "language 'ko' is not supported"),
        ("return toWords(12345678901234567.5);", "more than 15 digits"),
        ("return toWords(1000000000000000000);", "more than 18 digits"),
    ],
)
def test_to_words_errors(script, message):
    assert message in error_of(script)


def test_frac_keeps_decimal_digits():
    assert value_of("return 24.6.frac();") == 0.6
    assert value_of("return frac(-0.75);") == -0.75
    assert value_of("return frac(7);") == 0
    assert type(value_of("return frac(7);")) is int
