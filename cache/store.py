"""The on-disk compile cache: signed marshal bytes in a diskcache directory."""

from __future__ import annotations

import logging
import marshal
import sqlite3
import threading
import time
import types
from dataclasses import dataclass, field
from pathlib import Path

import diskcache
from diskcache.core import MODE_RAW

from cache.directory import ensure_private_directory
from cache.signing import InvalidEntry, open_sealed, seal

logger = logging.getLogger(__name__)

# Entries stay inside the cache's SQLite file: diskcache writes values of at
# least this size to separate files, and compiled callbacks are far smaller.
INLINE_VALUE_BYTES = 64 * 1024 * 1024
DEFAULT_SIZE_LIMIT = 1024 * 1024 * 1024


class RawBytesDisk(diskcache.Disk):
    """A diskcache ``Disk`` that stores and returns only str keys and bytes.

    diskcache unpickles any value whose row has the pickle mode, so a writable
    cache file would mean code execution (CVE-2025-69872). This disk never
    pickles and never unpickles: other key or value types and other row modes
    raise.
    """

    def put(self, key):
        if type(key) is not str:
            raise TypeError(f"cache keys must be str, not {type(key).__name__}")
        return super().put(key)

    def get(self, key, raw):
        if not raw:
            raise InvalidEntry("a non-raw key is stored in the cache")
        return super().get(key, raw)

    def store(self, value, read, key=diskcache.core.UNKNOWN):
        if type(value) is not bytes or read:
            raise TypeError("cache values must be bytes")
        if len(value) >= self.min_file_size:
            raise ValueError(f"cache value of {len(value)} bytes is too large")
        return super().store(value, read, key=key)

    def fetch(self, mode, filename, value, read):
        if mode != MODE_RAW or filename is not None or read:
            raise InvalidEntry(f"cache row has mode {mode}, not raw bytes")
        return super().fetch(mode, filename, value, read)


@dataclass
class CacheStatistics:
    """Counters of one ``CodeCache``, for the status endpoint and tests."""

    hits: int = 0
    misses: int = 0
    rejected: int = 0
    stores: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + 1)

    def as_dict(self) -> dict[str, int]:
        return {
            "hits": self.hits,
            "misses": self.misses,
            "rejected": self.rejected,
            "stores": self.stores,
        }


class CodeCache:
    """Compiled code objects by cache key, signed with HMAC-SHA256.

    ``get`` returns None for a missing, unreadable, tampered or foreign entry
    and logs why; the caller then recompiles from the stored script. Nothing
    is loaded with ``marshal.loads`` before its signature is verified.
    """

    def __init__(
        self,
        directory: Path,
        signing_key: bytes,
        size_limit: int = DEFAULT_SIZE_LIMIT,
    ):
        if len(signing_key) < 32:
            raise ValueError("the cache signing key must be at least 32 bytes")
        self.directory = ensure_private_directory(Path(directory))
        self._signing_key = signing_key
        self.statistics = CacheStatistics()
        self._size_limit = size_limit
        try:
            self._cache = self._open()
        except sqlite3.DatabaseError as exc:
            # The cache only repeats what the database can rebuild, so a
            # damaged file is moved aside and an empty cache starts.
            damaged = self.directory / diskcache.core.DBNAME
            aside = damaged.with_name(f"{damaged.name}.damaged-{int(time.time())}")
            logger.error(
                "Compile cache %s is unreadable (%s); moved it to %s and "
                "started an empty cache",
                damaged,
                exc,
                aside,
            )
            damaged.rename(aside)
            for suffix in ("-wal", "-shm"):
                damaged.with_name(damaged.name + suffix).unlink(missing_ok=True)
            self._cache = self._open()

    def _open(self) -> diskcache.Cache:
        return diskcache.Cache(
            str(self.directory),
            disk=RawBytesDisk,
            disk_min_file_size=INLINE_VALUE_BYTES,
            size_limit=self._size_limit,
            eviction_policy="least-recently-stored",
        )

    def get(self, key: str) -> tuple[types.CodeType, dict] | None:
        """Return the code object and metadata stored under ``key``, or None."""
        try:
            entry = self._cache.get(key)
        except (InvalidEntry, OSError, sqlite3.Error, TypeError) as exc:
            logger.warning("Unreadable compile-cache entry %s: %s", key, exc)
            self.statistics.add("rejected")
            return None
        if entry is None:
            logger.debug("Compile-cache miss for %s", key)
            self.statistics.add("misses")
            return None
        try:
            payload = open_sealed(self._signing_key, key, entry)
            record = marshal.loads(payload)
            code = record["code"]
            metadata = record["metadata"]
            if type(code) is not types.CodeType or type(metadata) is not dict:
                raise InvalidEntry("entry does not hold a code object")
        except (InvalidEntry, ValueError, EOFError, TypeError, KeyError) as exc:
            logger.warning(
                "Rejected compile-cache entry %s (%s); it will be recompiled",
                key,
                exc,
            )
            self.statistics.add("rejected")
            self.discard(key)
            return None
        self.statistics.add("hits")
        return code, metadata

    def put(self, key: str, code: types.CodeType, metadata: dict | None = None) -> bool:
        """Store ``code`` under ``key``; return False if the write failed.

        ``metadata`` must hold only values that ``marshal`` supports (str,
        int, float, bool, None, tuples, lists and dicts of them).
        """
        record = {"code": code, "metadata": dict(metadata or {})}
        payload = marshal.dumps(record)
        try:
            self._cache.set(key, seal(self._signing_key, key, payload))
        except (OSError, sqlite3.Error, ValueError) as exc:
            logger.error("Failed to store compile-cache entry %s: %s", key, exc)
            return False
        self.statistics.add("stores")
        return True

    def discard(self, key: str) -> None:
        """Delete the entry under ``key`` if there is one."""
        try:
            self._cache.delete(key)
        except (OSError, sqlite3.Error) as exc:
            logger.warning("Failed to delete compile-cache entry %s: %s", key, exc)

    def close(self) -> None:
        self._cache.close()
