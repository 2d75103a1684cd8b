"""Parse Deluge text into ``compiler.nodes`` with the one LALR parser of the process.

Lark builds the LALR table of ``deluge.lark``; ``compiler.lalr`` drives it
with ``compiler.lexer`` and calls ``compiler.builder.TreeBuilder`` on every
reduction, so no parse tree is built. After a syntax error the parser
recovers and goes on, so one parse reports every independent syntax error.
"""

from __future__ import annotations

import functools
from pathlib import Path

from lark import Lark

from compiler.builder import TreeBuilder
from compiler.diagnostics import SYNTAX, WARNING, Diagnostic
from compiler.lalr import END, LalrParser, SyntaxProblem
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
def _shared_parser() -> tuple[LalrParser, TreeBuilder]:
    builder = TreeBuilder()
    lark = Lark(
        GRAMMAR_PATH.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="basic",
        transformer=builder,
        maybe_placeholders=True,
    )
    return LalrParser(lark), builder


def get_parser() -> LalrParser:
    """Return the parser of the process, built on first use."""
    return _shared_parser()[0]


class ParseResult:
    def __init__(self, tree, diagnostics: list[Diagnostic], lines: list[str]):
        self.tree = tree  # list of FunctionDef or of statements, or None
        self.diagnostics = diagnostics
        self.lines = lines


def parse(source: str, max_depth: int = 100) -> ParseResult:
    """Parse ``source``; on syntax errors ``tree`` is None and diagnostics say why."""
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
    parser, builder = _shared_parser()
    findings = builder.findings
    findings.errors = []
    findings.warnings = []
    try:
        tree, problems = parser.parse(scanned.text)
    except RecursionError:
        diagnostics.append(diagnostic(1, 1, _too_deep(max_depth)))
        return ParseResult(None, diagnostics, lines)
    errors = {(p.line, p.column, _describe(p)) for p in problems}
    errors.update(findings.errors)
    for line, column, message in sorted(errors):
        diagnostics.append(diagnostic(line, column, message))
    for line, column, message in findings.warnings:
        diagnostics.append(diagnostic(line, column, message, WARNING))
    if errors:
        tree = None
    return ParseResult(tree, diagnostics, lines)


def _too_deep(max_depth: int) -> str:
    return (
        f"The script nests expressions deeper than {max_depth} levels; "
        "split it into smaller expressions"
    )


# Messages for syntax errors that name a known mistake (SyntaxProblem.hint).
_HINTS = {
    "stray else": "'else' without a matching 'if': an 'else' must follow the "
    "closing '}' of an 'if' or 'else if' block",
    "while": "Deluge has no 'while' loop; loop over a list with "
    "'for each item in list' and leave it with 'break'",
    "do": "Deluge has no 'do' loop; loop over a list with 'for each item in list'",
    "switch": "Deluge has no 'switch' statement; write 'if' and 'else if' blocks",
    "elseif": "'elseif' is not a Deluge keyword; write 'else if'",
    "finally": "Deluge has no 'finally' block; write its statements after the "
    "'catch' block",
    "c for": "Deluge has no C-style 'for' loop; write 'for each item in list' "
    "or 'for each index i in list'",
    "outside function": "Statement outside a function: a script that defines "
    "functions must keep every statement inside a function body",
    "late function": "A function definition cannot follow statements: write "
    "the script as a body only, or put every statement inside a function",
    "chained assignment": "Unexpected token found '=': Deluge assigns one "
    "variable per statement; write each assignment as its own statement",
    "member assignment": "Unexpected token found '=': Deluge assigns only to "
    'variables; set a map key with m.put("key", value)',
    "and": "Unexpected token found 'and': Deluge writes 'and' as '&&'",
    "or": "Unexpected token found 'or': Deluge writes 'or' as '||'",
}


def _describe(problem: SyntaxProblem) -> str:
    token = problem.token
    if token is None:
        if problem.char == "?":
            return (
                "Unexpected token found '?': Deluge has no '?:' operator; "
                "write if(condition, value1, value2)"
            )
        return f"Unexpected character found '{problem.char}'"
    found = "'<EOF>'" if token.type == END else f"'{token}'"
    if problem.hint == "missing semicolon":
        if token.line == problem.line and token.type != END:
            return f"Improper statement: missing ';' before {found}"
        after = (
            "the script ends"
            if token.type == END
            else f"found {found} on line {token.line}"
        )
        return (
            "Improper statement: missing ';' at the end of the line "
            f"(expecting ';' but {after})"
        )
    if problem.hint == "creator statement":
        return (
            f"'{problem.start}' is a Zoho Creator statement and is not "
            "available in this product"
        )
    if problem.hint == "creator query":
        return (
            f"'{token} ...' belongs to a Zoho Creator record query, which is not "
            "available in this product"
        )
    if problem.hint == "for each word":
        return (
            f"Expecting 'in' or 'index' after 'for each' but found '{problem.previous}'"
        )
    if problem.hint == "declaration":
        word, name = problem.start, problem.previous
        return (
            f"Deluge has no typed variable declarations; write '{name} = ...' "
            f"without '{word}'"
        )
    if problem.hint == "incomplete":
        return f"Incomplete statement: the script ends after '{problem.previous}'"
    if problem.hint:
        return _HINTS[problem.hint]
    if "IN" in problem.expected:
        # Only a `for each` header takes `in`.
        return f"Expecting 'in' but found {found}"
    expected = sorted(_TERMINAL_TEXT.get(t, f"'{t.lower()}'") for t in problem.expected)
    if len(expected) == 1:
        return f"Expecting {expected[0]} but found {found}"
    if "';'" in expected:
        return f"Improper statement: expecting ';' but found {found}"
    return f"Unexpected token found {found}"
