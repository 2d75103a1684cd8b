"""The compile cache: signed marshal bytes on disk, loaded programs in memory."""

from cache.directory import CacheDirectoryError, ensure_private_directory
from cache.keys import CACHE_FORMAT, cache_key
from cache.memory import ProgramTable
from cache.signing import InvalidEntry
from cache.store import CodeCache

__all__ = [
    "CACHE_FORMAT",
    "CacheDirectoryError",
    "CodeCache",
    "InvalidEntry",
    "ProgramTable",
    "cache_key",
    "ensure_private_directory",
]
