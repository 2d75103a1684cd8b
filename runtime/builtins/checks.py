"""Null, empty and type checks that every value accepts.

``isNull`` is true for null and for the empty text, but not for a space.
``isEmpty`` is true for an empty text, list, map or collection. ``isBlank``
also counts text made only of white space.
"""

from __future__ import annotations

from runtime.builtins.numbers import parse_number
from runtime.builtins.support import builtin
from runtime.errors import DelugeError
from runtime.registry import ANY
from runtime.values import BOOLEAN, Collection, DelugeFile

_CONTAINERS = (list, dict, Collection)


@builtin(ANY, "isNull", returns=BOOLEAN)
def is_null(ctx, value):
    return value is None or value == ""


@builtin(ANY, "isEmpty", returns=BOOLEAN)
def is_empty(ctx, value):
    """Tell whether a text, list, map or collection has nothing in it.

    Null counts as empty. A number, boolean, date-time or file is never empty.
    """
    if value is None:
        return True
    if type(value) is str or isinstance(value, _CONTAINERS):
        return len(value) == 0
    if type(value) is DelugeFile:
        return len(value.content) == 0
    return False


@builtin(ANY, "isBlank", returns=BOOLEAN)
def is_blank(ctx, value):
    """Tell whether a value is null, empty or text made only of white space."""
    if type(value) is str:
        return value.strip() == ""
    return is_empty(ctx, value)


@builtin(ANY, "isText", returns=BOOLEAN)
def is_text(ctx, value):
    """Tell whether a value is text that is not a number.

    Zoho's isText page: numeric text (``"123"``) is false, empty or blank
    text is true, a date-time is false, and a list, map or boolean gives null.
    """
    if isinstance(value, _CONTAINERS) or type(value) is bool:
        return None
    if type(value) is str:
        return parse_number(value) is None
    return False


@builtin(ANY, "isNumber", returns=BOOLEAN)
def is_number(ctx, value):
    """Tell whether a value is a number or numeric text; lists and maps give null."""
    if isinstance(value, _CONTAINERS):
        return None
    if type(value) in (int, float):
        return True
    if type(value) is str:
        return parse_number(value) is not None
    return False


@builtin(ANY, "isDecimal", returns=BOOLEAN)
def is_decimal(ctx, value):
    """Tell whether a value is a DECIMAL or text of a number with a point."""
    if isinstance(value, _CONTAINERS):
        return None
    if type(value) is float:
        return True
    if type(value) is str:
        return "." in value and parse_number(value) is not None
    return False


@builtin(ANY, "isDate", aliases=("isDateTime",), returns=BOOLEAN)
def is_date(ctx, value):
    """Tell whether a value is a DATE-TIME or text in a date-time format.

    As Zoho's isDate page states, text that is not a valid date-time is a
    runtime error rather than false, and a list or map gives null.
    """
    from runtime.dates import DateTime, parse_literal

    if isinstance(value, _CONTAINERS):
        return None
    if type(value) is DateTime:
        return True
    if type(value) is str:
        if parse_literal(ctx, value) is None:
            raise DelugeError(
                f"isDate: the text {value!r} is not a valid date-time; "
                "check the text before calling isDate"
            )
        return True
    return False


@builtin(ANY, "isFile", returns=BOOLEAN)
def is_file(ctx, value):
    """Tell whether a value is a FILE, such as an invokeurl binary response."""
    return type(value) is DelugeFile
