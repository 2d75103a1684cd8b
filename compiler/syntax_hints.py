"""Name the mistake behind a syntax error, so the message can give the fix.

``compiler.lalr`` calls ``name_mistake`` with each syntax error it finds.
The function sets ``problem.hint`` (a key of ``compiler.parser._HINTS``) and
may move the position to the token that is wrong, such as the end of the
line that lacks a ``;``. A problem with no hint keeps the generic message.
"""

from __future__ import annotations

from compiler import nodes as n
from compiler.lexer import Token

# The end-of-text terminal of the parse table, as compiler.lalr names it.
END = "$END"

# Statements of other languages that scripts try: `while (...) {`.
_NO_SUCH_STATEMENTS = ("while", "switch", "do", "finally", "elseif")
# Statements of Zoho Creator forms, by their first word, as named in errors.
_CREATOR_STATEMENTS = {"cancel": "cancel submit", "hide": "hide", "show": "show",
                       "enable": "enable", "disable": "disable",
                       "delete": "delete from"}  # fmt: skip
# Return types that start a function definition.
_RETURN_TYPES = {"void", "string", "text", "int", "bigint", "long", "float",
                 "decimal", "bool", "boolean", "date", "datetime", "map", "list",
                 "collection"}  # fmt: skip
# `a and b`, `a or b`: word forms Deluge has as `&&` and `||`.
_WORD_OPERATORS = {"and": "&&", "or": "||"}


def _word(value) -> str | None:
    """Return the lower-cased word of a NAME token or call node, else None."""
    if value.__class__ is Token:
        return value.value.lower() if value.type == "NAME" else None
    if value.__class__ is n.Call or value.__class__ is n.Name:
        return value.name.lower()
    return None


def _is_functions(value) -> bool:
    """Tell whether ``value`` is the function definitions parsed so far."""
    if value.__class__ is n.FunctionDef:
        return True
    children = getattr(value, "children", None)
    return bool(children) and children[0].__class__ is n.FunctionDef


def _after_dot(values: list) -> bool:
    """Tell whether the last value is the NAME of an unreduced ``a.name``."""
    if len(values) < 2:
        return False
    dot = values[-2]
    return dot.__class__ is Token and dot.type == "DOT"


def _end_of(token) -> tuple[int, int]:
    """Return the line and column just after ``token``."""
    text = token.value
    newlines = text.count("\n")
    if newlines:
        return token.line + newlines, len(text) - text.rindex("\n")
    return token.line, token.column + len(text)


def name_mistake(problem, recovery) -> None:
    """Set the hint and the position of ``problem`` from the parser state.

    ``recovery`` is the parse that failed: its ``values`` stack, the first
    value of the broken statement and the text after a token.
    """
    token = problem.token
    previous = problem.previous
    expected = problem.expected
    if expected == [END, "NAME"] and token.type != "NAME":
        # After a function definition only another one may follow.
        problem.hint = "outside function"
        return
    if len(recovery.values) == 2 and _is_functions(recovery.values[0]):
        problem.hint = "outside function"
        problem.line, problem.column = previous.line, previous.column
        return
    start = recovery.statement_start()
    word = _word(start)
    kind = token.type
    values = recovery.values
    second_word = (values and values[-1] is start and kind == "NAME") or (
        len(values) >= 2
        and values[-2] is start
        and values[-1] is previous
        and previous.type == "NAME"
    )
    if word in _CREATOR_STATEMENTS and second_word:
        # `cancel submit;`, `hide Field;`, `delete from Form[...]`
        problem.hint = "creator statement"
        problem.start = _CREATOR_STATEMENTS[word]
        problem.line, problem.column = start.line, start.column
        return
    if (
        kind == "NAME"
        and token.value.lower() in ("sort", "range")
        and previous.type == "RSQB"
    ):
        # `Form[criteria] sort by Field` or `... range from 1 to 10`
        problem.hint = "creator query"
        return
    if _word(previous) == "else" and previous.type == "NAME" and start is previous:
        # `else` at the start of a statement: no `if` block ends before it.
        problem.hint = "stray else"
        problem.line, problem.column = previous.line, previous.column
    elif kind == "ELSE":
        # A second `else` after an `else` block.
        problem.hint = "stray else"
    elif word in _NO_SUCH_STATEMENTS and kind == "LBRACE":
        problem.hint = word
        problem.line, problem.column = start.line, start.column
    elif previous.type == "FOR" and kind == "LPAR":
        problem.hint = "c for"
        problem.line, problem.column = previous.line, previous.column
    elif (
        kind == "NAME"
        and start is previous
        and previous.type == "NAME"
        and previous.value.lower() in _RETURN_TYPES
    ):
        # `map helper(...) {` after statements of a bare body, or
        # `string name = "x";` there.
        after = recovery.next_char(token)
        problem.hint = "declaration" if after == "=" else "late function"
        problem.start = previous
        problem.previous = token
        problem.line, problem.column = previous.line, previous.column
    elif (
        kind == "EQUAL"
        and start.__class__ is Token
        and start.type == "NAME"
        and previous.type == "NAME"
        and start is not previous
        and len(values) >= 2
        and values[-2] is start
        and values[-1] is previous
    ):
        # `string name = "x";`: a typed declaration, as in Java.
        problem.hint = "declaration"
        problem.start = start
        problem.line, problem.column = start.line, start.column
    elif kind == "EQUAL" and any(
        v.__class__ is Token and v.type == "EQUAL" for v in recovery.values[-3:]
    ):
        # `x = y = 1;`
        problem.hint = "chained assignment"
    elif kind == "EQUAL" and (
        start.__class__ is n.Member or _after_dot(recovery.values)
    ):
        # `m.key = 1;` or Creator's `input.Field = 1;`
        problem.hint = "member assignment"
        problem.line, problem.column = token.line, token.column
    elif (
        "IN" in expected
        and "NAME" not in expected
        and kind != "NAME"
        and previous.value.lower() != "index"
    ):
        # `for each x of list`: the word after the variable is wrong.
        problem.hint = "for each word"
        problem.line, problem.column = previous.line, previous.column
    elif kind == "NAME" and token.value.lower() in _WORD_OPERATORS:
        problem.hint = token.value.lower()
    elif "SEMICOLON" in expected:
        line, column = _end_of(previous)
        if kind == END or token.line > line or kind == "RBRACE":
            # The `;` is missing at the end of the line before the token,
            # or before the `}` that closes the block.
            problem.hint = "missing semicolon"
            problem.line, problem.column = line, column
    elif kind == END:
        problem.hint = "incomplete"
        problem.line, problem.column = _end_of(previous)
