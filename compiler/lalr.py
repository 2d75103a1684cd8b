"""Run Lark's LALR(1) table for the Deluge grammar in one tight loop.

Lark builds the parse table from ``deluge.lark`` and the reduction callbacks
from ``compiler.builder.TreeBuilder`` (its ``transformer`` option), so no
parse tree is built. This module drives that table itself: the table is
turned into plain dictionaries of integers and tuples once, and lexing,
shifting and reducing run in one function. On CPython 3.11 that is about
twice as fast as Lark's own parser loop with the same table.

After a syntax error the parser recovers in panic mode and goes on, so one
parse reports every independent syntax error (see ``_Recovery``).
"""

from __future__ import annotations

import itertools

from lark import Lark
from lark.parse_tree_builder import ExpandSingleChild
from lark.parsers.lalr_analysis import Shift

from compiler.lexer import DelugeLexer, LexError, Token
from compiler.syntax_hints import name_mistake

END = "$END"
# Syntax errors reported for one text before the parser gives up; past a few,
# later ones are mostly follow-on errors of the first.
MAX_SYNTAX_ERRORS = 20


class SyntaxProblem:
    """One syntax error: the unexpected token or character and what would fit."""

    __slots__ = (
        "char",
        "column",
        "expected",
        "hint",
        "line",
        "previous",
        "start",
        "token",
    )

    def __init__(
        self, line, column, token=None, char=None, expected=(), previous=None, hint=""
    ):
        self.line = line
        self.column = column
        self.token = token
        self.char = char
        self.expected = expected
        # The last token the parser took before the unexpected one.
        self.previous = previous
        # What the statement that broke was, when it names a known mistake:
        # "missing semicolon", "incomplete", "stray else", "while", "c for",
        # and so on: the keys of compiler.parser._HINTS.
        self.hint = hint
        # The first token or node of the broken statement, where a hint
        # names it.
        self.start = None


class LalrParser:
    """The Deluge parser: Lark's table and callbacks, driven by ``parse``."""

    def __init__(self, lark: Lark):
        interactive = lark.parse_interactive("")
        conf = interactive.parser_state.parse_conf
        states = conf.parse_table.states
        self.start_state = conf.start_state
        self.end_state = conf.end_state
        # state -> {terminal: next state (int) or (size, callback, nonterminal)}
        self.actions: dict[int, dict] = {}
        # state -> {nonterminal: next state}
        self.gotos: dict[int, dict] = {}
        for state, row in states.items():
            actions = {}
            gotos = {}
            for symbol, (action, argument) in row.items():
                if action is Shift:
                    if symbol.isupper() or symbol.startswith("$"):
                        actions[symbol] = argument
                    else:
                        gotos[str(symbol)] = argument
                else:
                    rule = argument
                    size = len(rule.expansion)
                    callback = conf.callbacks[rule]
                    if size == 1 and isinstance(callback, ExpandSingleChild):
                        # A unit rule of an inlined `?rule`, such as
                        # `?add_expr: mul_expr`: its value is its child's.
                        callback = None
                    actions[symbol] = (size, callback, str(rule.origin.name))
            self.actions[state] = actions
            self.gotos[state] = gotos
        # States where a statement may start: recovery cuts the stack back
        # to one of them.
        self.statement_states = frozenset(
            s for s, gotos in self.gotos.items() if "statement" in gotos
        )
        self.lexer = DelugeLexer(lark.terminals, lark.ignore_tokens, states)

    def parse(self, text: str):
        """Return ``(value, problems)``; ``value`` is None if any problem."""
        recovery = _Recovery(self, text)
        value = recovery.run()
        return (None if recovery.problems else value), recovery.problems


class _Recovery:
    """One parse of one text, with panic-mode recovery after each error.

    After an error the state stack is cut back to the innermost state where a
    statement may start, and input is skipped to the end of the broken
    statement: past the next ``;``, or up to the ``}`` that closes the
    enclosing block, or past a whole ``{ ... }`` block that the statement
    opened (with any ``else`` parts after it). Parsing then resumes.
    """

    def __init__(self, parser: LalrParser, text: str):
        self.parser = parser
        self.text = text
        self.stack = [parser.start_state]
        self.values: list = []
        self.problems: list[SyntaxProblem] = []
        self.last = None
        # The last token shifted onto the stack.
        self.shifted = None
        # True while the rest of a reported statement is skipped: an
        # unexpected character there is not reported again.
        self.skipping = False

    def _tokens(self, pos=0, line=1, line_start=0):
        """Yield the tokens from ``pos``; an unexpected character is reported
        and stepped over."""
        while True:
            try:
                yield from self.parser.lexer.tokens(
                    self.text, self.stack, pos, line, line_start
                )
                return
            except LexError as error:
                if not self.skipping:
                    problem = SyntaxProblem(error.line, error.column, char=error.char)
                    self.report(problem)
                if self.give_up():
                    return
                pos, line, line_start = error.position + 1, error.line, error.line_start
                yield None  # the parser recovers from this point

    def report(self, problem: SyntaxProblem) -> None:
        if self.problems:
            last = self.problems[-1]
            if (last.line, last.column) == (problem.line, problem.column):
                return
        self.problems.append(problem)

    def give_up(self) -> bool:
        return len(self.problems) >= MAX_SYNTAX_ERRORS

    def run(self):
        stream = self._tokens()
        pending = None
        while True:
            token = pending if pending is not None else next(stream, END)
            pending = None
            if token is END:
                break
            if token is None:
                pending = self._recover(stream, [])
                if pending is END:
                    break
                continue
            if token.type == "EQUAL" and self._in_condition():
                # `if (a = 1 && b = 2)`: inside a condition `=` compares,
                # and the builder warns about it.
                token = Token("EQOP", "=", token.line, token.column)
            self.last = token
            if not self._feed(token):
                self.report(self._unexpected(token))
                if self.give_up():
                    return None
                pending = self._recover(stream, [token])
                if pending is END:
                    break
        if self.give_up():
            return None
        last = self.last
        line, column = (last.line, last.column) if last is not None else (1, 1)
        end = Token(END, "", line, column)
        result = self._feed(end, at_end=True)
        if result is False:
            self.report(self._unexpected(end))
            return None
        return result

    def _feed(self, token, at_end: bool = False):
        """Shift ``token`` after any reductions; False if the state rejects it."""
        actions = self.parser.actions
        gotos = self.parser.gotos
        end_state = self.parser.end_state
        stack = self.stack
        values = self.values
        kind = token.type
        while True:
            action = actions[stack[-1]].get(kind)
            if action is None:
                return False
            if action.__class__ is int:
                stack.append(action)
                values.append(token)
                self.shifted = token
                return True
            size, callback, nonterminal = action
            if callback is None:
                del stack[-1]
                stack.append(gotos[stack[-1]][nonterminal])
                if at_end and stack[-1] == end_state:
                    return values[-1]
                continue
            if size:
                children = values[-size:]
                del stack[-size:]
                del values[-size:]
            else:
                children = []
            value = callback(children)
            stack.append(gotos[stack[-1]][nonterminal])
            values.append(value)
            if at_end and stack[-1] == end_state:
                return values[-1]

    def _unexpected(self, token) -> SyntaxProblem:
        row = self.parser.actions[self.stack[-1]]
        expected = sorted(s for s in row if s.isupper() or s == END)
        previous = self.shifted
        problem = SyntaxProblem(
            token.line, token.column, token=token, expected=expected, previous=previous
        )
        if previous is not None:
            name_mistake(problem, self)
        return problem

    def next_char(self, token) -> str:
        """Return the first non-space character after ``token`` in the text."""
        lines = self.text.split("\n")
        line = lines[token.line - 1] if token.line <= len(lines) else ""
        rest = line[token.column - 1 + len(token.value) :].lstrip()
        return rest[:1]

    def _in_condition(self) -> bool:
        """Tell whether the parser is inside the parentheses after an `if`."""
        for value in reversed(self.values):
            if value.__class__ is Token:
                if value.type == "IF":
                    return True
                if value.type in ("LBRACE", "RBRACE", "SEMICOLON"):
                    return False
        return False

    def statement_start(self):
        """Return the first token or node of the statement being parsed."""
        stack = self.stack
        statement_states = self.parser.statement_states
        keep = len(stack) - 1
        while keep >= 0 and stack[keep] not in statement_states:
            keep -= 1
        if keep < 0 or keep >= len(self.values):
            return None
        return self.values[keep]

    def _recover(self, stream, first: list):
        """Cut the stack, skip the broken statement; return the next token.

        Returns None to read on from ``stream``, a token to feed next, or END
        when the text ends or too many errors were found.
        """
        while True:
            stack = self.stack
            keep = len(stack) - 1
            statement_states = self.parser.statement_states
            while keep >= 0 and stack[keep] not in statement_states:
                keep -= 1
            if keep < 0:
                return END
            # Braces of the broken statement that are still open, as in
            # `m = {"a": 1,, "b": 2};`: their `}` is skipped too.
            open_literals = sum(
                1
                for v in self.values[keep:]
                if v.__class__ is Token and v.type == "LBRACE"
            )
            del stack[keep + 1 :]
            del self.values[keep:]
            # The tokens of the broken statement are gone from the stack.
            self.shifted = None
            self.skipping = True
            try:
                pending = self._skip(stream, first, open_literals)
            finally:
                self.skipping = False
            if pending is None or pending is END:
                return pending
            if self._feed(pending):
                self.last = pending
                return None
            self.report(self._unexpected(pending))
            if self.give_up():
                return END
            # A '}' the enclosing block does not take is dropped; any other
            # token starts the next statement to skip.
            first = [] if pending.type == "RBRACE" else [pending]

    def _skip(self, stream, first: list, open_literals: int):
        blocks = 0
        parens = 0
        block_closed = False
        # itertools.chain, not a generator with `yield from`: dropping that
        # generator would close ``stream`` too.
        for token in itertools.chain(first, stream):
            if token is None:
                # An unexpected character inside the statement being skipped.
                continue
            self.last = token
            kind = token.type
            if block_closed:
                # The `else` parts and a second block after a skipped block
                # belong to the broken statement. The cut stack may take
                # `else` as a NAME, so the text is compared.
                if token.value.lower() == "else":
                    block_closed = False
                    continue
                if kind != "LBRACE":
                    return token
                block_closed = False
            if kind == "LPAR":
                # `;` inside parentheses, as in a C-style `for (i = 0; ...)`
                # header, does not end the statement.
                parens += 1
            elif kind == "RPAR":
                parens = max(parens - 1, 0)
            elif kind == "LBRACE":
                blocks += 1
            elif kind == "RBRACE":
                if blocks:
                    blocks -= 1
                    block_closed = blocks == 0 and open_literals == 0
                elif open_literals:
                    open_literals -= 1
                else:
                    return token
            elif kind == "SEMICOLON" and not (blocks or open_literals or parens):
                return None
        return END
