"""The Deluge compiler: parse, check, lower to a Python ``ast`` module, compile.

``compile_function`` is the publish-time entry point; see docs/design.md.
"""

from __future__ import annotations

from compiler.diagnostics import (
    ERROR,
    SEMANTIC,
    SYNTAX,
    WARNING,
    CompileError,
    Diagnostic,
)
from compiler.pipeline import CompileResult, compile_function

__all__ = [
    "ERROR",
    "SEMANTIC",
    "SYNTAX",
    "WARNING",
    "CompileError",
    "CompileResult",
    "Diagnostic",
    "compile_function",
]
