"""The dispatch table of Deluge built-in functions and methods.

A built-in is one Python function registered with ``@builtin``. Deluge's two
call forms reach it through this table only:

- ``value.name(args)`` becomes ``call_method(ctx, value, "name", args)``, looked
  up by the Deluge type of ``value`` and the lower-cased method name;
- ``name(value, args)`` becomes ``call_function(ctx, "name", args)``, looked up
  by name, then by the Deluge type of the first argument for built-ins that
  have both forms.

Python attribute access never happens on a name taken from a script: an
unknown (type, name) pair is a Deluge error, so a script cannot reach
``__class__`` or any other Python attribute through a method call.

The table also serves the compile-time checker: ``lookup_method`` and
``lookup_function`` return the ``Builtin`` with its argument counts and result
type, so unknown methods and wrong argument counts are reported at save time.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Callable, Iterable

from runtime.errors import DelugeError
from runtime.values import COLLECTION, LIST, MAP, Collection, type_name

ANY = "ANY"  # receiver type of methods every value has (toString, isNull, ...)

METHOD = "method"
FUNCTION = "function"
BOTH = "both"


@dataclass(frozen=True)
class Builtin:
    """One registered built-in.

    ``func`` is called as ``func(ctx, receiver, *args)`` when ``receiver_type``
    is set, and as ``func(ctx, *args)`` for function-only built-ins
    (``receiver_type`` None). ``min_args``/``max_args`` count the arguments
    after the receiver; ``max_args`` None means any number. ``returns`` is the
    Deluge type name of the result when it does not depend on the arguments.
    """

    name: str
    receiver_type: str | None
    func: Callable
    min_args: int
    max_args: int | None
    forms: str
    returns: str | None


# (receiver type, lower-case name) -> Builtin
METHODS: dict[tuple[str, str], Builtin] = {}
# lower-case name -> {receiver type or None: Builtin}
FUNCTIONS: dict[str, dict[str | None, Builtin]] = {}


def builtin(
    receiver_type: str | None,
    name: str,
    *,
    aliases: Iterable[str] = (),
    min_args: int = 0,
    max_args: int | None = -1,
    forms: str = BOTH,
    returns: str | None = None,
) -> Callable[[Callable], Callable]:
    """Register the decorated function as a Deluge built-in.

    ``max_args`` defaults to ``min_args``. ``forms`` is ``"method"``,
    ``"function"`` or ``"both"``; a built-in with no receiver type is always
    function-only. Registering the same (type, name) twice is an error, so two
    modules cannot silently replace each other's entry.
    """
    upper = min_args if max_args == -1 else max_args
    if receiver_type is None:
        forms = FUNCTION

    def register(func: Callable) -> Callable:
        for spelling in (name, *aliases):
            entry = Builtin(
                spelling, receiver_type, func, min_args, upper, forms, returns
            )
            key = spelling.lower()
            if forms in (METHOD, BOTH):
                if (receiver_type, key) in METHODS:
                    raise ValueError(f"duplicate built-in {receiver_type}.{spelling}")
                METHODS[(receiver_type, key)] = entry  # type: ignore[index]
            if forms in (FUNCTION, BOTH):
                by_type = FUNCTIONS.setdefault(key, {})
                if receiver_type in by_type:
                    raise ValueError(f"duplicate built-in function {spelling}")
                by_type[receiver_type] = entry
        return func

    return register


def lookup_method(receiver_type: str, name: str) -> Builtin | None:
    """Find the method ``name`` for a receiver of ``receiver_type``."""
    key = name.lower()
    entry = METHODS.get((receiver_type, key))
    if entry is None and receiver_type == COLLECTION:
        entry = METHODS.get((LIST, key)) or METHODS.get((MAP, key))
    if entry is None:
        entry = METHODS.get((ANY, key))
    return entry


def lookup_function(name: str) -> dict[str | None, Builtin] | None:
    """Find every registration of the function form ``name``."""
    return FUNCTIONS.get(name.lower())


def method_names(receiver_type: str) -> list[str]:
    """List the method names a receiver type accepts, for suggestions."""
    types = {receiver_type, ANY}
    if receiver_type == COLLECTION:
        types |= {LIST, MAP}
    return sorted({b.name for (t, _), b in METHODS.items() if t in types})


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """Return the closest known name to ``name``, for "did you mean" hints."""
    by_lower = {c.lower(): c for c in candidates}
    match = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.7)
    return by_lower[match[0]] if match else None


def _check_count(entry: Builtin, count: int) -> None:
    if count < entry.min_args or (
        entry.max_args is not None and count > entry.max_args
    ):
        if entry.max_args == entry.min_args:
            expected = str(entry.min_args)
        elif entry.max_args is None:
            expected = f"at least {entry.min_args}"
        else:
            expected = f"{entry.min_args} to {entry.max_args}"
        raise DelugeError(
            f"Function '{entry.name}' expects {expected} argument(s) but got {count}"
        )


def _unwrap_collection(entry: Builtin, receiver: object) -> object:
    # List and map built-ins work on the storage of a COLLECTION receiver.
    if type(receiver) is Collection and entry.receiver_type == LIST:
        return receiver.as_list()
    if type(receiver) is Collection and entry.receiver_type == MAP:
        return receiver.as_map()
    return receiver


def _spelling(name: str) -> str:
    """Return a built-in's documented spelling, such as getDay for getday.

    Call sites in generated code carry the lower-cased name, and an error
    should show the name as Zoho's pages write it.
    """
    lowered = name.lower()
    by_type = FUNCTIONS.get(lowered)
    if by_type:
        return next(iter(by_type.values())).name
    for (_, method), entry in METHODS.items():
        if method == lowered:
            return entry.name
    return name


def call_method(ctx, receiver: object, name: str, args: tuple) -> object:
    """Run ``receiver.name(*args)`` through the table."""
    receiver_type = type_name(receiver)
    entry = lookup_method(receiver_type, name)
    if entry is None:
        hint = suggest(name, method_names(receiver_type))
        message = (
            f"Function '{_spelling(name)}' is not applicable to a {receiver_type} value"
        )
        if hint:
            message += f"; did you mean '{hint}'?"
        raise DelugeError(message)
    _check_count(entry, len(args))
    return entry.func(ctx, _unwrap_collection(entry, receiver), *args)


def call_function(ctx, name: str, args: tuple) -> object:
    """Run the function form ``name(*args)`` through the table."""
    by_type = FUNCTIONS.get(name.lower())
    if by_type is None:
        hint = suggest(name, (b.name for d in FUNCTIONS.values() for b in d.values()))
        message = f"Function '{name}' is not defined"
        if hint:
            message += f"; did you mean '{hint}'?"
        raise DelugeError(message)
    entry = by_type.get(None)
    if entry is not None:
        _check_count(entry, len(args))
        return entry.func(ctx, *args)
    if not args:
        any_entry = next(iter(by_type.values()))
        raise DelugeError(f"Function '{any_entry.name}' expects a value to act on")
    receiver, rest = args[0], args[1:]
    receiver_type = type_name(receiver)
    entry = by_type.get(receiver_type) or by_type.get(ANY)
    if entry is None and receiver_type == COLLECTION:
        entry = by_type.get(LIST) or by_type.get(MAP)
    if entry is None:
        some = next(iter(by_type.values()))
        raise DelugeError(
            f"Function '{some.name}' is not applicable to a {receiver_type} value"
        )
    _check_count(entry, len(rest))
    return entry.func(ctx, _unwrap_collection(entry, receiver), *rest)
