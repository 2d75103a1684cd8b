"""Convert the JSON arguments of an invocation to the declared parameter types."""

from __future__ import annotations

import json
import math

from runtime.limits import Limits
from runtime.namespace import TYPE_ALIASES
from runtime.values import (
    BOOLEAN,
    COLLECTION,
    DATETIME,
    DECIMAL,
    LIST,
    MAP,
    NUMBER,
    NUMBER_MAX,
    NUMBER_MIN,
    TEXT,
    Collection,
)


class ArgumentError(ValueError):
    """An argument does not fit its declared type."""

    def __init__(self, parameter: str, value: object, message: str):
        super().__init__(
            f"Argument '{parameter}': {message} (got {_format_value(value)})"
        )
        self.parameter = parameter
        self.value = value


def _format_value(value: object, width: int = 80) -> str:
    """Format a rejected argument as the caller sent it, cut to ``width``
    characters: text in quotes, anything else as JSON (``true``, ``{"a":1}``)."""
    if isinstance(value, str):
        return f"{value!r:.{width}}"
    try:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text[:width]


def convert_arguments(
    parameters, raw: dict | None, limits: Limits | None = None, ctx=None, tz=None
) -> dict:
    """Return ``{name: value}`` for ``parameters`` [(name, type)] from a JSON object.

    Missing arguments become null. Text is converted to a number, decimal,
    boolean, list or map when the declared type asks for one; JSON numbers
    given for a text parameter become their text. A date-time text without
    an offset is read in ``tz``, the portal zone (UTC when None), and one
    with an offset is moved to that zone, as a literal in the script would be.
    """
    limits = limits or Limits()
    if ctx is None and tz is not None:
        from runtime.context import ExecutionContext

        ctx = ExecutionContext(limits, tz=tz)
    raw = raw or {}
    if not isinstance(raw, dict):
        raise ArgumentError("arguments", raw, "expected a JSON object of arguments")
    values = {}
    for name, declared in parameters:
        values[name] = convert_value(name, declared, raw.get(name), limits, ctx)
    return values


def convert_value(name: str, declared: str | None, value, limits: Limits, ctx=None):
    """Convert one argument ``value`` to the Deluge type ``declared``."""
    if value is None or declared is None:
        return value
    target = TYPE_ALIASES.get(declared.lower())
    if target is None:
        raise ArgumentError(name, value, f"unknown parameter type '{declared}'")
    if target == TEXT:
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            from runtime.text import to_text

            return to_text(value)
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if target == NUMBER:
        return _to_number(name, value, limits)
    if target == DECIMAL:
        if isinstance(value, bool):
            raise ArgumentError(name, value, "expected a decimal number")
        if isinstance(value, (int, float)):
            try:
                return float(value)
            except OverflowError:
                # A JSON integer past about 1.8e308 has no float value.
                raise ArgumentError(
                    name, value, "the number is too large for a decimal"
                ) from None
        if isinstance(value, str):
            text = value.strip()
            if len(text) > limits.integer_digits:
                raise ArgumentError(name, value, "the number has too many digits")
            try:
                number = float(text)
            except ValueError:
                raise ArgumentError(name, value, "expected a decimal number") from None
            if math.isfinite(number):
                return number
        raise ArgumentError(name, value, "expected a decimal number")
    if target == BOOLEAN:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise ArgumentError(name, value, "expected true or false")
    if target == MAP:
        value = _parse_json_text(name, value, dict)
        if isinstance(value, dict):
            return value
        raise ArgumentError(name, value, "expected a JSON object")
    if target == LIST:
        value = _parse_json_text(name, value, list)
        if isinstance(value, list):
            return value
        if isinstance(value, str):
            return value.split(",") if value else []
        raise ArgumentError(name, value, "expected a JSON array")
    if target == COLLECTION:
        value = _parse_json_text(name, value, (list, dict))
        if isinstance(value, (list, dict)):
            return Collection(value)
        raise ArgumentError(name, value, "expected a JSON array or object")
    if target == DATETIME:
        if not isinstance(value, str):
            raise ArgumentError(name, value, "expected a date-time text")
        from runtime.context import ExecutionContext
        from runtime.dates import parse_literal

        parsed = parse_literal(ctx or ExecutionContext(limits), value)
        if parsed is None:
            raise ArgumentError(name, value, "expected a date-time such as 01-Jan-2024")
        return parsed
    raise ArgumentError(name, value, f"parameters of type '{declared}' are not supported")


def _to_number(name: str, value, limits: Limits) -> int:
    if isinstance(value, bool):
        raise ArgumentError(name, value, "expected a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ArgumentError(name, value, "expected a whole number")
        value = int(value)
    elif isinstance(value, str):
        text = value.strip()
        # Bound the text before int() does work that grows with its length.
        if len(text) > limits.integer_digits:
            raise ArgumentError(name, value, "the number has too many digits")
        try:
            value = int(text)
        except ValueError:
            raise ArgumentError(name, value, "expected a whole number") from None
    if not isinstance(value, int):
        raise ArgumentError(name, value, "expected a whole number")
    if not NUMBER_MIN <= value <= NUMBER_MAX:
        raise ArgumentError(name, value, "the number does not fit 64 bits")
    return value


def _parse_json_text(name: str, value, kinds):
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):
            raise ArgumentError(name, value, "the text is not valid JSON") from None
        if isinstance(parsed, kinds):
            return parsed
    return value
