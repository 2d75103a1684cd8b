"""Compile diagnostics: the errors and warnings shown to the person who saves a script."""

from __future__ import annotations

from dataclasses import dataclass

SYNTAX = "syntax"
SEMANTIC = "semantic"
ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One error or warning at a Deluge line and column (both 1-based)."""

    line: int
    column: int
    message: str
    kind: str = SYNTAX
    severity: str = ERROR
    source_line: str = ""
    function: str | None = None

    def __str__(self) -> str:
        where = f" in function '{self.function}'" if self.function else ""
        return f"{self.message}{where} (Line no: {self.line})"

    def format(self, filename: str) -> str:
        """Render as ``FILE:LINE:COL: error: message`` with the line and a caret."""
        head = f"{filename}:{self.line}:{self.column}: {self.severity}: {self.message}"
        if self.function:
            head += f" (in function '{self.function}')"
        if not self.source_line:
            return head
        caret = " " * (self.column - 1) + "^"
        return f"{head}\n    {self.source_line}\n    {caret}"


class CompileError(Exception):
    """Raised by callers that want an exception for a failed compile."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity == ERROR]
        super().__init__("; ".join(str(d) for d in errors) or "compile failed")
