"""The lexer of the Deluge grammar: one regular expression for all terminals.

The expression matches the ignored text (spaces, comments) and the next token
in one call, and is built from the terminal patterns of ``deluge.lark``, so
the patterns stay defined in the grammar. Where the token depends on the
parser state, the lexer reads the state on top of the parser's stack, as
Lark's contextual lexer would:

- a keyword is lexed as NAME where the state does not accept the keyword but
  accepts a NAME (``each = 1;`` assigns a variable);
- TASK_KEY (``url:``, ``content type:``) is tried only where the state
  accepts it, inside a bracket task;
- TYPED_LIST and INSERT_INTO are lexed as NAME where the state does not
  accept them.
"""

from __future__ import annotations

import re

from lark.utils import get_regexp_width

TASK_KEY = "TASK_KEY"
NAME = "NAME"
STRING = "STRING"
# Terminals that start with a letter and may stand where a NAME is lexed.
_WORD_TERMINALS = ("TYPED_LIST", "INSERT_INTO")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Token:
    """One token: its terminal name, its text and its 1-based position."""

    __slots__ = ("column", "line", "type", "value")

    def __init__(self, kind: str, value: str, line: int, column: int):
        self.type = kind
        self.value = value
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r}, {self.line}, {self.column})"


class LexError(Exception):
    """No terminal matches the text at ``position``."""

    def __init__(self, position: int, line: int, line_start: int, char: str):
        super().__init__(f"unexpected character {char!r} at line {line}")
        self.position = position
        self.line = line
        self.line_start = line_start
        self.column = position - line_start + 1
        self.char = char


class DelugeLexer:
    """Tokens of a text, for the terminals of one Lark grammar and parse table."""

    def __init__(self, terminals, ignore, states: dict):
        by_name = {t.name: t for t in terminals}
        ignored = [by_name[name].pattern.to_regexp() for name in ignore]
        self.keywords: dict[str, str] = {}
        alternatives = []
        ordered = sorted(
            terminals,
            key=lambda t: (
                -t.priority,
                -get_regexp_width(t.pattern.to_regexp())[1],
                -len(t.pattern.value),
                t.name,
            ),
        )
        for terminal in ordered:
            name = terminal.name
            if name in ignore or name == TASK_KEY:
                continue
            regexp = terminal.pattern.to_regexp()
            if terminal.priority == 2 and re.fullmatch(regexp, name.lower()):
                # A one-word keyword: lexed as NAME, then looked up.
                self.keywords[name.lower()] = name
                continue
            alternatives.append((name, regexp))
        self.names = [name for name, _ in alternatives]
        # Atomic, so that a failed token match cannot give back part of a
        # comment and lex its tail as tokens.
        skip = "(?>(?:" + "|".join(ignored) + ")*)"
        tokens = "|".join(f"({regexp})" for _, regexp in alternatives)
        self.pattern = re.compile(f"{skip}(?:{tokens})")
        self.skip = re.compile(skip)
        if self.pattern.groups != len(alternatives):
            raise ValueError(
                "a terminal pattern of deluge.lark has a capturing group; "
                "write it with (?:...)"
            )
        self.task_key = re.compile(by_name[TASK_KEY].pattern.to_regexp())
        self.states = states
        self.task_states = frozenset(s for s, row in states.items() if TASK_KEY in row)

    def tokens(
        self, text: str, stack: list, pos: int = 0, line: int = 1, line_start: int = 0
    ):
        """Yield the tokens of ``text`` from ``pos``, reading the parser's ``stack``.

        Raises ``LexError`` where no terminal matches.
        """
        end = len(text)
        states = self.states
        task_states = self.task_states
        keywords = self.keywords
        names = self.names
        match = self.pattern.match
        task_match = self.task_key.match
        while pos < end:
            found = match(text, pos)
            if found is None:
                bad = self.skip.match(text, pos).end()
                if bad >= end:
                    return
                newlines = text.count("\n", pos, bad)
                if newlines:
                    line += newlines
                    line_start = text.rindex("\n", pos, bad) + 1
                raise LexError(bad, line, line_start, text[bad])
            index = found.lastindex
            kind = names[index - 1]
            start = found.start(index)
            stop = found.end()
            newlines = text.count("\n", pos, start)
            if newlines:
                line += newlines
                line_start = text.rindex("\n", pos, start) + 1
            if kind == NAME or kind in _WORD_TERMINALS:
                state = stack[-1]
                if state in task_states:
                    task = task_match(text, start)
                    if task is not None:
                        kind = TASK_KEY
                        stop = task.end()
                if kind != TASK_KEY:
                    if kind != NAME and kind not in states[state]:
                        stop = _NAME.match(text, start).end()
                        kind = NAME
                    if kind == NAME:
                        keyword = keywords.get(text[start:stop].lower())
                        if keyword is not None:
                            row = states[state]
                            if keyword in row or NAME not in row:
                                kind = keyword
            value = text[start:stop]
            yield Token(kind, value, line, start - line_start + 1)
            if kind == STRING and "\n" in value:
                line += value.count("\n")
                line_start = start + value.rindex("\n") + 1
            pos = stop
