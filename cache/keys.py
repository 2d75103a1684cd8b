"""Cache keys that cover everything that changes the generated code."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Iterable

# Bump when the layout of a cache entry changes.
CACHE_FORMAT = 1


def cache_key(
    kind: str,
    function_id: int,
    version: int,
    dependencies: Iterable[tuple[int, int]],
    compiler_version: str,
    source_digest: str = "",
) -> str:
    """Build the key of one compiled function version.

    ``dependencies`` are the (global function id, version) pairs the code
    reached when it was compiled. ``source_digest`` is a hash of the script and
    signature of the version, so two saves that raced for one version number
    never share an entry. The Python bytecode magic number is part of
    the key, so an interpreter upgrade never loads bytecode of another version.
    """
    material = json.dumps(
        {
            "kind": kind,
            "id": function_id,
            "version": version,
            "dependencies": sorted([int(i), int(v)] for i, v in dependencies),
            "compiler": compiler_version,
            "source": source_digest,
            "python": importlib.util.MAGIC_NUMBER.hex(),
            "format": CACHE_FORMAT,
        },
        sort_keys=True,
    )
    digest = hashlib.sha256(material.encode("utf-8")).hexdigest()
    return f"{kind}-{function_id}-v{version}-{digest[:40]}"
