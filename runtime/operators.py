"""Deluge operators on runtime values, as called by generated code.

The arithmetic rules are the project's decisions where Zoho publishes none:
NUMBER is a signed 64-bit integer and a result outside it is a runtime error;
``/`` on two NUMBERs truncates toward zero and ``%`` takes the sign of the
dividend (both as on the JVM); any DECIMAL operand gives a DECIMAL; division
by zero is a catchable runtime error.
"""

from __future__ import annotations

from runtime.context import check_running_deadline
from runtime.dates import DateTime
from runtime.errors import DelugeError
from runtime.text import to_text
from runtime.value_size import check_rendered_size, preview
from runtime.values import NUMBER_MAX, NUMBER_MIN, Collection, type_name

_NUMERIC = (int, float)


def check_number(value: int) -> int:
    """Return ``value`` if it fits a NUMBER (signed 64 bits), else raise."""
    if NUMBER_MIN <= value <= NUMBER_MAX:
        return value
    raise DelugeError(
        f"Number out of range: the result {_short(value)} does not fit a 64-bit "
        "NUMBER; use DECIMAL values for larger results"
    )


def _short(value: int) -> str:
    text = str(value) if value.bit_length() < 200 else f"of {value.bit_length()} bits"
    return text


def _is_number(value: object) -> bool:
    cls = type(value)
    return cls is int or cls is float


def _mismatch(left: object, right: object, op: str) -> DelugeError:
    return DelugeError(
        f"Left expression is of type {type_name(left)} and right expression is of "
        f"type {type_name(right)} and operator {op} is not valid"
    )


def add(ctx, left: object, right: object) -> object:
    """``left + right``: numeric sum, or text concatenation if either is TEXT."""
    lt, rt = type(left), type(right)
    if lt is int and rt is int:
        result = left + right  # type: ignore[operator]
        if NUMBER_MIN <= result <= NUMBER_MAX:
            return result
        return check_number(result)
    if lt is str and rt is str:
        result = left + right  # type: ignore[operator]
        if len(result) > ctx.limits.text_length:
            ctx.check_text(result)
        return result
    if lt is str or rt is str:
        check_rendered_size(left, ctx.limits.text_length)
        check_rendered_size(right, ctx.limits.text_length)
        result = to_text(left) + to_text(right)
        if len(result) > ctx.limits.text_length:
            ctx.check_text(result)
        return result
    if (lt is int or lt is float) and (rt is int or rt is float):
        return float(left) + float(right)  # type: ignore[arg-type]
    raise _mismatch(left, right, "+")


def sub(ctx, left: object, right: object) -> object:
    lt, rt = type(left), type(right)
    if lt is int and rt is int:
        result = left - right  # type: ignore[operator]
        if NUMBER_MIN <= result <= NUMBER_MAX:
            return result
        return check_number(result)
    if (lt is int or lt is float) and (rt is int or rt is float):
        return float(left) - float(right)  # type: ignore[arg-type]
    raise _mismatch(left, right, "-")


def mul(ctx, left: object, right: object) -> object:
    lt, rt = type(left), type(right)
    if lt is int and rt is int:
        result = left * right  # type: ignore[operator]
        if NUMBER_MIN <= result <= NUMBER_MAX:
            return result
        return check_number(result)
    if (lt is int or lt is float) and (rt is int or rt is float):
        return float(left) * float(right)  # type: ignore[arg-type]
    raise _mismatch(left, right, "*")


def div(ctx, left: object, right: object) -> object:
    """``left / right``: NUMBERs truncate toward zero; DECIMAL otherwise."""
    lt, rt = type(left), type(right)
    if lt is int and rt is int:
        if right == 0:
            raise DelugeError("Division by zero")
        if left >= 0 and right > 0:  # type: ignore[operator]
            return left // right  # type: ignore[operator]
        quotient = abs(left) // abs(right)  # type: ignore[arg-type]
        if (left < 0) != (right < 0):  # type: ignore[operator]
            quotient = -quotient
        return check_number(quotient)
    if (lt is int or lt is float) and (rt is int or rt is float):
        if right == 0:
            raise DelugeError("Division by zero")
        return float(left) / float(right)  # type: ignore[arg-type]
    raise _mismatch(left, right, "/")


def mod(ctx, left: object, right: object) -> object:
    """``left % right`` with the sign of the dividend."""
    lt, rt = type(left), type(right)
    if lt is int and rt is int:
        if right == 0:
            raise DelugeError("Division by zero")
        if left >= 0 and right > 0:  # type: ignore[operator]
            return left % right  # type: ignore[operator]
        remainder = abs(left) % abs(right)  # type: ignore[arg-type]
        return -remainder if left < 0 else remainder  # type: ignore[operator]
    if (lt is int or lt is float) and (rt is int or rt is float):
        if right == 0:
            raise DelugeError("Division by zero")
        import math

        return math.fmod(float(left), float(right))  # type: ignore[arg-type]
    raise _mismatch(left, right, "%")


def negate(ctx, value: object) -> object:
    cls = type(value)
    if cls is int:
        return check_number(-value)  # type: ignore[operator]
    if cls is float:
        return -value  # type: ignore[operator]
    raise DelugeError(f"Operator - is not valid for a {type_name(value)} value")


def plus(ctx, value: object) -> object:
    if _is_number(value):
        return value
    raise DelugeError(f"Operator + is not valid for a {type_name(value)} value")


def logical_not(ctx, value: object) -> bool:
    if type(value) is bool:
        return not value
    raise DelugeError(
        f"Operator ! needs a BOOLEAN value but got a {type_name(value)} value"
    )


def equals(left: object, right: object) -> bool:
    """Deluge ``==``: by content for lists and maps, ``2 == 2.0``, no bool/int mix."""
    lt, rt = type(left), type(right)
    if lt is rt and (lt is str or lt is int):
        return left == right
    if lt is bool or rt is bool:
        return lt is rt and left == right
    if lt is Collection or rt is Collection:
        left, right = _storage(left, right), _storage(right, left)
    if isinstance(left, (list, dict)) and isinstance(right, (list, dict)):
        result = _deep_equals(left, right)
        check_running_deadline()
        return result
    if (lt is int or lt is float) and (rt is int or rt is float):
        return left == right
    if lt is not rt:
        return False
    return left == right


def _deep_equals(left, right, compared: set | None = None) -> bool:
    """Compare two lists or maps element by element.

    ``compared`` contains the (left, right) pairs already being compared. A pair
    met again is taken as equal, so a list that shares one inner list at many
    places is compared once per distinct pair, not once per path, and a list
    that contains itself ends.
    """
    if left is right:
        return True
    if compared is None:
        compared = set()
    pair = (id(left), id(right))
    if pair in compared:
        return True
    compared.add(pair)
    if isinstance(left, dict) and isinstance(right, dict):
        if left.keys() != right.keys():
            return False
        return all(_element_equals(left[k], right[k], compared) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return False
        return all(_element_equals(a, b, compared) for a, b in zip(left, right))
    return False


def _storage(value: object, other: object) -> object:
    """Return a COLLECTION's list or map for comparing it with ``other``.

    An undecided ``{}`` is compared as an empty value of the other side's
    kind, so it equals both ``List()`` and ``Map()``.
    """
    if type(value) is not Collection:
        return value
    if value.kind is None:
        if type(other) is Collection:
            other = other.items if other.kind is not None else []
        return {} if isinstance(other, dict) else []
    return value.items


def _element_equals(left, right, compared: set) -> bool:
    if type(left) is Collection or type(right) is Collection:
        left, right = _storage(left, right), _storage(right, left)
    if isinstance(left, (list, dict)) and isinstance(right, (list, dict)):
        return _deep_equals(left, right, compared)
    return equals(left, right)


def not_equals(left: object, right: object) -> bool:
    lt = type(left)
    if lt is type(right) and (lt is str or lt is int):
        return left != right
    return not equals(left, right)


def _ordered(left: object, right: object, op: str):
    lt, rt = type(left), type(right)
    if (lt is int or lt is float) and (rt is int or rt is float):
        return left, right
    if lt is rt and lt is not bool and lt is not type(None):
        if lt is str:
            return left, right
        if lt is DateTime:
            return left, right
    raise _mismatch(left, right, op)


def less(left: object, right: object) -> bool:
    lt = type(left)
    if lt is type(right) and (lt is int or lt is str or lt is float):
        return left < right  # type: ignore[operator]
    a, b = _ordered(left, right, "<")
    return a < b


def less_equal(left: object, right: object) -> bool:
    lt = type(left)
    if lt is type(right) and (lt is int or lt is str or lt is float):
        return left <= right  # type: ignore[operator]
    a, b = _ordered(left, right, "<=")
    return a <= b


def greater(left: object, right: object) -> bool:
    lt = type(left)
    if lt is type(right) and (lt is int or lt is str or lt is float):
        return left > right  # type: ignore[operator]
    a, b = _ordered(left, right, ">")
    return a > b


def greater_equal(left: object, right: object) -> bool:
    lt = type(left)
    if lt is type(right) and (lt is int or lt is str or lt is float):
        return left >= right  # type: ignore[operator]
    a, b = _ordered(left, right, ">=")
    return a >= b


def condition(value: object) -> bool:
    """Return a condition's value; conditions must be BOOLEAN."""
    if type(value) is bool:
        return value  # type: ignore[return-value]
    raise DelugeError(
        f"A condition must be a BOOLEAN value but got a {type_name(value)} value "
        f"({preview(value)})"
    )
