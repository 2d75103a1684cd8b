"""The in-process table of loaded programs, in front of the disk cache."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

Value = TypeVar("Value")


class ProgramTable(Generic[Value]):
    """A thread-safe table of at most ``max_entries`` values by cache key.

    Keys are content-addressed (they change whenever the code would), so an
    entry never goes stale; the least recently used entry is dropped first.
    """

    def __init__(self, max_entries: int = 4096):
        if max_entries < 1:
            raise ValueError("the program table needs room for at least one entry")
        self.max_entries = max_entries
        self._entries: OrderedDict[str, Value] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Value | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: str, value: Value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def values(self) -> list[Value]:
        """Return a snapshot of the stored values, least recently used first."""
        with self._lock:
            return list(self._entries.values())

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
