"""Conversions between HTTP payloads and Deluge values for ``invokeurl``."""

from __future__ import annotations

from runtime.errors import LimitExceeded
from runtime.text import json_text as to_json_text
from runtime.text import to_text
from runtime.values import NUMBER_MAX, NUMBER_MIN

__all__ = ["from_json", "is_binary", "is_json", "to_json_text", "to_text"]

# Media types read as text although their top-level type is not ``text``.
_TEXT_TYPES = frozenset(
    {
        "application/javascript",
        "application/x-www-form-urlencoded",
        "application/xml",
        "application/xhtml+xml",
        "application/ecmascript",
        "application/graphql",
        "application/yaml",
        "application/x-yaml",
        "application/csv",
        "image/svg+xml",
    }
)


def is_json(mime: str) -> bool:
    """Tell whether a media type (without parameters) is JSON."""
    return mime == "application/json" or mime.endswith("+json") or mime == "text/json"


def is_binary(mime: str) -> bool:
    """Tell whether a body of this media type becomes a FILE value, not text.

    A missing media type counts as text, because many APIs omit it.
    """
    if not mime or mime.startswith("text/") or is_json(mime):
        return False
    return not (mime in _TEXT_TYPES or mime.endswith("+xml"))


def from_json(ctx, data: object, depth: int = 0) -> object:
    """Convert parsed JSON to Deluge values under the context's size limits.

    Objects become maps and arrays lists; an integer outside the signed
    64-bit NUMBER range becomes a DECIMAL.
    """
    if depth > ctx.limits.nesting_depth:
        raise LimitExceeded("nesting depth", f"{ctx.limits.nesting_depth} levels")
    if type(data) is dict:
        ctx.check_size(len(data))
        return {key: from_json(ctx, value, depth + 1) for key, value in data.items()}
    if type(data) is list:
        ctx.check_size(len(data))
        return [from_json(ctx, item, depth + 1) for item in data]
    if type(data) is int and not NUMBER_MIN <= data <= NUMBER_MAX:
        return float(data)
    return data
