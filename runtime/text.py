"""Text rendering of Deluge values and their conversion to JSON.

``to_text`` is the one rendering used by ``info``, by ``+`` with a text operand
and by ``toString()``:

- TEXT as is, BOOLEAN as ``true``/``false``, NULL as ``null``;
- NUMBER in decimal digits, DECIMAL as Java's ``Double.toString`` does it
  (``2.0``, ``0.30000000000000004``, ``1.0E7``);
- a list as the text of its elements joined by commas, with no brackets or
  spaces (``1,2,3``); a map or list inside it is shown as compact JSON;
- a map as compact JSON (``{"product":"Creator","id":2}``);
- a date-time through ``DateTime.to_text()``.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal

from runtime.context import check_running_work
from runtime.dates import DateTime
from runtime.limits import Limits
from runtime.value_size import check_rendered_size
from runtime.values import Collection, DelugeFile, ListKey, TypedList

# Callers with a context check a list or map against their text-length limit
# before rendering it. This ceiling bounds the rest: a value that shares an
# inner list at many places renders as exponentially long text, so no
# rendering may start before its size is known.
TEXT_CEILING = Limits().response_bytes
_CONTAINERS = (list, TypedList, ListKey, dict, Collection)


def format_decimal(value: float) -> str:
    """Render a float the way Java's ``Double.toString`` does."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        text = repr(value)
        # repr stays positional in this range; make sure a ".0" is present.
        return text if "." in text else text + ".0"
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    digit_text = "".join(str(d) for d in digits).rstrip("0") or "0"
    point_exponent = exponent + len(digits) - 1
    mantissa = digit_text[0] + "." + (digit_text[1:] or "0")
    return f"{'-' if sign else ''}{mantissa}E{point_exponent}"


def to_text(value: object) -> str:
    """Render a Deluge value as text (see the module docstring)."""
    cls = type(value)
    if cls is str:
        return value  # type: ignore[return-value]
    if cls is int:
        return str(value)
    if cls is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    if cls is float:
        return format_decimal(value)  # type: ignore[arg-type]
    if cls in _CONTAINERS:
        _check_ceiling(value)
        if cls is Collection:
            value = value.items  # type: ignore[union-attr]
        if type(value) is dict:
            text = _json(value)
        else:
            text = ",".join(_element_text(item) for item in value)  # type: ignore[union-attr]
        check_running_work(len(text))
        return text
    if cls is DelugeFile:
        return value.name  # type: ignore[union-attr]
    to_text_method = _datetime_text(value)
    if to_text_method is not None:
        return to_text_method
    raise TypeError(f"not a Deluge value: {cls.__name__}")


def _check_ceiling(value: object) -> None:
    check_rendered_size(value, TEXT_CEILING)


def _element_text(item: object) -> str:
    if isinstance(item, (dict, list, Collection, ListKey)):
        return _json(item)
    return to_text(item)


def _datetime_text(value: object) -> str | None:
    if type(value) is DateTime:
        return value.to_text()
    return None


def to_json_value(value: object) -> object:
    """Convert a Deluge value to JSON-native Python data (dict keys become text)."""
    cls = type(value)
    if value is None or cls in (str, int, bool):
        return value
    if cls is float:
        return value if math.isfinite(value) else format_decimal(value)  # type: ignore[arg-type]
    if cls is list or cls is TypedList or cls is ListKey:
        return [to_json_value(item) for item in value]  # type: ignore[union-attr]
    if cls is dict:
        return {to_text(k): to_json_value(v) for k, v in value.items()}  # type: ignore[union-attr]
    if cls is Collection:
        return to_json_value(value.items)  # type: ignore[union-attr]
    return to_text(value)


def json_text(value: object) -> str:
    """Render a value as compact JSON text, keeping map key order."""
    _check_ceiling(value)
    text = _json(value)
    check_running_work(len(text))
    return text


def _json(value: object) -> str:
    return json.dumps(to_json_value(value), separators=(",", ":"), ensure_ascii=False)
