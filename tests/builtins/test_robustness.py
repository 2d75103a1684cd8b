"""Call every built-in with odd values: only Deluge errors may come out.

Any other exception would reach the script's caller as an internal error,
so each built-in must turn bad input into a ``DelugeError`` (or a
``LimitExceeded``) that names the problem.
"""

import itertools
import math

import pytest

import runtime.namespace  # noqa: F401 - fills the dispatch table
from runtime.context import ExecutionContext
from runtime.dates import parse_literal
from runtime.errors import DelugeError, LimitExceeded
from runtime.limits import Limits
from runtime.registry import ANY, FUNCTIONS, METHODS, lookup_method
from runtime.values import (
    COLLECTION,
    LIST,
    MAP,
    Collection,
    DelugeFile,
    KeyValue,
    TypedList,
    type_name,
)

CTX = ExecutionContext()
SAMPLES = [
    None,
    "",
    "abc",
    "12",
    "01-Jan-2020 10:00:00",
    0,
    -1,
    2**63 - 1,
    1.5,
    math.inf,
    True,
    [1, "a"],
    TypedList("NUMBER", [1, 2]),
    {"k": 1},
    Collection(),
    Collection({"k": 1}),
    parse_literal(CTX, "31-Jan-2020"),
    DelugeFile("f.txt", "text/plain", b"data"),
    KeyValue("k", 1),
]


def _entries():
    seen = set()
    entries = [entry for (_, _), entry in METHODS.items()]
    entries += [entry for by_type in FUNCTIONS.values() for entry in by_type.values()]
    for entry in entries:
        if entry.func.__module__.endswith(".web") or id(entry.func) in seen:
            continue
        seen.add(id(entry.func))
        yield entry


ENTRIES = sorted(_entries(), key=lambda entry: (entry.name, str(entry.receiver_type)))


def _accepts(entry, value) -> bool:
    """Tell whether the dispatch table would hand ``value`` to ``entry``."""
    if type(value) is KeyValue:
        return False
    kind = type_name(value)
    if entry.receiver_type in (ANY, kind):
        return True
    return kind == COLLECTION and entry.receiver_type in (LIST, MAP)


def _copy(value):
    if type(value) is list:
        return list(value)
    if type(value) is TypedList:
        return TypedList(value.element_type, value)
    if type(value) is dict:
        return dict(value)
    if type(value) is Collection:
        return Collection(value.items.copy()) if value.kind else Collection()
    return value


@pytest.mark.parametrize(
    "entry", ENTRIES, ids=[f"{e.receiver_type}.{e.name}" for e in ENTRIES]
)
def test_builtin_raises_only_deluge_errors(entry):
    ctx = ExecutionContext(limits=Limits(wall_time_seconds=5, text_length=100_000))
    if entry.receiver_type is None:
        receivers = [None]
    else:
        receivers = [value for value in SAMPLES if _accepts(entry, value)]
    high = entry.max_args if entry.max_args is not None else entry.min_args + 1
    counts = range(entry.min_args, min(high, entry.min_args + 1) + 1)
    for receiver in receivers:
        for sample in SAMPLES:
            for count in counts:
                args = tuple(_copy(sample) for _ in range(count))
                try:
                    if entry.receiver_type is None:
                        entry.func(ctx, *args)
                    else:
                        target = _copy(receiver)
                        if type(target) is Collection and entry.receiver_type == LIST:
                            target = target.as_list()
                        elif type(target) is Collection and entry.receiver_type == MAP:
                            target = target.as_map()
                        entry.func(ctx, target, *args)
                except (DelugeError, LimitExceeded):
                    pass
                except Exception as error:  # noqa: BLE001 - the point of the test
                    pytest.fail(
                        f"{entry.name}({receiver!r}, {args!r}) raised "
                        f"{type(error).__name__}: {error}"
                    )


MIXED = [None, "x", "05-Mar-2019", -3, 2.5, [1], {"k": 1}, True]


@pytest.mark.parametrize(
    "entry",
    [e for e in ENTRIES if e.max_args is None or e.max_args >= 2],
    ids=[
        f"{e.receiver_type}.{e.name}"
        for e in ENTRIES
        if e.max_args is None or e.max_args >= 2
    ],
)
def test_builtin_mixed_arguments(entry):
    ctx = ExecutionContext(limits=Limits(wall_time_seconds=5, text_length=100_000))
    if entry.receiver_type is None:
        receivers = [None]
    else:
        receivers = [value for value in MIXED if _accepts(entry, value)]
    for receiver in receivers:
        for first, second in itertools.product(MIXED, repeat=2):
            args = (first, second)[: max(entry.min_args, 2)]
            try:
                if entry.receiver_type is None:
                    entry.func(ctx, *args)
                else:
                    entry.func(ctx, _copy(receiver), *args)
            except (DelugeError, LimitExceeded):
                pass
            except Exception as error:  # noqa: BLE001 - the point of the test
                pytest.fail(
                    f"{entry.name}({receiver!r}, {args!r}) raised "
                    f"{type(error).__name__}: {error}"
                )


EDGE_DATES = [
    parse_literal(CTX, "01-Jan-0001 00:00:00"),
    parse_literal(CTX, "31-Dec-9999 23:59:59"),
    "01-Jan-0001",
    "31-Dec-9999 23:59:59",
]
EDGE_ARGUMENTS = [1, -1, 13, -13, 100_000, -100_000, 2**40, "Monday", *EDGE_DATES]


@pytest.mark.parametrize(
    "entry",
    [e for e in ENTRIES if e.receiver_type in ("DATE-TIME", "TEXT")],
    ids=[
        f"{e.receiver_type}.{e.name}"
        for e in ENTRIES
        if e.receiver_type in ("DATE-TIME", "TEXT")
    ],
)
def test_builtin_at_the_calendar_edges(entry):
    ctx = ExecutionContext(limits=Limits(wall_time_seconds=5, text_length=100_000))
    receivers = [value for value in EDGE_DATES if _accepts(entry, value)]
    count = max(entry.min_args, 1 if entry.max_args != 0 else 0)
    for receiver in receivers:
        for sample in EDGE_ARGUMENTS:
            args = (sample,) * count
            try:
                entry.func(ctx, receiver, *args)
            except (DelugeError, LimitExceeded):
                pass
            except Exception as error:  # noqa: BLE001 - the point of the test
                pytest.fail(
                    f"{entry.name}({receiver!r}, {args!r}) raised "
                    f"{type(error).__name__}: {error}"
                )


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
@pytest.mark.parametrize("name", ["toString", "toText", "toDateTimeString"])
def test_formatting_at_the_calendar_edges_in_far_zones(name, zone):
    ctx = ExecutionContext(limits=Limits(wall_time_seconds=5, text_length=100_000))
    for receiver in [*EDGE_DATES, 253402300799999, -62135596800000]:
        entry = lookup_method(type_name(receiver), name)
        assert entry is not None, name
        try:
            entry.func(ctx, receiver, "yyyy-MM-dd HH:mm", zone)
        except (DelugeError, LimitExceeded):
            pass
        except Exception as error:  # noqa: BLE001 - the point of the test
            pytest.fail(f"{name}({receiver!r}, {zone}) raised {error!r}")
