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
from runtime.values import BOOLEAN, LIST, MAP, NUMBER, Collection, script_key

M = (MAP,)


def map_key(value):
    """Return a value as a map key, through the core's rule."""
    from runtime.namespace import key_of

    return key_of(value)


_ABSENT = object()
# Key types that key_of returns unchanged. It returns None unchanged too.
_PLAIN_KEYS = (str, int, float, bool)


def lookup_key(value):
    """Return the stored form of a key to look up; ``_ABSENT`` if none can exist."""
    if type(value) in _PLAIN_KEYS or value is None:
        return value
    try:
        return map_key(value)
    except DelugeError:
        return _ABSENT


def pairs_of(value, function: str) -> dict:
    if type(value) is dict:
        return value
    if type(value) is Collection and value.kind != LIST:
        return value.as_map()
    raise DelugeError(f"{function}: expected a key-value map, got {describe(value)}")


@register(M, "put", min_args=2, forms=METHOD, returns=None)
def put(ctx, mapping, key, value):
    """Add a pair; an existing key keeps its place and takes the new value."""
    # Text and number keys are stored as they are, so the common case skips
    # the conversions, which a loop of puts would pay on every call.
    if type(key) not in _PLAIN_KEYS:
        key = map_key(key)
    if key not in mapping:
        ctx.check_size(len(mapping) + 1)
    if type(value) is DateTime:
        from runtime.namespace import map_value

        value = map_value(value)
    mapping[key] = value


@register(M, "putAll", min_args=1, forms=METHOD, returns=None)
def put_all(ctx, mapping, other):
    other = pairs_of(other, "putAll")
    new_keys = sum(1 for key in other if key not in mapping)
    ctx.check_size(len(mapping) + new_keys)
    mapping.update(other)


@register(M, "get", min_args=1, forms=METHOD, returns=None)
def get(ctx, mapping, key):
    return mapping.get(lookup_key(key))


@register(M, "containKey", aliases=("containsKey",), min_args=1, forms=METHOD,
          returns=BOOLEAN)  # fmt: skip
def contain_key(ctx, mapping, key):
    return lookup_key(key) in mapping


@register(M, "containValue", aliases=("containsValue",), min_args=1, forms=METHOD,
          returns=BOOLEAN)  # fmt: skip
def contain_value(ctx, mapping, value):
    found = any(equals(item, value) for item in mapping.values())
    ctx.check_work(len(mapping))
    return found


@register(M, "keys", forms=METHOD, returns=LIST)
def keys(ctx, mapping):
    return [script_key(key) for key in mapping]


@register(M, "values", forms=METHOD, returns=LIST)
def values(ctx, mapping):
    return list(mapping.values())


@register(M, "remove", min_args=1, forms=METHOD, returns=None)
def remove(ctx, mapping, key):
    """Remove a pair and return its value; a missing key returns null."""
    return mapping.pop(lookup_key(key), None)


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
