"""KEY-VALUE (map) built-ins. Keys keep their type and insertion order.

Keys are compared case-sensitively. ``get`` of a missing key returns null and
``remove`` of a missing key leaves the map unchanged.
"""

from __future__ import annotations

from runtime.builtins.support import describe, register
from runtime.dates import DateTime
from runtime.errors import DelugeError
from runtime.operators import equals
from runtime.registry import METHOD
from runtime.values import BOOLEAN, LIST, MAP, NUMBER, Collection

M = (MAP,)


def map_key(value):
    """Check that a value can be a map key, through the core's rule."""
    from runtime.namespace import key_of

    return key_of(value)


def pairs_of(value, function: str) -> dict:
    if type(value) is dict:
        return value
    if type(value) is Collection and value.kind != LIST:
        return value.as_map()
    raise DelugeError(f"{function}: expected a key-value map, got {describe(value)}")


@register(M, "put", min_args=2, forms=METHOD, returns=None)
def put(ctx, mapping, key, value):
    """Add a pair; an existing key keeps its place and takes the new value."""
    key = map_key(key)
    if key not in mapping:
        ctx.check_size(len(mapping) + 1)
    mapping[key] = _stored(value)


def _stored(value):
    # Zoho's put page: a date put without a time is stored with 00:00:00.
    if type(value) is DateTime and not value.has_time:
        return value.with_time(True)
    return value


@register(M, "putAll", min_args=1, forms=METHOD, returns=None)
def put_all(ctx, mapping, other):
    other = pairs_of(other, "putAll")
    new_keys = sum(1 for key in other if key not in mapping)
    ctx.check_size(len(mapping) + new_keys)
    mapping.update(other)


@register(M, "get", min_args=1, forms=METHOD, returns=None)
def get(ctx, mapping, key):
    try:
        return mapping.get(key)
    except TypeError:  # an unhashable key, such as a list, is never present
        return None


@register(M, "containKey", aliases=("containsKey",), min_args=1, forms=METHOD,
          returns=BOOLEAN)  # fmt: skip
def contain_key(ctx, mapping, key):
    try:
        return key in mapping
    except TypeError:
        return False


@register(M, "containValue", aliases=("containsValue",), min_args=1, forms=METHOD,
          returns=BOOLEAN)  # fmt: skip
def contain_value(ctx, mapping, value):
    return any(equals(item, value) for item in mapping.values())


@register(M, "keys", forms=METHOD, returns=LIST)
def keys(ctx, mapping):
    return list(mapping)


@register(M, "values", forms=METHOD, returns=LIST)
def values(ctx, mapping):
    return list(mapping.values())


@register(M, "remove", min_args=1, forms=METHOD, returns=None)
def remove(ctx, mapping, key):
    """Remove a pair and return its value; a missing key returns null."""
    try:
        return mapping.pop(key, None)
    except TypeError:
        return None


@register(M, "removeAll", min_args=1, forms=METHOD, returns=None)
def remove_all(ctx, mapping, keys_to_remove):
    """Remove the pairs of every key in the given list."""
    if not isinstance(keys_to_remove, list):
        raise DelugeError(
            f"removeAll: expected a list of keys, got {describe(keys_to_remove)}"
        )
    for key in keys_to_remove:
        remove(ctx, mapping, key)


@register(M, "clear", forms=METHOD, returns=None)
def clear(ctx, mapping):
    mapping.clear()


@register(M, "size", forms=METHOD, returns=NUMBER)
def size(ctx, mapping):
    return len(mapping)
