"""The Deluge runtime: values, operators, built-ins, limits and program runs.

``load_program``, ``Program``, ``RunResult``, ``ExecutionContext`` and
``Limits`` are loaded on first use, so that importing a submodule such as
``runtime.values`` does not load the whole built-in library.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "load_program": "runtime.program",
    "Program": "runtime.program",
    "RunResult": "runtime.program",
    "ExecutionContext": "runtime.context",
    "Limits": "runtime.limits",
    "DelugeError": "runtime.errors",
    "LimitExceeded": "runtime.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'runtime' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
