"""Parse Deluge text into ``compiler.nodes`` with the one LALR parser of the process.

Lark runs the LALR parser with ``compiler.lexer.DelugeLexer`` and calls
``compiler.builder.TreeBuilder`` on every reduction, so no parse tree is
built. After a syntax error the parser recovers and goes on, so one parse
reports every independent syntax error (see ``_Recovery``).
"""

from __future__ import annotations

import functools
from pathlib import Path

from lark import Lark, Token
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)

from compiler.builder import TreeBuilder
from compiler.diagnostics import SYNTAX, WARNING, Diagnostic
from compiler.lexer import DelugeLexer
from compiler.source import scan

GRAMMAR_PATH = Path(__file__).with_name("deluge.lark")
# Syntax errors reported for one text before the parser gives up; past a few,
# later ones are mostly follow-on errors of the first.
MAX_SYNTAX_ERRORS = 20

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
def _shared_parser() -> tuple[Lark, TreeBuilder]:
    builder = TreeBuilder()
    parser = Lark(
        GRAMMAR_PATH.read_text(encoding="utf-8"),
        parser="lalr",
        lexer=DelugeLexer,
        transformer=builder,
        maybe_placeholders=True,
    )
    return parser, builder


def get_parser() -> Lark:
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
    recovery = _Recovery()
    tree = None
    try:
        tree = parser.parse(scanned.text, on_error=recovery.on_error)
    except UnexpectedInput as exc:
        recovery.record(exc)
    except RecursionError:
        diagnostics.append(diagnostic(1, 1, _too_deep(max_depth)))
        return ParseResult(None, diagnostics, lines)
    errors = sorted(set(recovery.errors) | set(findings.errors))
    for line, column, message in errors:
        diagnostics.append(diagnostic(line, column, message))
    for line, column, message in findings.warnings:
        diagnostics.append(diagnostic(line, column, message, WARNING))
    if errors:
        tree = None
    return ParseResult(tree, diagnostics, lines)


class _Recovery:
    """Panic-mode recovery for Lark's ``on_error``: skip the broken statement.

    After an error the parser state stack is cut back to the innermost state
    where a statement may start, and input is skipped to the end of the
    broken statement: past the next ``;``, or up to the ``}`` that closes the
    enclosing block, or past a whole ``{ ... }`` block that the statement
    opened (with any ``else`` parts after it). Parsing then resumes.
    """

    def __init__(self):
        self.errors: list[tuple[int, int, str]] = []
        # The exceptions themselves, not their ids: an id can be reused once
        # an exception is freed.
        self._recorded: list[UnexpectedInput] = []

    def record(self, exc: UnexpectedInput) -> None:
        if any(seen is exc for seen in self._recorded):
            return
        self._recorded.append(exc)
        self.errors.append((exc.line or 1, exc.column or 1, _describe(exc)))

    def on_error(self, exc: UnexpectedInput) -> bool:
        self.record(exc)
        if len(self.errors) >= MAX_SYNTAX_ERRORS:
            return False
        interactive = exc.interactive_parser
        if interactive is None:
            return False
        if isinstance(exc, UnexpectedToken):
            if exc.token.type == "$END":
                return False
            first = [exc.token]
        else:
            first = []
        return self._resume(interactive, first)

    def _resume(self, interactive, first: list) -> bool:
        state = interactive.parser_state
        table = state.parse_conf.parse_table.states
        while True:
            stack = state.state_stack
            values = state.value_stack
            keep = len(stack) - 1
            while keep >= 0 and "statement" not in table[stack[keep]]:
                keep -= 1
            if keep < 0:
                return False
            # Braces of the broken statement that are still open, as in
            # `m = {"a": 1,, "b": 2};`: their `}` is skipped too.
            open_literals = sum(
                1 for v in values[keep:] if isinstance(v, Token) and v.type == "LBRACE"
            )
            del stack[keep + 1 :]
            del values[keep:]
            pending = self._skip(interactive, first, open_literals)
            if pending is None:
                return True
            try:
                interactive.feed_token(pending)
                return True
            except UnexpectedToken as again:
                self.record(again)
                if len(self.errors) >= MAX_SYNTAX_ERRORS:
                    return False
                # A '}' the enclosing block does not take is dropped; any
                # other token starts the next statement to skip.
                first = [] if pending.type == "RBRACE" else [pending]

    def _skip(self, interactive, first: list, open_literals: int):
        """Consume the broken statement; return a token to feed again, or None."""
        lexer_state = interactive.lexer_thread.state
        blocks = 0
        block_closed = False
        for token in _tokens(interactive, first):
            lexer_state.last_token = token
            kind = token.type
            if block_closed:
                # The popped state may take `else` as a NAME.
                if kind in ("ELSE", "NAME") and token.lower() == "else":
                    block_closed = False
                    continue
                return token
            if kind == "LBRACE":
                blocks += 1
            elif kind == "RBRACE":
                if blocks:
                    blocks -= 1
                    block_closed = blocks == 0 and open_literals == 0
                elif open_literals:
                    open_literals -= 1
                else:
                    return token
            elif kind == "SEMICOLON" and not blocks and not open_literals:
                return None
        return None


def _tokens(interactive, first: list):
    """Yield ``first``, then the tokens after the lexer's position.

    An unexpected character while skipping is stepped over, because the
    statement it is in has already been reported.
    """
    yield from first
    lexer_thread = interactive.lexer_thread
    counter = lexer_thread.state.line_ctr
    while True:
        try:
            yield from lexer_thread.lex(interactive.parser_state)
            return
        except UnexpectedCharacters as exc:
            position = exc.pos_in_stream
            counter.feed(lexer_thread.state.text.text[position : position + 1])


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
