"""Parse Deluge text into ``compiler.nodes`` with the one LALR parser of the process."""

from __future__ import annotations

import functools
from pathlib import Path

from lark import Lark
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from compiler.builder import BuildError, TreeBuilder
from compiler.diagnostics import SYNTAX, WARNING, Diagnostic
from compiler.source import scan

GRAMMAR_PATH = Path(__file__).with_name("deluge.lark")

# Terminal names shown in messages as the text they stand for.
_TERMINAL_TEXT = {
    "SEMICOLON": "';'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "COLON": "':'",
    "DOT": "'.'",
    "EQUAL": "'='",
    "NAME": "a name",
    "STRING": "a text",
    "INT": "a number",
    "TASK_KEY": "a 'key:' line",
    "$END": "the end of the script",
}


@functools.cache
def get_parser() -> Lark:
    """Build the parser once per process."""
    return Lark(
        GRAMMAR_PATH.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
    )


class ParseResult:
    def __init__(self, tree, diagnostics: list[Diagnostic], lines: list[str]):
        self.tree = tree  # list of FunctionDef or of statements, or None
        self.diagnostics = diagnostics
        self.lines = lines


def parse(source: str, max_depth: int = 100) -> ParseResult:
    """Parse ``source``; on a syntax error ``tree`` is None and a diagnostic says why."""
    scanned = scan(source, max_depth)
    lines = scanned.text.split("\n")

    def diagnostic(line, column, message, severity="error"):
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return Diagnostic(line, column, message, SYNTAX, severity, text)

    diagnostics = [
        diagnostic(p.line, p.column, p.message, p.severity) for p in scanned.problems
    ]
    if not scanned.ok:
        return ParseResult(None, diagnostics, lines)
    try:
        lark_tree = get_parser().parse(scanned.text)
    except UnexpectedInput as exc:
        diagnostics.append(diagnostic(exc.line or 1, exc.column or 1, _describe(exc)))
        return ParseResult(None, diagnostics, lines)
    builder = TreeBuilder()
    try:
        tree = builder.transform(lark_tree)
    except VisitError as exc:
        error = exc.orig_exc
        if isinstance(error, BuildError):
            diagnostics.append(diagnostic(error.line, error.column, error.message))
            return ParseResult(None, diagnostics, lines)
        if isinstance(error, RecursionError):
            diagnostics.append(diagnostic(1, 1, _too_deep(max_depth)))
            return ParseResult(None, diagnostics, lines)
        raise
    except RecursionError:
        diagnostics.append(diagnostic(1, 1, _too_deep(max_depth)))
        return ParseResult(None, diagnostics, lines)
    for line, column, message in builder.warnings:
        diagnostics.append(diagnostic(line, column, message, WARNING))
    return ParseResult(tree, diagnostics, lines)


def _too_deep(max_depth: int) -> str:
    return (
        f"The script nests expressions deeper than {max_depth} levels; "
        "split it into smaller expressions"
    )


def _describe(exc: UnexpectedInput) -> str:
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        if token.type == "$END":
            found = "'<EOF>'"
        else:
            found = f"'{token}'"
        expected = sorted(_TERMINAL_TEXT.get(t, f"'{t.lower()}'") for t in exc.expected)
        if len(expected) == 1:
            return f"Expecting {expected[0]} but found {found}"
        if "';'" in expected:
            return f"Improper statement: expecting ';' but found {found}"
        return f"Unexpected token found {found}"
    if isinstance(exc, UnexpectedCharacters):
        return f"Unexpected character found '{exc.char}'"
    if isinstance(exc, UnexpectedEOF):
        return "Expecting more text but found '<EOF>'"
    return str(exc)
