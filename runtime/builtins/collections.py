"""COLLECTION built-ins for index collections and key collections.

A Collection is undecided until its first ``insert``: a plain value makes it
an index collection and a ``key: value`` argument (a ``KeyValue``) makes it a
key collection. Inserting the wrong kind is an error. Names that LIST and
KEY-VALUE both define (``get``, ``remove``, ``size`` ...) are registered here
for COLLECTION, so the call follows the collection's kind.
"""

from __future__ import annotations

from runtime.builtins import lists, maps
from runtime.builtins.json_xml import parse_json
from runtime.builtins.lists import find_index
from runtime.builtins.support import describe, int_arg, register, render
from runtime.context import check_running_work
from runtime.errors import DelugeError
from runtime.operators import equals
from runtime.registry import METHOD
from runtime.values import (
    BOOLEAN,
    COLLECTION,
    LIST,
    MAP,
    NUMBER,
    TEXT,
    Collection,
    KeyValue,
    script_key,
)

C = (COLLECTION,)


def _is_map(collection: Collection) -> bool:
    return collection.kind == MAP


def _insert_one(ctx, collection: Collection, value) -> None:
    if type(value) is KeyValue:
        if collection.kind == LIST:
            raise DelugeError(
                "insert: a key: value pair cannot go into an index collection; "
                "insert a plain value"
            )
        maps.put(ctx, collection.as_map(), value.key, value.value)
        return
    if collection.kind == MAP:
        raise DelugeError(
            "insert: a plain value cannot go into a key collection; "
            "insert a key: value pair"
        )
    lists.add(ctx, collection.as_list(), value)


@register(C, "insert", min_args=1, max_args=None, forms=METHOD, returns=None,
          accepts_pairs=True)  # fmt: skip
def insert(ctx, collection, *values):
    """Insert elements, or ``key: value`` pairs, by the collection's kind."""
    for value in values:
        _insert_one(ctx, collection, value)


@register(C, "insertAll", min_args=1, forms=METHOD, returns=None,
          accepts_pairs=True)  # fmt: skip
def insert_all(ctx, collection, values):
    """Insert every element of a list, or every pair of a map or collection."""
    if type(values) is dict:
        values = [KeyValue(key, value) for key, value in values.items()]
    elif type(values) is Collection:
        if values.kind == MAP:
            values = [KeyValue(key, value) for key, value in values.items.items()]
        else:
            values = list(values.items)
    elif not isinstance(values, list):
        raise DelugeError(
            f"insertAll: expected a list or a collection, got {describe(values)}"
        )
    for value in values:
        _insert_one(ctx, collection, value)


@register(C, "get", min_args=1, forms=METHOD, returns=None)
def get(ctx, collection, key):
    """Return the value of a key (null if absent) or the element at an index."""
    if collection.kind is None:
        return None
    if _is_map(collection):
        return maps.get(ctx, collection.items, key)
    return lists.get(ctx, collection.items, key)


@register(C, "update", min_args=2, forms=METHOD, returns=None)
def update(ctx, collection, key, value):
    """Replace the value of a key, or the element at an index.

    A key that a key collection does not have is added as a new pair, as
    Zoho's update page says; an index out of range is an error.
    """
    if _is_map(collection):
        maps.put(ctx, collection.items, key, value)
        return
    items = collection.as_list()
    items[lists.checked_index(items, key, "update")] = value


@register(C, "values", forms=METHOD, returns=LIST)
def values(ctx, collection):
    if _is_map(collection):
        return list(collection.items.values())
    return list(collection.items)


@register(C, "keys", forms=METHOD, returns=LIST)
def keys(ctx, collection):
    """Return the keys, or for an index collection its elements (not indexes)."""
    if _is_map(collection):
        return maps.keys(ctx, collection.items)
    return list(collection.items)


@register(C, "getKey", min_args=1, forms=METHOD, returns=None)
def get_key(ctx, collection, value):
    """Return the key of the first equal value (null if absent), or an index (-1)."""
    if _is_map(collection):
        for key, item in collection.items.items():
            if equals(item, value):
                return script_key(key)
        ctx.check_work(len(collection.items))
        return None
    return find_index(collection.items, value)


@register(C, "getLastKey", min_args=1, forms=METHOD, returns=None)
def get_last_key(ctx, collection, value):
    """Return the key of the last equal value (null if absent), or its index (-1)."""
    if _is_map(collection):
        found = None
        for key, item in collection.items.items():
            if equals(item, value):
                found = key
        ctx.check_work(len(collection.items))
        return script_key(found)
    items = collection.items
    return find_index(items, value, reverse=True)


@register(C, "containsKey", aliases=("containKey",), min_args=1, forms=METHOD,
          returns=BOOLEAN)  # fmt: skip
def contains_key(ctx, collection, key):
    """Tell whether a key collection has the key, or an index collection the index.

    Zoho's containsKey page: ``collection("Creator", "CRM", "Mail")``
    does not contain the index 3.
    """
    if _is_map(collection):
        return maps.contain_key(ctx, collection.items, key)
    return type(key) is int and 0 <= key < len(collection.items)


@register(C, "containsValue", aliases=("containValue", "contains"), min_args=1,
          forms=METHOD, returns=BOOLEAN)  # fmt: skip
def contains_value(ctx, collection, value):
    if _is_map(collection):
        return maps.contain_value(ctx, collection.items, value)
    return find_index(collection.items, value) >= 0


@register(C, "notContains", min_args=1, forms=METHOD, returns=BOOLEAN)
def not_contains(ctx, collection, value):
    return not contains_value(ctx, collection, value)


@register(C, "size", forms=METHOD, returns=NUMBER)
def size(ctx, collection):
    return len(collection.items)


@register(C, "clear", forms=METHOD, returns=None)
def clear(ctx, collection):
    collection.items.clear()


def _delete_values(collection: Collection, unwanted: list) -> None:
    # Zoho's delete and deleteAll pages remove the pairs whose value matches.
    doomed = [
        key
        for key, item in collection.items.items()
        if any(equals(item, value) for value in unwanted)
    ]
    for key in doomed:
        del collection.items[key]
    check_running_work(len(collection.items) * len(unwanted))


@register(C, "delete", min_args=1, forms=METHOD, returns=None)
def delete(ctx, collection, value):
    """Delete the pairs holding a value, or the first equal element."""
    if _is_map(collection):
        _delete_values(collection, [value])
        return
    lists.remove_element(ctx, collection.items, value)


@register(C, "remove", min_args=1, forms=METHOD, returns=None)
def remove(ctx, collection, key):
    """Remove a key and return its value, or remove and return an element by index."""
    if _is_map(collection):
        return maps.remove(ctx, collection.items, key)
    return lists.remove(ctx, collection.as_list(), key)


@register(C, "deleteKey", min_args=1, forms=METHOD, returns=None)
def delete_key(ctx, collection, key):
    """Delete a key, or the element at an index of an index collection."""
    if _is_map(collection):
        maps.remove(ctx, collection.items, key)
        return
    items = collection.as_list()
    del items[lists.checked_index(items, key, "deleteKey")]


@register(C, "deleteKeys", min_args=1, max_args=None, forms=METHOD, returns=None)
def delete_keys(ctx, collection, *keys_to_delete):
    """Delete several keys, given one by one or as one list."""
    if len(keys_to_delete) == 1 and isinstance(keys_to_delete[0], list):
        keys_to_delete = tuple(keys_to_delete[0])
    if _is_map(collection):
        for key in keys_to_delete:
            maps.remove(ctx, collection.items, key)
        return
    doomed = sorted({int_arg(k, "deleteKeys", "index") for k in keys_to_delete})
    items = collection.as_list()
    for position in doomed:
        lists.checked_index(items, position, "deleteKeys")
    for position in reversed(doomed):
        del items[position]


@register(C, "deleteAll", min_args=1, forms=METHOD, returns=None)
def delete_all(ctx, collection, unwanted):
    """Delete the elements, or the pairs whose values, the given list contains."""
    if not isinstance(unwanted, (list, Collection)):
        raise DelugeError(f"deleteAll: expected a list, got {describe(unwanted)}")
    members = lists.elements_of(unwanted, "deleteAll")
    if _is_map(collection):
        _delete_values(collection, list(members))
        return
    lists.remove_all(ctx, collection.as_list(), members)


@register(C, "distinct", forms=METHOD, returns=LIST)
def distinct(ctx, collection):
    """Return the unique values of a key collection, or its unique elements."""
    return lists.distinct(ctx, values(ctx, collection))


@register(C, "duplicate", max_args=2, forms=METHOD, returns=LIST)
def duplicate(ctx, collection, start=None, end=None):
    """Return the elements from ``start`` (inclusive) to ``end`` (exclusive).

    Without indexes the whole collection is copied. A key collection gives
    the values in that index range, because Zoho's page only shows elements.
    """
    items = values(ctx, collection)
    if start is None:
        return items
    return lists.sub_list(ctx, items, start, end, "duplicate")


def _sorted_pairs(ctx, pairs: list, position: int, ascending):
    # The list sort decides whether the sides can be ordered (null if not).
    if lists.sort(ctx, [pair[position] for pair in pairs], ascending) is None:
        return None
    return sorted(pairs, key=lambda pair: pair[position], reverse=not ascending)


@register(C, "sort", max_args=1, forms=METHOD, returns=COLLECTION)
def sort(ctx, collection, ascending=True):
    """Sort a collection in place: elements, or a key collection's pairs by value.

    The sorted collection is also returned. Elements the list sort cannot
    order (mixed types, lists, maps) leave the collection unchanged and give
    null.
    """
    if _is_map(collection):
        pairs = _sorted_pairs(ctx, list(collection.items.items()), 1, ascending)
        if pairs is None:
            return None
        collection.items.clear()
        collection.items.update(pairs)
        return collection
    if lists.sort(ctx, collection.items, ascending) is None:
        return None
    return collection


@register(C, "sortKey", max_args=1, forms=METHOD, returns=COLLECTION)
def sort_key(ctx, collection, ascending=True):
    """Sort a key collection by key in place and return it; mixed keys give null."""
    mapping = collection.as_map()
    pairs = _sorted_pairs(ctx, list(mapping.items()), 0, ascending)
    if pairs is None:
        return None
    mapping.clear()
    mapping.update(pairs)
    return collection


@register(C, "intersect", min_args=1, forms=METHOD, returns=LIST)
def intersect(ctx, collection, other):
    """Return the common elements (or common pairs) as a LIST (or map)."""
    if _is_map(collection):
        theirs = maps.pairs_of(other, "intersect")
        return {
            key: value
            for key, value in collection.items.items()
            if key in theirs and equals(theirs[key], value)
        }
    others = lists.elements_of(other, "intersect")
    result = lists.common(collection.items, others)
    ctx.check_work(len(collection.items) + len(others))
    return result


# Conversions -----------------------------------------------------------------


def _text_to_collection(ctx, text: str) -> Collection:
    """Read key-value text as a key collection, and other text as an index one.

    ``{company:Zoho}`` is lenient JSON and gives a key collection.
    ``{company, Zoho}`` has no pairs, so the text between the braces is read
    as a list. Text without braces is split on commas, as ``for each`` does.
    """
    stripped = text.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        try:
            parsed = parse_json(ctx, stripped)
        except DelugeError:
            parsed = parse_json(ctx, "[" + stripped[1:-1] + "]")
        return Collection(parsed)
    if stripped.startswith("[") and stripped.endswith("]"):
        return Collection(parse_json(ctx, stripped))
    return Collection(text.split(",") if text else [])


@register((TEXT, LIST, MAP), "toCollection", forms=METHOD, returns=COLLECTION)
def to_collection(ctx, value):
    """Convert text, a LIST or a KEY-VALUE into a COLLECTION (a copy)."""
    if type(value) is dict:
        return Collection(dict(value))
    if isinstance(value, list):
        return Collection(list(value))
    return _text_to_collection(ctx, value)


def _indexed_elements(value) -> list:
    if type(value) is Collection:
        if _is_map(value):
            return list(value.as_map().values())
        return value.as_list()
    if type(value) is str:
        return value.split(",") if value else []
    return value


@register((COLLECTION, LIST, TEXT), "getAsString", min_args=1, forms=METHOD,
          returns=TEXT)  # fmt: skip
def get_as_string(ctx, value, index):
    """Return the element at ``index`` as text.

    Text is read as comma-separated elements, as the getAsString page's
    example shows (``"123,456,120,120.46"`` gives ``"120"`` at index 2).
    """
    items = _indexed_elements(value)
    return render(items[lists.checked_index(items, index, "getAsString")])
