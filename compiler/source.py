"""Clean the text that real script files carry, and find lexical errors early.

The scan runs before the parser. It keeps every line and column where it was,
so positions in later messages still point into the text the user wrote:

- a byte-order mark is dropped, CRLF and CR line ends become LF;
- a no-break space, a zero-width space and other Unicode spaces between tokens
  become a plain space;
- typographic quotes used as string delimiters become ASCII quotes, with a
  warning;
- an unterminated string, an unclosed ``/*`` comment, an unbalanced bracket and
  bracket nesting past the cap are reported at the place the construct started,
  because the parser would only report the end of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Characters that stand between tokens in pasted text and mean a plain space.
_SPACES = {
    "\u00a0", "\u1680", "\u2000", "\u2001", "\u2002", "\u2003", "\u2004",
    "\u2005", "\u2006", "\u2007", "\u2008", "\u2009", "\u200a", "\u200b",
    "\u200c", "\u200d", "\u2028", "\u2029", "\u202f", "\u205f", "\u2060",
    "\u3000", "\ufeff",
}  # fmt: skip
_DOUBLE_QUOTES = {"\u201c", "\u201d", "\u201e", "\u201f", "\u00ab", "\u00bb"}
_SINGLE_QUOTES = {"\u2018", "\u2019", "\u201a", "\u201b"}
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_OPENERS = {"(": ")", "[": "]", "{": "}"}


@dataclass
class Problem:
    """A lexical error or warning found by the scan (1-based position)."""

    line: int
    column: int
    message: str
    severity: str = "error"


@dataclass
class ScanResult:
    text: str
    problems: list

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


# The characters and pairs the scan acts on; all other text is copied as is.
_SPECIAL = re.compile(
    "//|/\\*|[\"'()\\[\\]{}"
    + re.escape("".join(sorted(_DOUBLE_QUOTES | _SINGLE_QUOTES | _SPACES)))
    + "]"
)
_TYPOGRAPHIC_DOUBLE = re.escape("".join(sorted(_DOUBLE_QUOTES)))
_ASCII_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
# A string opened with a typographic quote may close with either kind.
_TYPOGRAPHIC_STRING = re.compile(
    rf'.(?:[^"\\{_TYPOGRAPHIC_DOUBLE}]|\\.)*["{_TYPOGRAPHIC_DOUBLE}]', re.DOTALL
)
_LITERAL_END = re.compile("['\n" + re.escape("".join(sorted(_SINGLE_QUOTES))) + "]")


def _where(text: str, index: int) -> tuple[int, int]:
    """Return the 1-based line and column of ``index`` in ``text``."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def scan(source: str, max_depth: int) -> ScanResult:
    """Return the cleaned text of ``source`` and the problems found in it.

    The cleaned text has the same length as ``source`` after the line ends
    are normalized, so an index means the same place in both.
    """
    source = source.removeprefix("\ufeff")
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    problems: list[Problem] = []
    stack: list[tuple[str, int]] = []
    depth_reported = False
    i = 0
    n = len(source)

    def problem(index: int, message: str, severity: str = "error") -> None:
        line, column = _where(source, index)
        problems.append(Problem(line, column, message, severity))

    while True:
        found = _SPECIAL.search(source, i)
        if found is None:
            out.append(source[i:])
            break
        j = found.start()
        if j > i:
            out.append(source[i:j])
        special = found.group()
        if special == "//":
            end = source.find("\n", j)
            end = n if end == -1 else end
            out.append(source[j:end])
            i = end
            continue
        if special == "/*":
            end = source.find("*/", j + 2)
            if end == -1:
                problem(
                    j,
                    "Comment Task is not closed properly: this '/*' has no "
                    "matching '*/'",
                )
                out.append(source[j:])
                break
            out.append(source[j : end + 2])
            i = end + 2
            continue
        ch = special
        if ch == '"' or ch in _DOUBLE_QUOTES:
            typographic = ch != '"'
            pattern = _TYPOGRAPHIC_STRING if typographic else _ASCII_STRING
            string = pattern.match(source, j)
            if string is None:
                problem(
                    j,
                    "Unterminated string: the text that starts here has no "
                    "closing '\"'",
                )
                out.append(source[j:])
                break
            end = string.end() - 1
            if typographic or source[end] != '"':
                problem(
                    j,
                    "Typographic quotes used as string delimiters; write '\"' instead",
                    "warning",
                )
            out.append('"' + source[j + 1 : end] + '"')
            i = end + 1
            continue
        if ch == "'" or ch in _SINGLE_QUOTES:
            closing = _LITERAL_END.search(source, j + 1)
            if closing is None or closing.group() == "\n":
                problem(
                    j,
                    'Unterminated date-time literal: the "\'" that starts '
                    'here has no closing "\'" on the same line',
                )
                out.append(source[j:])
                break
            end = closing.start()
            if ch != "'" or source[end] != "'":
                problem(
                    j,
                    'Typographic quotes used as literal delimiters; write "\'" instead',
                    "warning",
                )
            out.append("'" + source[j + 1 : end] + "'")
            i = end + 1
            continue
        i = j + 1
        if ch in _SPACES:
            out.append(" ")
            continue
        out.append(ch)
        if ch in _OPENERS:
            stack.append((ch, j))
            if len(stack) > max_depth and not depth_reported:
                depth_reported = True
                problem(
                    j,
                    f"Nesting is deeper than {max_depth} levels; split the "
                    "expression or block into smaller parts",
                )
        elif stack and stack[-1][0] == _CLOSERS[ch]:
            stack.pop()
        elif stack:
            opener, opened_at = stack.pop()
            line = _where(source, j)[0]
            problem(
                opened_at,
                f"Expecting '{_OPENERS[opener]}' to close this "
                f"'{opener}' but found '{ch}' at line {line}",
            )
        else:
            problem(j, f"Unexpected '{ch}' with no matching '{_CLOSERS[ch]}'")

    for opener, opened_at in stack:
        opened_line = _where(source, opened_at)[0]
        if any(p.severity == "error" and p.line > opened_line for p in problems):
            continue
        problem(
            opened_at,
            f"Expecting '{_OPENERS[opener]}' to close this '{opener}' "
            "but found '<EOF>'",
        )
    problems.sort(key=lambda p: (p.line, p.column))
    return ScanResult("".join(out), problems)
