"""The namespace generated code runs in: runtime helpers and nothing else.

Generated modules see only the names in ``build_namespace()``. No helper name
starts with ``v_``, the prefix of every Deluge variable, so a script can never
shadow one. ``__builtins__`` is an explicit mapping of the two functions the
lowering emits (``len``, ``range``); ``getattr``, ``type``, ``eval``, ``open``,
``__import__`` and the rest are absent.
"""

from __future__ import annotations

import runtime.builtins  # noqa: F401  (fills the dispatch table)
from runtime import operators
from runtime.dates import DateTime
from runtime.dispatch import call_function, call_method
from runtime.errors import DelugeError, LimitExceeded
from runtime.limits import Limits
from runtime.registry import lookup_function
from runtime.text import to_text
from runtime.value_size import (
    CONTAINERS,
    check_rendered_size,
    preview,
    rendered_size_exceeds,
)
from runtime.values import (
    BOOLEAN,
    COLLECTION,
    DATETIME,
    DECIMAL,
    LIST,
    MAP,
    NUMBER,
    NUMBER_MAX,
    NUMBER_MIN,
    TEXT,
    Collection,
    KeyValue,
    ListKey,
    TypedList,
    script_key,
    type_name,
)

# Type names a typed list or a declaration may use, by Deluge type.
TYPE_ALIASES = {
    "string": TEXT,
    "text": TEXT,
    "int": NUMBER,
    "integer": NUMBER,
    "bigint": NUMBER,
    "long": NUMBER,
    "number": NUMBER,
    "float": DECIMAL,
    "decimal": DECIMAL,
    "double": DECIMAL,
    "bool": BOOLEAN,
    "boolean": BOOLEAN,
    "date": DATETIME,
    "datetime": DATETIME,
    "time": DATETIME,
    "list": LIST,
    "map": MAP,
    "collection": COLLECTION,
}


def info(ctx, value: object) -> None:
    """Capture one ``info`` line; past the ``info_bytes`` cap, drop it with a note.

    Zoho Creator truncates info output at 500 KB per run with a note; this
    does the same at the configured cap.
    """
    room = ctx.limits.info_bytes - ctx.info_bytes
    if type(value) in CONTAINERS and rendered_size_exceeds(value, room):
        # Too large for the room left, so it is dropped without being built.
        text, size = "", room + 1
    else:
        text = to_text(value)
        size = len(text.encode("utf-8")) + 1
    # Sizing or rendering a large list takes milliseconds, as a built-in does.
    ctx.check_deadline()
    if ctx.info_bytes + size > ctx.limits.info_bytes:
        if ctx.info_bytes <= ctx.limits.info_bytes:
            ctx.info_lines.append(
                f"(info output truncated at {ctx.limits.info_bytes} bytes)"
            )
            ctx.info_bytes = ctx.limits.info_bytes + 1
        return
    ctx.info_bytes += size
    ctx.info_lines.append(text)


def concat(ctx, *parts: object) -> str:
    """Join the operands of a ``+`` chain that builds TEXT, as text.

    A list or map operand whose text would pass the text-length limit raises
    before its text is built.
    """
    limit = ctx.limits.text_length
    texts = []
    for part in parts:
        cls = part.__class__
        if cls is str:
            texts.append(part)
            continue
        if cls in CONTAINERS:
            check_rendered_size(part, limit)
        texts.append(to_text(part))
    text = "".join(texts)
    if len(text) > limit:
        ctx.check_text(text)
    return text


def iterate(value: object) -> list:
    """Return what ``for each x in value`` walks: list items or comma pieces.

    A list is copied, so the loop walks the elements the list had when the
    loop started: elements the body adds are not visited, and removing one
    does not skip the next. A key-value collection gives its keys. A map is
    rejected, as the compiler rejects a map it can see.
    """
    cls = type(value)
    if cls is list or cls is TypedList:
        return value.copy()  # type: ignore[union-attr]
    if cls is str:
        return value.split(",") if value else []  # type: ignore[union-attr]
    if cls is Collection:
        items = value.items  # type: ignore[union-attr]
        if isinstance(items, dict):
            return [script_key(k) for k in items]
        return items.copy()
    if cls is dict:
        raise DelugeError(
            "'for each' cannot iterate a KEY-VALUE value; iterate its keys with "
            "'for each k in m.keys()'"
        )
    raise DelugeError(
        f"'for each' needs a LIST or a TEXT value but got a {type_name(value)} value"
    )


def indexes(value: object) -> range:
    """Return the indexes ``for each index i in value`` walks."""
    if isinstance(value, list):
        return range(len(value))
    if type(value) is Collection and not isinstance(value.items, dict):
        return range(len(value.items))
    raise DelugeError(
        f"'for each index' needs a LIST value but got a {type_name(value)} value"
    )


def make_list(ctx, *args: object) -> list:
    """``List()``, ``List("a,b")`` (split on commas) or ``List(other_list)``."""
    if not args:
        return []
    if len(args) > 1:
        raise DelugeError(f"List() expects at most 1 argument but got {len(args)}")
    (value,) = args
    if type(value) is str:
        items = value.split(",") if value else []
        ctx.check_size(len(items))
        return items
    if isinstance(value, list):
        return list(value)
    if type(value) is Collection:
        return list(value.items)
    if value is None:
        return []
    raise DelugeError(f"List() cannot make a list of a {type_name(value)} value")


def make_map(ctx, *args: object) -> dict:
    """``Map()``; a map argument is copied."""
    if not args:
        return {}
    if len(args) == 1 and type(args[0]) is dict:
        return dict(args[0])
    raise DelugeError("Map() expects no arguments")


def make_collection(ctx, *args: object) -> Collection:
    """``Collection()``, ``Collection(1, 2)`` or ``Collection("a": 1, "b": 2)``."""
    if not args:
        return Collection()
    pairs = [a for a in args if type(a) is KeyValue]
    if pairs and len(pairs) != len(args):
        raise DelugeError(
            "Collection() takes either values or key: value pairs, not both"
        )
    if pairs:
        return Collection({key_of(p.key): map_value(p.value) for p in pairs})
    return Collection(list(args))


def key_of(key: object) -> object:
    """Return ``key`` as it is stored in a map, or raise if it cannot be a key.

    Text, numbers, booleans, null and date-times are keys as they are, and a
    list is stored as a ``ListKey`` (Zoho's keys page uses one). A date
    without a time takes 00:00:00, as ``map_value`` explains.
    """
    cls = type(key)
    if cls in (str, int, float, bool, ListKey) or key is None:
        return key
    if cls is list or cls is TypedList:
        return ListKey(key_of(item) for item in key)
    return map_value(key) if cls is DateTime else _reject_key(key)


def _reject_key(key: object):
    raise DelugeError(f"A {type_name(key)} value cannot be a map key")


def map_value(value: object) -> object:
    """Return a value as a map stores it.

    Zoho's create-map and put pages: a date given without a time is stored
    with the time 00:00:00, so it renders as ``01-Jan-2019 00:00:00``.
    """
    if type(value) is DateTime and not value.has_time:
        return value.with_time(True)
    return value


def make_map_of(pairs: tuple) -> dict:
    """Build a map literal whose keys or values are computed at run time."""
    return {key_of(k): map_value(v) for k, v in pairs}


def typed_list(ctx, type_text: str, *args: object) -> TypedList:
    """``List:String({...})`` and the like: convert or reject each element."""
    element_type = TYPE_ALIASES.get(type_text.lower())
    if element_type not in (TEXT, NUMBER, DECIMAL, BOOLEAN, DATETIME):
        raise DelugeError(
            f"List:{type_text} is not a list type; use String, Int, Float, Bool or Date"
        )
    items: list = []
    for arg in args:
        items.extend(iterate(arg) if isinstance(arg, (list, Collection)) else [arg])
    ctx.check_size(len(items))
    result = TypedList(
        element_type, [convert_element(ctx, element_type, i) for i in items]
    )
    ctx.check_deadline()
    return result


def convert_element(ctx, element_type: str, value: object) -> object:
    """Convert one element for a typed list, or raise naming value and type."""
    cls = type(value)
    if element_type == TEXT:
        if cls is str:
            return value
        check_rendered_size(value, ctx.limits.text_length)
        return to_text(value)
    if element_type == NUMBER:
        if cls is int:
            return value
        if cls is str and value.strip().lstrip("-").isdigit():  # type: ignore[union-attr]
            text = value.strip()  # type: ignore[union-attr]
            if len(text) <= 20:
                number = int(text)
                if NUMBER_MIN <= number <= NUMBER_MAX:
                    return number
    elif element_type == DECIMAL:
        if cls is int or cls is float:
            return float(value)  # type: ignore[arg-type]
        if cls is str:
            try:
                return float(value)  # type: ignore[arg-type]
            except ValueError:
                pass
    elif element_type == BOOLEAN:
        if cls is bool:
            return value
        if cls is str and value.lower() in ("true", "false"):  # type: ignore[union-attr]
            return value.lower() == "true"  # type: ignore[union-attr]
    elif element_type == DATETIME:
        from runtime.dates import DateTime, parse_literal

        if cls is DateTime:
            return value
        if cls is int:
            # A bare NUMBER is epoch milliseconds, as everywhere a date-time
            # is expected.
            return DateTime.from_epoch_ms(value, ctx.tz)
        if cls is str:
            parsed = parse_literal(ctx, value)
            if parsed is not None:
                return parsed
    raise DelugeError(
        f"The value {preview(value)} cannot be an element of a list of "
        f"{element_type} values"
    )


def if_null(value: object, fallback: object) -> object:
    return fallback if value is None else value


def thrown(value: object) -> DelugeError:
    """Build the error ``throw value;`` raises: its message is the value's text."""
    # ``throw`` has no context, so the default text-length limit applies.
    check_rendered_size(value, Limits().text_length)
    return DelugeError(to_text(value))


def caught(error: DelugeError) -> dict:
    """Build the catch variable: a map with ``message`` and ``lineNo``."""
    line = error.line
    if line is None:
        traceback = error.__traceback__
        line = traceback.tb_lineno if traceback is not None else None
    return {"message": error.message, "lineNo": line}


def catch_field(value: object, name: str) -> object:
    """Read ``e.message`` or ``e.lineNo`` of a catch variable."""
    if type(value) is dict:
        for key in value:
            if type(key) is str and key.lower() == name.lower():
                return value[key]
        return None
    raise DelugeError(
        f"'.{name}' needs the error of a catch block but got a {type_name(value)} value"
    )


def date_literal(ctx, text: str) -> object:
    """Read a single-quoted literal: a DATE-TIME if it parses as one, else TEXT."""
    from runtime.dates import parse_literal

    parsed = parse_literal(ctx, text)
    return text if parsed is None else parsed


def system_value(ctx, name: str) -> object:
    """Return ``zoho.currentdate`` or ``zoho.currenttime``."""
    from runtime import dates

    if name == "currentdate":
        return dates.current_date(ctx)
    if name == "currenttime":
        return dates.current_time(ctx)
    raise DelugeError(f"zoho.{name} is not available in this product")


def invoke_url(ctx, params: dict) -> object:
    """Run an ``invokeurl`` block through ``runtime.http``."""
    from runtime import http

    return http.invoke_url(ctx, params)


def call_global(ctx, function, args: tuple) -> object:
    """Call a global function, counting it toward the nested-call limit."""
    if ctx.depth >= ctx.limits.nested_calls:
        raise LimitExceeded("nested calls", ctx.limits.nested_calls)
    ctx.depth += 1
    try:
        return function(ctx, *args)
    finally:
        ctx.depth -= 1


def number_overflow(value: int) -> int:
    return operators.check_number(value)


def text_overflow(ctx, text: str) -> str:
    return ctx.check_text(text)


def check_return_type(value: object, return_type: str | None) -> object:
    """Check a returned value against the declared type.

    NUMBER widens to DECIMAL for ``float``; ``void`` returns null; a LIST may be
    returned from any typed function, as an extension for callers that want
    one.
    """
    if return_type is None:
        return value
    declared = return_type.lower()
    if declared == "void":
        return None
    expected = TYPE_ALIASES.get(declared)
    if expected is None or value is None:
        return value
    if type(value) is Collection and expected != COLLECTION:
        value = _collection_result(value, expected)
    actual = type_name(value)
    if actual == expected or actual == LIST:
        return value
    if expected == DECIMAL and actual == NUMBER:
        return float(value)  # type: ignore[arg-type]
    raise DelugeError(
        f"Invalid return type: the function returns {return_type.upper()} "
        f"but the value is of type {actual}"
    )


def _collection_result(value: Collection, expected: str) -> object:
    """Return a COLLECTION's list or map, as the declared type is checked on it.

    An undecided ``{}`` or ``Collection()`` becomes an empty map for a
    ``map`` function and an empty list otherwise, so its JSON output is ``{}``
    where a map is declared.
    """
    if value.kind is None:
        return {} if expected == MAP else []
    return value.items


def argument_value(value: object, declared: str, parameter: str) -> object:
    """Check an argument of a global function against its parameter's type.

    ``declared`` is the parameter's type in lower case. Null passes, a
    NUMBER widens to DECIMAL for ``float``, and a COLLECTION passes for a
    ``list`` or ``map`` parameter.
    """
    expected = TYPE_ALIASES.get(declared)
    if expected is None or value is None:
        return value
    actual = type_name(value)
    if actual == expected:
        return value
    if expected == DECIMAL and actual == NUMBER:
        return float(value)  # type: ignore[arg-type]
    if actual == COLLECTION and expected in (LIST, MAP):
        return value
    if expected == COLLECTION and actual in (LIST, MAP):
        return value
    raise DelugeError(
        f"Argument '{parameter}' must be {expected} but the value is of type "
        f"{actual} ({preview(value)}); convert it before the call"
    )


# Declared return types whose values are of one Python class, for the fast
# path of ``returned``; any other value goes through check_return_type.
_RETURN_CLASSES = {
    name: {TEXT: str, NUMBER: int, DECIMAL: float, BOOLEAN: bool, MAP: dict}[kind]
    for name, kind in TYPE_ALIASES.items()
    if kind in (TEXT, NUMBER, DECIMAL, BOOLEAN, MAP)
}


def returned(value: object, return_type: str) -> object:
    """Check the value a global function returns against its declared type.

    ``return_type`` is the declared type in lower case.
    """
    if value.__class__ is _RETURN_CLASSES.get(return_type):
        return value
    return check_return_type(value, return_type)


# Names the generated code may use besides the functions it defines itself.
HELPERS = {
    "DelugeError": DelugeError,
    "KeyValue": KeyValue,
    "call_method": call_method,
    "call_function": call_function,
    "call_global": call_global,
    "info": info,
    "concat": concat,
    "iterate": iterate,
    "indexes": indexes,
    "make_list": make_list,
    "make_map": make_map,
    "make_map_of": make_map_of,
    "make_collection": make_collection,
    "Collection": Collection,
    "typed_list": typed_list,
    "if_null": if_null,
    "thrown": thrown,
    "caught": caught,
    "returned": returned,
    "argument_value": argument_value,
    "catch_field": catch_field,
    "date_literal": date_literal,
    "system_value": system_value,
    "invoke_url": invoke_url,
    "number_overflow": number_overflow,
    "text_overflow": text_overflow,
    "NUMBER_MIN": NUMBER_MIN,
    "NUMBER_MAX": NUMBER_MAX,
    "op_add": operators.add,
    "op_sub": operators.sub,
    "op_mul": operators.mul,
    "op_div": operators.div,
    "op_mod": operators.mod,
    "op_negate": operators.negate,
    "op_plus": operators.plus,
    "op_not": operators.logical_not,
    "op_eq": operators.equals,
    "op_ne": operators.not_equals,
    "op_lt": operators.less,
    "op_le": operators.less_equal,
    "op_gt": operators.greater,
    "op_ge": operators.greater_equal,
    "op_cond": operators.condition,
}

MINIMAL_BUILTINS = {"len": len, "range": range}


def build_namespace() -> dict:
    """Return a fresh namespace for executing one generated module."""
    namespace = dict(HELPERS)
    namespace["__builtins__"] = dict(MINIMAL_BUILTINS)
    return namespace


def _register_is_null() -> None:
    # isNull is part of the language summary; register it only if the
    # built-in modules have not, because registering twice raises.
    if lookup_function("isnull") is not None:
        return
    from runtime.registry import ANY, builtin

    @builtin(ANY, "isNull", returns=BOOLEAN)
    def is_null(ctx, value):
        return value is None or value == ""


_register_is_null()
