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
        text, column = _excerpt(self.source_line, self.column)
        # Tabs before the column stay tabs, so the caret lines up in a terminal.
        caret = "".join("\t" if c == "\t" else " " for c in text[: column - 1])
        return f"{head}\n    {text}\n    {caret}^"


# Characters of a long source line shown before and after the column.
_EXCERPT_BEFORE = 60
_EXCERPT_AFTER = 40


def _excerpt(line: str, column: int) -> tuple[str, int]:
    """Return the part of ``line`` shown around ``column`` and the column in it.

    A line longer than the excerpt is cut to the text around the column,
    with "..." where text was left out.
    """
    if len(line) <= _EXCERPT_BEFORE + _EXCERPT_AFTER:
        return line, column
    start = max(column - 1 - _EXCERPT_BEFORE, 0)
    end = min(column - 1 + _EXCERPT_AFTER, len(line))
    prefix = "..." if start else ""
    suffix = "..." if end < len(line) else ""
    return prefix + line[start:end] + suffix, column - start + len(prefix)


class CompileError(Exception):
    """Raised by callers that want an exception for a failed compile."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity == ERROR]
        super().__init__("; ".join(str(d) for d in errors) or "compile failed")
