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

A method call with no ``key: value`` argument calls a bound method
instead: a global ``bm_<i>`` that ``bind_methods`` defines when the module
is loaded, from entry ``i`` of the module's table of (receiver type or
None, argument count, method name) constants. Each is a cache of one
receiver class and its built-in, shared by the calls with that entry and
seeded from the dispatch table when the compiler knows the receiver type.
Any other receiver class is looked up in the table, and the error paths go
through ``call_method``. Built-in function calls get ``bf_<i>`` globals the
same way.
"""

from __future__ import annotations

import functools
import sys

from runtime import registry
from runtime.values import (
    BOOLEAN,
    DATETIME,
    DECIMAL,
    LIST,
    MAP,
    NUMBER,
    TEXT,
    Collection,
    type_name,
)

BOUND_PREFIX = "bm_"
BOUND_METHODS = "deluge_bound_methods"
BOUND_FUNCTION_PREFIX = "bf_"
BOUND_FUNCTIONS = "deluge_bound_functions"
# Receiver types with one Python class (DATE-TIME's is imported on use).
_PYTHON_CLASSES = {TEXT: str, NUMBER: int, DECIMAL: float, BOOLEAN: bool,
                   LIST: list, MAP: dict, DATETIME: None}  # fmt: skip

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


def can_bind(receiver_type: str | None, name: str, arity: int) -> bool:
    """Tell whether a call of ``name`` with ``arity`` arguments can be bound.

    ``name`` is lower case. It cannot for an unknown or COLLECTION receiver
    type, an unknown method, or an argument count the method does not take
    (the call then raises its error through ``call_method``).
    """
    if receiver_type not in _PYTHON_CLASSES:
        return False
    entry = registry.lookup_method(receiver_type, name)
    if entry is None or arity < entry.min_args:
        return False
    return entry.max_args is None or arity <= entry.max_args


_method_names: dict[int, frozenset] = {}


def is_method_name(name: str) -> bool:
    """Tell whether any receiver type has a method ``name`` (lower case)."""
    size = len(registry.METHODS)
    names = _method_names.get(size)
    if names is None:
        names = frozenset(key for _type, key in registry.METHODS)
        _method_names.clear()
        _method_names[size] = names
    return name in names


def bind_methods(namespace: dict) -> None:
    """Define the call-site functions the module's tables list.

    ``bm_<i>`` is for entry ``i`` of ``deluge_bound_methods``, a ``(receiver
    type or None, argument count, lower-case method name)``. ``bf_<i>`` is
    for entry ``i`` of ``deluge_bound_functions``, an ``(argument count,
    lower-case function name)``. An entry the dispatch table no longer has
    is bound to ``call_method`` or ``call_function``, which raise the usual
    error.
    """
    for index, (receiver_type, arity, name) in enumerate(
        namespace.get(BOUND_METHODS, ())
    ):
        namespace[f"{BOUND_PREFIX}{index}"] = _bind(receiver_type, name, arity)
    for index, (arity, name) in enumerate(namespace.get(BOUND_FUNCTIONS, ())):
        namespace[f"{BOUND_FUNCTION_PREFIX}{index}"] = _bind_function_site(name, arity)


def is_function_name(name: str) -> bool:
    """Tell whether ``name`` (lower case) is the function form of a built-in."""
    return name in registry.FUNCTIONS


def _bind_function_site(name: str, arity: int):
    """Return the function of the call sites of ``name`` with ``arity`` arguments.

    A function without a receiver is called directly when it takes ``arity``
    arguments. A function that dispatches on its first argument keeps a
    one-class cache, as a method call site does.
    """
    by_type = registry.FUNCTIONS.get(name) or {}
    plain = by_type.get(None)
    if plain is not None:
        func, low, high = _bound(plain)
        if not low <= arity <= high:
            return lambda ctx, *args: call_function(ctx, name, args)
        func = _without_pair_check(func)
        return lambda ctx, *args: func(ctx, *args)
    cache = (_NO_CLASS, None)

    def learn(ctx, args: tuple):
        nonlocal cache
        receiver = args[0] if args else None
        func = _resolve_function(by_type, receiver, arity) if args else None
        if func is None:
            return call_function(ctx, name, args)
        cache = (receiver.__class__, func)
        return func(ctx, *args)

    if arity == 1:

        def bound(ctx, receiver):
            cls, func = cache
            if receiver.__class__ is cls:
                return func(ctx, receiver)
            return learn(ctx, (receiver,))

    else:

        def bound(ctx, *args):
            cls, func = cache
            if args and args[0].__class__ is cls:
                return func(ctx, *args)
            return learn(ctx, args)

    return bound


def _resolve_function(by_type: dict, receiver: object, arity: int):
    if receiver.__class__ is Collection:
        return None
    try:
        receiver_type = type_name(receiver)
    except TypeError:
        return None
    entry = by_type.get(receiver_type) or by_type.get(registry.ANY)
    if entry is None:
        return None
    _func, low, high = _bound(entry)
    if not low <= arity - 1 <= high:
        return None
    return _without_pair_check(entry.func)


_NO_CLASS = object()


def _resolve(receiver: object, name: str, arity: int):
    """Return the built-in for ``receiver.name`` with ``arity`` arguments, or None.

    None sends the call to ``call_method``: for a COLLECTION or NULL
    receiver, an unknown method or a wrong argument count.
    """
    if receiver.__class__ is Collection:
        return None
    try:
        receiver_type = type_name(receiver)
    except TypeError:
        return None
    if not can_bind(receiver_type, name, arity):
        return None
    return _without_pair_check(registry.lookup_method(receiver_type, name).func)


def _bind(receiver_type: str | None, name: str, arity: int):
    """Return the function of one call site, with a one-class cache.

    The cache holds the receiver class last seen at the site and its
    built-in, as one tuple, so that threads that share the site never see a
    class with another class's built-in. A known receiver type seeds it.
    """
    cache = (_NO_CLASS, None)
    if receiver_type is not None and can_bind(receiver_type, name, arity):
        func = _without_pair_check(registry.lookup_method(receiver_type, name).func)
        cache = (_python_class(receiver_type), func)

    def learn(ctx, receiver, args: tuple):
        nonlocal cache
        func = _resolve(receiver, name, arity)
        if func is None:
            return call_method(ctx, receiver, name, args)
        cache = (receiver.__class__, func)
        return func(ctx, receiver, *args)

    if arity == 0:

        def bound(ctx, receiver):
            cls, func = cache
            if receiver.__class__ is cls:
                return func(ctx, receiver)
            return learn(ctx, receiver, ())

    elif arity == 1:

        def bound(ctx, receiver, first):
            cls, func = cache
            if receiver.__class__ is cls:
                return func(ctx, receiver, first)
            return learn(ctx, receiver, (first,))

    elif arity == 2:

        def bound(ctx, receiver, first, second):
            cls, func = cache
            if receiver.__class__ is cls:
                return func(ctx, receiver, first, second)
            return learn(ctx, receiver, (first, second))

    else:

        def bound(ctx, receiver, *args):
            cls, func = cache
            if receiver.__class__ is cls:
                return func(ctx, receiver, *args)
            return learn(ctx, receiver, args)

    return bound


@functools.cache
def _pair_check_code():
    # NOTE: this reads a private helper of runtime.builtins.support. If it
    # is renamed, bound calls keep the check and stay correct, only slower.
    from runtime.builtins import support

    make = getattr(support, "_rejecting_pairs", None)
    return None if make is None else make(lambda ctx: None, "probe").__code__


def _without_pair_check(func):
    """Return the built-in under its ``key: value`` argument check, if it has one.

    Bound calls never pass a pair: the compiler binds no call with a
    ``key: value`` argument, and no other value is a ``KeyValue``. So the
    check that rejects pairs can be skipped for them.
    """
    code = _pair_check_code()
    if code is not None and getattr(func, "__code__", None) is code:
        return func.__wrapped__
    return func


def _python_class(receiver_type: str) -> type:
    if receiver_type == DATETIME:
        from runtime.dates import DateTime

        return DateTime
    return _PYTHON_CLASSES[receiver_type]
