"""NUMBER and DECIMAL built-ins, and the numeric aggregates of lists.

NUMBER is a Python ``int`` kept inside signed 64 bits and DECIMAL a
``float``. Functions that Zoho documents as returning null for values outside
their domain (``sqrt`` below 0, ``log`` at or below 0) do so. Every other
invalid input is a runtime error.
"""

from __future__ import annotations

import math
import random
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from runtime.builtins.support import builtin, check_number, describe, int_arg, register
from runtime.context import check_running_work
from runtime.errors import DelugeError
from runtime.values import BOOLEAN, DECIMAL, LIST, NUMBER, TEXT

NUMERIC = (NUMBER, DECIMAL)

_random = random.SystemRandom()


def number_arg(value, function: str, position: str = "argument") -> int | float:
    """Return a NUMBER or DECIMAL argument; numeric text is converted."""
    if type(value) in (int, float):
        return value
    if type(value) is str:
        parsed = parse_number(value)
        if parsed is not None:
            return parsed
    raise DelugeError(
        f"{function}: the {position} must be a number, got {describe(value)}"
    )


def parse_number(text: str) -> int | float | None:
    """Read a decimal number from text, or return None if it is not one.

    Accepts an optional sign, digits and one decimal point. Exponents, hex
    and Python's ``inf``/``nan`` spellings are not numbers in Deluge.
    """
    stripped = text.strip()
    if not stripped or len(stripped) > 400:
        return None
    body = stripped[1:] if stripped[0] in "+-" else stripped
    if body.isdigit() and body.isascii():
        value = int(stripped)
        return value if -(2**63) <= value < 2**63 else float(value)
    whole, point, fraction = body.partition(".")
    if not point or not (whole or fraction):
        return None
    if (whole and not (whole.isdigit() and whole.isascii())) or (
        fraction and not (fraction.isdigit() and fraction.isascii())
    ):
        return None
    return float(stripped)


def _finite(value: float, function: str) -> float:
    """Return ``value`` unless it is NaN or infinite, which have no whole number."""
    if math.isnan(value) or math.isinf(value):
        raise DelugeError(f"{function}: {value} has no whole-number value")
    return value


def _to_int(value: float, function: str) -> int:
    return check_number(int(_finite(value, function)), function)


@register(NUMERIC, "abs", returns=None)
def absolute(ctx, value):
    """Return the absolute value, of the same type as the input."""
    if type(value) is int:
        return check_number(abs(value), "abs")
    return abs(value)


@register(NUMERIC, "ceil", returns=NUMBER)
def ceil(ctx, value):
    if type(value) is int:
        return value
    return _to_int(math.ceil(_finite(value, "ceil")), "ceil")


@register(NUMERIC, "floor", returns=NUMBER)
def floor(ctx, value):
    if type(value) is int:
        return value
    return _to_int(math.floor(_finite(value, "floor")), "floor")


@register(NUMERIC, "round", max_args=1, returns=None)
def round_number(ctx, value, places=0):
    """Round half away from zero to ``places`` decimal places.

    A NUMBER stays a NUMBER; a DECIMAL stays a DECIMAL.
    """
    places = int_arg(places, "round", "decimal places")
    if type(value) is int:
        if places >= 0:
            return value
        # Every NUMBER is below 10**19 in magnitude, so 20 or more places to
        # the left round it to 0; the clamp keeps Decimal's exponent in range.
        places = max(places, -20)
        factor = Decimal(1).scaleb(-places)
        rounded = (Decimal(value) / factor).quantize(Decimal(1), ROUND_HALF_UP)
        return check_number(int(rounded * factor), "round")
    if math.isnan(value) or math.isinf(value):
        return value
    places = max(min(places, 300), -300)
    try:
        rounded = Decimal(repr(value)).quantize(
            Decimal(1).scaleb(-places), ROUND_HALF_UP
        )
    except InvalidOperation:
        return value
    return float(rounded)


@register(NUMERIC, "frac", returns=None)
def fraction(ctx, value):
    """Return the fraction part, with the sign of the input (-25.1 gives -0.1).

    The subtraction is done on the decimal digits, so 24.6 gives 0.6 and not
    the binary remainder 0.6000000000000014. A NUMBER gives the NUMBER 0.
    """
    if type(value) is int:
        return 0
    if math.isnan(value) or math.isinf(value):
        raise DelugeError(f"frac: {value} has no fraction part. Pass a finite number")
    exact = Decimal(repr(value))
    return float(exact - int(exact))


@register(NUMERIC, "sqrt", returns=DECIMAL)
def sqrt(ctx, value):
    if value < 0:
        return None
    return math.sqrt(value)


@register(NUMERIC, "power", min_args=1, returns=DECIMAL)
def power(ctx, value, exponent):
    """Raise to a power as a DECIMAL; a result that is not real is null."""
    exponent = number_arg(exponent, "power", "exponent")
    try:
        return math.pow(value, exponent)
    except OverflowError:
        raise DelugeError(
            f"power: {value} to the power {exponent} is too large for a DECIMAL"
        ) from None
    except ValueError:
        return None


@register(NUMERIC, "log", returns=DECIMAL)
def log(ctx, value):
    """Return the natural logarithm, or null at or below 0."""
    if value <= 0:
        return None
    return math.log(value)


@register(NUMERIC, "log10", returns=DECIMAL)
def log10(ctx, value):
    if value <= 0:
        return None
    return math.log10(value)


@register(NUMERIC, "exp", returns=DECIMAL)
def exp(ctx, value):
    try:
        return math.exp(value)
    except OverflowError:
        raise DelugeError(f"exp: e to the power {value} is too large") from None


@register((NUMBER,), "isEven", returns=BOOLEAN)
def is_even(ctx, value):
    return value % 2 == 0


@register((NUMBER,), "isOdd", returns=BOOLEAN)
def is_odd(ctx, value):
    return value % 2 != 0


@register((NUMBER,), "toHex", returns=TEXT)
def to_hex(ctx, value):
    """Return the lower-case hexadecimal digits of a NUMBER.

    A negative NUMBER gives its 64-bit two's complement, as Java's
    ``Long.toHexString`` does (-1 is ``ffffffffffffffff``).
    """
    return format(value & 0xFFFF_FFFF_FFFF_FFFF, "x")


@register(NUMERIC, "max", min_args=1, returns=None)
def maximum(ctx, value, other):
    return max(value, number_arg(other, "max"))


@register(NUMERIC, "min", min_args=1, returns=None)
def minimum(ctx, value, other):
    return min(value, number_arg(other, "min"))


@builtin(None, "randomNumber", min_args=2, returns=None)
def random_number(ctx, start, end):
    """Return a random number from ``start`` (inclusive) to ``end`` (exclusive).

    Two NUMBER bounds give a NUMBER and a DECIMAL bound gives a DECIMAL.
    Equal bounds return the start; an end below the start is an error.
    """
    low = number_arg(start, "randomNumber", "start")
    high = number_arg(end, "randomNumber", "end")
    if high < low:
        raise DelugeError(
            f"randomNumber: the end {high} is smaller than the start {low}"
        )
    if high == low:
        return low
    if type(low) is int and type(high) is int:
        return _random.randrange(low, high)
    value = _random.uniform(low, high)
    return low if value >= high else value


# List aggregates ---------------------------------------------------------------


def _numbers(items, function: str) -> list:
    numbers = [number_arg(item, function, "list element") for item in items]
    check_running_work(len(numbers))
    return numbers


@register((LIST,), "largest", returns=None)
def largest(ctx, items):
    """Return the largest number; numeric text counts; an empty list gives null."""
    values = _numbers(items, "largest")
    return max(values) if values else None


@register((LIST,), "smallest", returns=None)
def smallest(ctx, items):
    values = _numbers(items, "smallest")
    return min(values) if values else None


@register((LIST,), "sum", returns=None)
def total(ctx, items):
    """Add the elements; NUMBERs only give a NUMBER, any DECIMAL a DECIMAL."""
    values = _numbers(items, "sum")
    if all(type(value) is int for value in values):
        return check_number(sum(values), "sum")
    return math.fsum(values)


@register((LIST,), "average", returns=DECIMAL)
def average(ctx, items):
    values = _numbers(items, "average")
    return math.fsum(values) / len(values) if values else None


@register((LIST,), "median", returns=None)
def median(ctx, items):
    values = sorted(_numbers(items, "median"))
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


def _nth(items, position, function: str, descending: bool):
    values = sorted(_numbers(items, function), reverse=descending)
    index = int_arg(position, function, "position")
    if not 1 <= index <= len(values):
        raise DelugeError(f"{function}: position {index} is outside 1 to {len(values)}")
    return values[index - 1]


@register((LIST,), "nthLargest", min_args=1, returns=None)
def nth_largest(ctx, items, position):
    return _nth(items, position, "nthLargest", True)


@register((LIST,), "nthSmallest", min_args=1, returns=None)
def nth_smallest(ctx, items, position):
    return _nth(items, position, "nthSmallest", False)
