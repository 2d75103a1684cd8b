"""The Python model of Deluge values.

| Deluge type | Python value |
|---|---|
| TEXT | ``str`` |
| NUMBER | ``int`` (never ``bool``), kept inside signed 64 bits |
| DECIMAL | ``float`` |
| BOOLEAN | ``bool`` |
| DATE-TIME | ``runtime.dates.DateTime`` |
| LIST | ``list``, or ``TypedList`` for ``List:String()`` and the like |
| KEY-VALUE (map) | ``dict`` (insertion order is Deluge's key order) |
| COLLECTION | ``Collection`` (also the value of the literal ``{}``) |
| FILE | ``DelugeFile`` |
| NULL | ``None`` |
"""

from __future__ import annotations

from dataclasses import dataclass

from runtime.dates import DateTime

NUMBER_MIN = -(2**63)
NUMBER_MAX = 2**63 - 1

# Type names used as keys of the method dispatch table and in messages.
TEXT = "TEXT"
NUMBER = "NUMBER"
DECIMAL = "DECIMAL"
BOOLEAN = "BOOLEAN"
DATETIME = "DATE-TIME"
LIST = "LIST"
MAP = "KEY-VALUE"
COLLECTION = "COLLECTION"
FILE = "FILE"
NULL = "NULL"


class TypedList(list):
    """A list built by ``List:String()``, ``list:int()`` and the like.

    ``element_type`` is one of TEXT, NUMBER, DECIMAL, BOOLEAN, DATE-TIME; the
    built-ins that add elements convert or reject them by it.
    """

    __slots__ = ("element_type",)

    def __init__(self, element_type: str, items=()):
        super().__init__(items)
        self.element_type = element_type


class Collection:
    """A Deluge COLLECTION: list-like or map-like, decided by first use.

    ``Collection()`` and the literal ``{}`` start undecided (``kind`` is None);
    the first ``add``/``addAll``/``insert(value)`` makes it a list and the first
    ``put``/``putAll``/``insert(key: value)`` makes it a map.
    """

    __slots__ = ("items", "kind")

    def __init__(self, items: list | dict | None = None):
        if items is None:
            self.kind: str | None = None
            self.items: list | dict = []
        elif isinstance(items, dict):
            self.kind = MAP
            self.items = items
        else:
            self.kind = LIST
            self.items = list(items)

    def as_list(self) -> list:
        """Return the list storage, deciding the kind as LIST if undecided."""
        if self.kind is None:
            self.kind = LIST
            self.items = []
        if self.kind != LIST:
            from runtime.errors import DelugeError

            raise DelugeError("A key-value collection cannot be used as a list")
        return self.items  # type: ignore[return-value]

    def as_map(self) -> dict:
        """Return the map storage, deciding the kind as KEY-VALUE if undecided."""
        if self.kind is None:
            self.kind = MAP
            self.items = {}
        if self.kind != MAP:
            from runtime.errors import DelugeError

            raise DelugeError("An index collection cannot be used as a key-value map")
        return self.items  # type: ignore[return-value]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Collection):
            return self.items == other.items
        return self.items == other

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class DelugeFile:
    """A FILE value, as returned by ``invokeurl`` for a binary response."""

    name: str
    content_type: str
    content: bytes


def type_name(value: object) -> str:
    """Return the Deluge type name of a runtime value."""
    # The order matters: bool is a subclass of int.
    if value is None:
        return NULL
    cls = type(value)
    if cls is str:
        return TEXT
    if cls is bool:
        return BOOLEAN
    if cls is int:
        return NUMBER
    if cls is float:
        return DECIMAL
    if cls is dict:
        return MAP
    if cls is list or cls is TypedList or cls is ListKey:
        return LIST
    if cls is Collection:
        return COLLECTION
    if cls is DelugeFile:
        return FILE
    if cls is DateTime:
        return DATETIME
    raise TypeError(f"not a Deluge value: {cls.__name__}")


class ListKey(tuple):
    """A LIST used as a map key, held as an immutable copy of its elements.

    Zoho's map keys page builds ``{{"Creator", "CRM"} : "Products"}``. Python
    lists cannot be dict keys, so ``runtime.namespace.key_of`` stores such a
    key as a ``ListKey``, and ``as_list`` gives the list back wherever a key
    reaches the script (``keys()``, ``getKey``, ``for each``).
    """

    __slots__ = ()

    def as_list(self) -> list:
        return [item.as_list() if type(item) is ListKey else item for item in self]


def script_key(key: object) -> object:
    """Return a stored map key in the form a script gets: a ``ListKey`` as a list."""
    return key.as_list() if type(key) is ListKey else key


@dataclass(frozen=True)
class KeyValue:
    """One ``key: value`` argument of a call, as in ``Collection("a": 1)``.

    Generated code passes each such argument to a built-in as one positional
    ``KeyValue``; ``c.insert("k": v)`` reaches the built-in as
    ``(ctx, c, KeyValue("k", v))``.
    """

    key: object
    value: object
