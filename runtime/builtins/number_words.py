"""The ``toWords`` built-in: a NUMBER or DECIMAL spelled out in English words.

The wording follows the examples of Zoho's toWords page. There is no "and"
and no comma ("one thousand nine hundred eighty-nine"), tens are hyphenated
("eighty-nine"), a negative value starts with "minus" and a fraction is
"point" followed by one word per digit. ``en-in`` groups by lakh and crore
("one crore" for 10,000,000).
"""

from __future__ import annotations

from decimal import Decimal

from runtime.builtins.support import describe, register, text_arg
from runtime.errors import DelugeError
from runtime.values import DECIMAL, NUMBER, TEXT

_ONES = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight"),
    *("nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen"),
    *("sixteen", "seventeen", "eighteen", "nineteen"),
)
_TENS = (
    *("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy"),
    *("eighty", "ninety"),
)

# Short-scale group names, largest first, for en-us and en-gb.
_GROUPS = (
    (10**18, "quintillion"),
    (10**15, "quadrillion"),
    (10**12, "trillion"),
    (10**9, "billion"),
    (10**6, "million"),
    (10**3, "thousand"),
)
# The Indian groups: a crore is 10,000,000 and a lakh 100,000. A count of
# crores above 99 is itself spelled with these groups ("one lakh crore").
_INDIAN_GROUPS = ((10**7, "crore"), (10**5, "lakh"), (10**3, "thousand"))

_LANGUAGES = ("en-us", "en-gb", "en-in")
_MAX_NUMBER_DIGITS = 18
_MAX_DECIMAL_DIGITS = 15


def _below_thousand(number: int) -> list[str]:
    words = []
    hundreds, rest = divmod(number, 100)
    if hundreds:
        words += [_ONES[hundreds], "hundred"]
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_TENS[tens] + (f"-{_ONES[ones]}" if ones else ""))
    elif rest:
        words.append(_ONES[rest])
    return words


def _spell_groups(number: int, groups) -> list[str]:
    """Spell a positive whole number with the given group names, largest first."""
    words = []
    for size, name in groups:
        if number >= size:
            count, number = divmod(number, size)
            words += _spell_groups(count, groups) + [name]
    return words + _below_thousand(number)


def _spell_whole(number: int, language: str) -> str:
    if number == 0:
        return "zero"
    groups = _INDIAN_GROUPS if language == "en-in" else _GROUPS
    return " ".join(_spell_groups(number, groups))


def _language(value, function: str) -> str:
    language = text_arg(value, function, "language").strip().lower()
    if language not in _LANGUAGES:
        # NOTE: Zoho also lists fr, de, it, ja, ko, zh and es. Their
        # spell-out rules are not built in, so those languages are rejected.
        raise DelugeError(
            f"{function}: language '{language}' is not supported. "
            f"Use one of {', '.join(_LANGUAGES)}"
        )
    return language


def _split_decimal(exact: Decimal) -> tuple[str, str]:
    whole, _, fraction = format(abs(exact), "f").partition(".")
    return whole.lstrip("0"), fraction.rstrip("0")


def _decimal_parts(value: float, function: str) -> tuple[bool, int, str]:
    """Split a DECIMAL into its sign, whole part and fraction digits.

    A binary fraction such as 0.1 + 0.2 (0.30000000000000004) is first rounded
    to the 15 significant digits that the page allows, so it reads "point
    three". A whole part of more than 15 digits is an error.
    """
    exact = Decimal(repr(value))
    if not exact.is_finite():
        raise DelugeError(f"{function}: {value} has no words. Pass a finite number")
    whole, fraction = _split_decimal(exact)
    if len(whole) + len(fraction) > _MAX_DECIMAL_DIGITS:
        exact = Decimal(format(value, f".{_MAX_DECIMAL_DIGITS}g"))
        whole, fraction = _split_decimal(exact)
    if len(whole) + len(fraction) > _MAX_DECIMAL_DIGITS:
        raise DelugeError(
            f"{function}: {value} has more than {_MAX_DECIMAL_DIGITS} digits in its "
            "whole and decimal parts together, the most a DECIMAL can have"
        )
    return exact.is_signed(), int(whole or "0"), fraction


@register((NUMBER, DECIMAL), "toWords", max_args=1, returns=TEXT)
def to_words(ctx, value, language="en-us"):
    """Spell out a NUMBER or DECIMAL in words of the given English variant.

    NOTE: The page gives no default language. Without one, en-us is used.
    """
    function = "toWords"
    language = _language(language, function)
    if type(value) is int:
        negative, whole, fraction = value < 0, abs(value), ""
        if len(str(whole)) > _MAX_NUMBER_DIGITS:
            raise DelugeError(
                f"{function}: {value} has more than {_MAX_NUMBER_DIGITS} digits, "
                "the most a NUMBER can have"
            )
    elif type(value) is float:
        negative, whole, fraction = _decimal_parts(value, function)
    else:
        raise DelugeError(
            f"{function}: the value must be a NUMBER or DECIMAL, got {describe(value)}"
        )
    words = _spell_whole(whole, language)
    if fraction:
        words += " point " + " ".join(_ONES[int(digit)] for digit in fraction)
    if negative and (whole or fraction):
        words = "minus " + words
    return words
