"""Cached dispatch of built-in calls from generated code.

``call_method`` and ``call_function`` here have the signatures and results
of the ones in ``runtime.registry``, which they wrap. The first call of a
method name on a Python class looks the built-in up in the registry's table
and keeps ``(function, minimum, maximum argument count)`` for that
``(class, name)`` pair; later calls skip the type-name and table lookups.
Every error path (an unknown name, a wrong argument count, a COLLECTION
receiver that must be unwrapped) goes to the registry's function, so the
messages stay the same. The cache is dropped when the table changes size,
as when a built-in is registered or removed.
"""

from __future__ import annotations

import sys

from runtime import registry
from runtime.values import Collection, type_name

# Pairs kept at most; beyond it calls still work, through the slow path.
_MAX_ENTRIES = 4096

_methods: dict[tuple[type, str], tuple] = {}
_plain_functions: dict[str, tuple] = {}
_receiver_functions: dict[tuple[str, type], tuple] = {}
_table_sizes = [-1, -1]


def _current() -> bool:
    """Drop the cache if the registry's tables changed; True if it is valid."""
    sizes = [len(registry.METHODS), len(registry.FUNCTIONS)]
    if sizes != _table_sizes:
        _methods.clear()
        _plain_functions.clear()
        _receiver_functions.clear()
        _table_sizes[:] = sizes
        return False
    return True


def _bound(entry: registry.Builtin) -> tuple:
    high = sys.maxsize if entry.max_args is None else entry.max_args
    return entry.func, entry.min_args, high


def call_method(ctx, receiver: object, name: str, args: tuple) -> object:
    """Run ``receiver.name(*args)``; ``name`` is lower case."""
    bound = _methods.get((receiver.__class__, name))
    if bound is not None and len(registry.METHODS) == _table_sizes[0]:
        func, low, high = bound
        if low <= len(args) <= high:
            return func(ctx, receiver, *args)
    elif _bind_method(receiver, name):
        return call_method(ctx, receiver, name, args)
    return registry.call_method(ctx, receiver, name, args)


def _bind_method(receiver: object, name: str) -> bool:
    _current()
    cls = receiver.__class__
    if cls is Collection or len(_methods) >= _MAX_ENTRIES:
        return False
    try:
        receiver_type = type_name(receiver)
    except TypeError:
        return False
    entry = registry.lookup_method(receiver_type, name)
    if entry is None:
        return False
    _methods[(cls, name)] = _bound(entry)
    return True


def call_function(ctx, name: str, args: tuple) -> object:
    """Run the function form ``name(*args)``; ``name`` is lower case."""
    if len(registry.FUNCTIONS) == _table_sizes[1]:
        plain = _plain_functions.get(name)
        if plain is not None:
            func, low, high = plain
            if low <= len(args) <= high:
                return func(ctx, *args)
            return registry.call_function(ctx, name, args)
        if args:
            bound = _receiver_functions.get((name, args[0].__class__))
            if bound is not None:
                func, low, high = bound
                if low <= len(args) - 1 <= high:
                    return func(ctx, *args)
                return registry.call_function(ctx, name, args)
    if _bind_function(name, args):
        return call_function(ctx, name, args)
    return registry.call_function(ctx, name, args)


def _bind_function(name: str, args: tuple) -> bool:
    _current()
    by_type = registry.FUNCTIONS.get(name)
    if by_type is None or len(_plain_functions) + len(_receiver_functions) >= (
        _MAX_ENTRIES
    ):
        return False
    entry = by_type.get(None)
    if entry is not None:
        _plain_functions[name] = _bound(entry)
        return True
    if not args:
        return False
    cls = args[0].__class__
    if cls is Collection:
        return False
    try:
        receiver_type = type_name(args[0])
    except TypeError:
        return False
    entry = by_type.get(receiver_type) or by_type.get(registry.ANY)
    if entry is None:
        return False
    _receiver_functions[(name, cls)] = _bound(entry)
    return True
