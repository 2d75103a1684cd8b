"""Bounds on the work of rendering, converting and comparing Deluge values.

A few statements can build a list whose elements are the same inner list
twice, forty levels deep: a value of forty objects that renders as 2**40
elements. Anything that walks a value element by element (text, JSON, the
response) first calls ``rendered_size_exceeds``, which sizes each distinct
list or map once, so the check costs as much as the distinct values and the
walk after it is bounded by the limit.
"""

from __future__ import annotations

from runtime.errors import LimitExceeded
from runtime.values import Collection, ListKey, TypedList, type_name

# Types whose text is built from their elements.
CONTAINERS = (list, TypedList, ListKey, dict, Collection)
# Characters of a value shown in an error message.
PREVIEW_CHARACTERS = 40


def rendered_size_exceeds(value: object, limit: int) -> bool:
    """Tell whether the text of ``value`` has more than ``limit`` characters.

    The size is a lower bound (text lengths, one per element and separator).
    Each distinct list or map is sized once and its size reused wherever it
    appears again, so the work grows with the number of distinct values, not
    with the expanded size. A list that contains itself has no finite text
    and always exceeds the limit.
    """
    return _rendered_size(value, limit) > limit


def _rendered_size(value: object, limit: int) -> int:
    """Return the lower-bound size of ``value``, or ``limit + 1`` past the limit."""
    if type(value) not in CONTAINERS:
        return _leaf_size(value)
    over = limit + 1
    sizes: dict[int, int] = {}
    # Containers whose children are being sized: the ancestors of the top.
    active: set[int] = set()
    stack = [value]
    while stack:
        item = stack[-1]
        key = id(item)
        if key in sizes:
            stack.pop()
            continue
        children = _children(item)
        if key not in active:
            active.add(key)
            for child in children:
                if type(child) in CONTAINERS:
                    if id(child) in active:
                        return over
                    if id(child) not in sizes:
                        stack.append(child)
            continue
        total = _own_size(item)
        for child in children:
            if type(child) in CONTAINERS:
                total += sizes[id(child)]
            else:
                total += _leaf_size(child)
            if total > limit:
                total = over
                break
        sizes[key] = total
        active.discard(key)
        stack.pop()
    return sizes[id(value)]


def _children(item) -> list:
    kind = type(item)
    if kind is dict:
        return [*item.keys(), *item.values()]
    if kind is Collection:
        return [item.items]
    return item


def _own_size(item) -> int:
    kind = type(item)
    if kind is dict:
        return 1 + 2 * len(item)
    if kind is Collection:
        return 1
    return 1 + len(item)


def _leaf_size(item) -> int:
    return len(item) if type(item) is str else 4


def check_rendered_size(value: object, limit: int) -> None:
    """Raise the text-length limit if the text of ``value`` would pass ``limit``."""
    if type(value) in CONTAINERS and rendered_size_exceeds(value, limit):
        raise LimitExceeded("text length", f"{limit} characters")


def preview(value: object) -> str:
    """Return the start of the text of ``value`` for an error message."""
    from runtime.text import to_text

    if type(value) in CONTAINERS and rendered_size_exceeds(value, 1000):
        return f"a {type_name(value)} value too large to show"
    return to_text(value)[:PREVIEW_CHARACTERS]
