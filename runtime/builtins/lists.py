"""LIST built-ins. Indexes are 0-based and out-of-range indexes are errors.

Elements are compared as Deluge's ``==`` compares them (``2 == 2.0``, but the
number 1 and the text "1" differ). Functions that add elements to a typed
list (``List:Int()`` and the like) convert or reject each element by the
list's element type.
"""

from __future__ import annotations

from runtime.builtins.support import describe, int_arg, register, render
from runtime.context import check_running_work
from runtime.dates import DateTime
from runtime.errors import DelugeError
from runtime.operators import equals
from runtime.registry import METHOD
from runtime.values import (
    BOOLEAN,
    DATETIME,
    LIST,
    NUMBER,
    Collection,
    ListKey,
    TypedList,
    type_name,
)

L = (LIST,)


def _element(ctx, items, value):
    """Return ``value`` as an element of ``items``, converted for a typed list."""
    if type(items) is not TypedList:
        return value
    if items.element_type == DATETIME and type(value) is int:
        # Zoho's typed-list page: a bare number in a date-time list counts
        # milliseconds since the epoch.
        return DateTime.from_epoch_ms(value, ctx.tz)
    from runtime.namespace import convert_element

    return convert_element(ctx, items.element_type, value)


def elements_of(value, function: str) -> list:
    if type(value) is Collection:
        return list(value.items)
    if isinstance(value, list):
        return value
    raise DelugeError(f"{function}: expected a list, got {describe(value)}")


def checked_index(items, index, function: str) -> int:
    position = int_arg(index, function, "index")
    if not items:
        raise DelugeError(
            f"{function}: index {position} is out of range because the list "
            "is empty; check its size() first"
        )
    if not 0 <= position < len(items):
        raise DelugeError(
            f"{function}: index {position} is out of range for a list of "
            f"{len(items)} element(s); use 0 to {len(items) - 1}"
        )
    return position


def find_index(items, value, reverse: bool = False) -> int:
    """Return the index of the first (or last) element equal to ``value``."""
    positions = range(len(items) - 1, -1, -1) if reverse else range(len(items))
    for position in positions:
        if equals(items[position], value):
            check_running_work(position)
            return position
    check_running_work(len(items))
    return -1


_IN_PROGRESS = object()


class EqualityKeys:
    """Hashable keys under which values equal by ``==`` collide, for one call.

    Used by ``distinct``, ``intersect`` and ``removeAll`` so they stay linear
    on long lists. Each distinct list or map gets a number once, from the
    keys of its elements, and its key is that number. So a value that contains
    the same inner list at many places costs as much as its distinct lists,
    not its expanded size, and hashing a key never walks nested tuples. A
    list that contains itself is keyed by its identity where it recurs.
    """

    def __init__(self):
        self._numbers: dict[int, object] = {}
        self._structures: dict[tuple, int] = {}

    def key(self, value) -> object:
        kind = type(value)
        if kind is bool:
            return ("BOOLEAN", value)
        if kind is int or kind is float:
            return ("NUMBER", value)
        if kind is str:
            return ("TEXT", value)
        if value is None:
            return ("NULL",)
        if kind is Collection:
            value = value.items
            kind = type(value)
        if kind is list or kind is TypedList or kind is ListKey or kind is dict:
            return ("VALUE", self._number(value))
        if kind is DateTime:
            # A date equals the same instant with a time (as ``==`` compares them).
            return ("DATETIME", value)
        return (type_name(value), render(value))

    def _number(self, container) -> object:
        identity = id(container)
        number = self._numbers.get(identity)
        if number is _IN_PROGRESS:
            return ("SELF", identity)
        if number is not None:
            return number
        self._numbers[identity] = _IN_PROGRESS
        key = self.key
        if type(container) is dict:
            structure: tuple = (
                "MAP",
                frozenset((key(k), key(v)) for k, v in container.items()),
            )
        else:
            structure = ("LIST", tuple(key(item) for item in container))
        number = self._structures.setdefault(structure, len(self._structures))
        self._numbers[identity] = number
        return number


@register(L, "get", min_args=1, forms=METHOD, returns=None)
def get(ctx, items, index):
    return items[checked_index(items, index, "get")]


@register(L, "add", min_args=1, forms=METHOD, returns=None)
def add(ctx, items, value):
    """Append one element; a list argument becomes one nested element."""
    ctx.check_size(len(items) + 1)
    items.append(_element(ctx, items, value))


@register(L, "addAll", min_args=1, forms=METHOD, returns=None)
def add_all(ctx, items, other):
    others = elements_of(other, "addAll")
    ctx.check_size(len(items) + len(others))
    items.extend([_element(ctx, items, value) for value in others])


@register(L, "insert", min_args=1, max_args=2, forms=METHOD, returns=None)
def insert(ctx, items, first, second=None):
    """Insert ``value`` at ``index`` with two arguments, or append with one."""
    ctx.check_size(len(items) + 1)
    if second is None:
        items.append(_element(ctx, items, first))
        return
    position = int_arg(first, "insert", "index")
    if not 0 <= position <= len(items):
        raise DelugeError(
            f"insert: index {position} is out of range; use 0 to {len(items)}"
        )
    items.insert(position, _element(ctx, items, second))


@register(L, "remove", min_args=1, forms=METHOD, returns=None)
def remove(ctx, items, index):
    """Remove the element at ``index`` and return it."""
    return items.pop(checked_index(items, index, "remove"))


@register(L, "removeElement", min_args=1, forms=METHOD, returns=None)
def remove_element(ctx, items, value):
    """Remove the first element equal to ``value``; absent values are ignored."""
    position = find_index(items, _element(ctx, items, value))
    if position >= 0:
        del items[position]


@register(L, "removeAll", min_args=1, forms=METHOD, returns=None)
def remove_all(ctx, items, other):
    """Remove every element that is equal to an element of ``other``."""
    key = EqualityKeys().key
    unwanted = {key(value) for value in elements_of(other, "removeAll")}
    items[:] = [item for item in items if key(item) not in unwanted]
    ctx.check_work(len(items) + len(unwanted))


@register(L, "clear", forms=METHOD, returns=None)
def clear(ctx, items):
    items.clear()


@register(L, "size", forms=METHOD, returns=NUMBER)
def size(ctx, items):
    return len(items)


@register(L, "contains", min_args=1, returns=BOOLEAN)
def contains(ctx, items, value):
    return find_index(items, value) >= 0


@register(L, "notContains", min_args=1, returns=BOOLEAN)
def not_contains(ctx, items, value):
    return find_index(items, value) < 0


@register(L, "indexOf", min_args=1, forms=METHOD, returns=NUMBER)
def index_of(ctx, items, value):
    return find_index(items, value)


@register(L, "lastIndexOf", min_args=1, forms=METHOD, returns=NUMBER)
def last_index_of(ctx, items, value):
    return find_index(items, value, reverse=True)


def _sort_group(value) -> str | None:
    kind = type(value)
    if kind is int or kind is float:
        return "number"
    if kind is str:
        return "text"
    if kind is bool:
        return "boolean"
    if kind is DateTime:
        return "date"
    return None


@register(L, "sort", max_args=1, forms=METHOD, returns=LIST)
def sort(ctx, items, ascending=True):
    """Sort the list in place and return it; mixed element types give null.

    Zoho's sort task pages write ``sports_list.sort(true);`` as a statement
    with an optional result variable, so the list itself is sorted. Text
    sorts by code point, so capitals come before small letters.
    """
    if type(ascending) is not bool:
        raise DelugeError(
            f"sort: the order must be true or false, got {describe(ascending)}"
        )
    groups = {_sort_group(item) for item in items}
    if len(groups) > 1 or None in groups:
        return None
    items.sort(reverse=not ascending)
    ctx.check_work(len(items))
    return items


@register(L, "distinct", forms=METHOD, returns=LIST)
def distinct(ctx, items):
    """Return the first occurrence of each value, in order."""
    result = _distinct(items, EqualityKeys().key)
    ctx.check_work(len(items))
    return result


def _distinct(items, key):
    seen = set()
    result = []
    for item in items:
        item_key = key(item)
        if item_key not in seen:
            seen.add(item_key)
            result.append(item)
    return TypedList(items.element_type, result) if type(items) is TypedList else result


@register(L, "subList", min_args=1, max_args=2, forms=METHOD, returns=LIST)
def sub_list(ctx, items, start, end=None, name="subList"):
    """Return elements from ``start`` (inclusive) to ``end`` (exclusive)."""
    first = int_arg(start, name, "start index")
    last = len(items) if end is None else int_arg(end, name, "end index")
    if first < 0 or first > len(items):
        raise DelugeError(
            f"{name}: start index {first} is out of range for a list of "
            f"{len(items)} element(s)"
        )
    if last > len(items):
        raise DelugeError(
            f"{name}: end index {last} is past the end of a list of "
            f"{len(items)} element(s)"
        )
    if last < first:
        raise DelugeError(f"{name}: end index {last} is before start index {first}")
    result = items[first:last]
    return TypedList(items.element_type, result) if type(items) is TypedList else result


@register(L, "intersect", min_args=1, forms=METHOD, returns=LIST)
def intersect(ctx, items, other):
    """Return the receiver's distinct elements that ``other`` also contains."""
    others = elements_of(other, "intersect")
    result = common(items, others)
    ctx.check_work(len(items) + len(others))
    return result


def common(items, others) -> list:
    """Return the distinct elements of ``items`` that are equal to one of ``others``."""
    key = EqualityKeys().key
    expected = {key(value) for value in others}
    return [item for item in _distinct(items, key) if key(item) in expected]
