"""A fast lexer for the Deluge grammar, plugged into Lark's LALR parser.

Lark's contextual lexer runs one regular-expression match per token and one
per run of ignored text, and builds a lexer per parser state. This lexer
matches the ignored text and the next token with a single expression built
from the terminals of ``deluge.lark``, so the patterns stay defined in the
grammar. It keeps the contextual lexer's results where they matter:

- a keyword is lexed as NAME where the parser state does not accept the
  keyword but accepts a NAME (``each = 1;`` assigns a variable);
- TASK_KEY (``url:``, ``content type:``) is tried only where the parser state
  accepts it, inside a bracket task;
- TYPED_LIST is lexed as NAME where the parser state does not accept it.

The position after the last token is kept in Lark's ``LexerState.line_ctr``,
so a new call of ``lex`` resumes where the last one stopped, as the error
recovery of ``compiler.parser`` needs.
"""

from __future__ import annotations

import re

from lark.exceptions import UnexpectedCharacters
from lark.lexer import Lexer, Token
from lark.utils import get_regexp_width

TASK_KEY = "TASK_KEY"
NAME = "NAME"
STRING = "STRING"
# Terminals that start with a letter and may stand where a NAME is lexed.
_WORD_TERMINALS = ("TYPED_LIST", "INSERT_INTO")


class DelugeLexer(Lexer):
    """One-expression lexer over the terminals of the Deluge grammar."""

    __future_interface__ = 2

    def __init__(self, lexer_conf):
        terminals = list(lexer_conf.terminals)
        by_name = {t.name: t for t in terminals}
        ignored = [by_name[name].pattern.to_regexp() for name in lexer_conf.ignore]
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
            if name in lexer_conf.ignore or name == TASK_KEY:
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
        self._tables: dict[int, tuple] = {}

    def _context(self, parse_conf) -> tuple:
        """Return the states that accept TASK_KEY and the state table itself."""
        key = id(parse_conf.parse_table)
        found = self._tables.get(key)
        if found is None:
            states = parse_conf.parse_table.states
            task_states = frozenset(s for s, row in states.items() if TASK_KEY in row)
            found = (task_states, states, parse_conf.parse_table)
            self._tables[key] = found
        return found

    def lex(self, lexer_state, parser_state):
        text_slice = lexer_state.text
        text = text_slice.text
        end = text_slice.end
        counter = lexer_state.line_ctr
        pos = counter.char_pos
        line = counter.line
        line_start = counter.line_start_pos
        task_states, states, _table = self._context(parser_state.parse_conf)
        stack = parser_state.state_stack
        keywords = self.keywords
        names = self.names
        match = self.pattern.match
        task_match = self.task_key.match
        while pos < end:
            found = match(text, pos, end)
            if found is None:
                self._fail(text, pos, end, line, line_start, counter, parser_state)
                return
            index = found.lastindex
            kind = names[index - 1]
            start = found.start(index)
            stop = found.end()
            newlines = text.count("\n", pos, start)
            if newlines:
                line += newlines
                line_start = text.rindex("\n", pos, start) + 1
            if kind == NAME or kind in _WORD_TERMINALS:
                row_state = stack[-1]
                if row_state in task_states:
                    task = task_match(text, start, end)
                    if task is not None:
                        kind = TASK_KEY
                        stop = task.end()
                if kind != TASK_KEY:
                    if kind != NAME and kind not in states[row_state]:
                        # TYPED_LIST or INSERT_INTO where the state wants a name.
                        stop = start + _name_length(text, start, end)
                        kind = NAME
                    if kind == NAME:
                        keyword = keywords.get(text[start:stop].lower())
                        if keyword is not None:
                            row = states[row_state]
                            if keyword in row or NAME not in row:
                                kind = keyword
            token = Token(kind, text[start:stop], start, line, start - line_start + 1)
            if kind == STRING and "\n" in token:
                line += token.count("\n")
                line_start = start + token.rindex("\n") + 1
            pos = stop
            counter.char_pos = pos
            counter.line = line
            counter.line_start_pos = line_start
            yield token

    def _fail(self, text, pos, end, line, line_start, counter, parser_state):
        """Raise ``UnexpectedCharacters`` at the first character after ``pos``."""
        bad = self.skip.match(text, pos, end).end()
        if bad >= end:
            return
        newlines = text.count("\n", pos, bad)
        if newlines:
            line += newlines
            line_start = text.rindex("\n", pos, bad) + 1
        counter.char_pos = bad
        counter.line = line
        counter.line_start_pos = line_start
        counter.column = bad - line_start + 1
        raise UnexpectedCharacters(
            text, bad, line, bad - line_start + 1, state=parser_state
        )


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _name_length(text: str, start: int, end: int) -> int:
    return _NAME.match(text, start, end).end() - start
