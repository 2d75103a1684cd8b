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


def scan(source: str, max_depth: int) -> ScanResult:
    """Return the cleaned text of ``source`` and the problems found in it."""
    source = source.removeprefix("\ufeff")
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    problems: list[Problem] = []
    stack: list[tuple[str, int, int]] = []
    depth_reported = False
    line, column = 1, 1
    i, n = 0, len(source)

    def advance(text: str) -> None:
        nonlocal line, column
        for ch in text:
            if ch == "\n":
                line += 1
                column = 1
            else:
                column += 1

    while i < n:
        ch = source[i]
        nxt = source[i + 1] if i + 1 < n else ""
        if ch == "/" and nxt == "/":
            end = source.find("\n", i)
            end = n if end == -1 else end
            chunk = source[i:end]
            out.append(chunk)
            advance(chunk)
            i = end
            continue
        if ch == "/" and nxt == "*":
            end = source.find("*/", i + 2)
            if end == -1:
                problems.append(
                    Problem(
                        line,
                        column,
                        "Comment Task is not closed properly: this '/*' has no "
                        "matching '*/'",
                    )
                )
                out.append(source[i:])
                break
            chunk = source[i : end + 2]
            out.append(chunk)
            advance(chunk)
            i = end + 2
            continue
        if ch == '"' or ch in _DOUBLE_QUOTES:
            end, typographic = _string_end(source, i)
            if ch in _DOUBLE_QUOTES:
                typographic = True
            if end == -1:
                problems.append(
                    Problem(
                        line,
                        column,
                        "Unterminated string: the text that starts here has no "
                        "closing '\"'",
                    )
                )
                out.append(source[i:])
                break
            chunk = '"' + source[i + 1 : end] + '"'
            if typographic:
                problems.append(
                    Problem(
                        line,
                        column,
                        "Typographic quotes used as string delimiters; "
                        "write '\"' instead",
                        "warning",
                    )
                )
            out.append(chunk)
            advance(chunk)
            i = end + 1
            continue
        if ch == "'" or ch in _SINGLE_QUOTES:
            end = i + 1
            while end < n and source[end] != "\n":
                if source[end] == "'" or source[end] in _SINGLE_QUOTES:
                    break
                end += 1
            if end >= n or source[end] == "\n":
                problems.append(
                    Problem(
                        line,
                        column,
                        "Unterminated date-time literal: the \"'\" that starts "
                        "here has no closing \"'\" on the same line",
                    )
                )
                out.append(source[i:])
                break
            if ch != "'" or source[end] != "'":
                problems.append(
                    Problem(
                        line,
                        column,
                        "Typographic quotes used as literal delimiters; "
                        "write \"'\" instead",
                        "warning",
                    )
                )
            chunk = "'" + source[i + 1 : end] + "'"
            out.append(chunk)
            advance(chunk)
            i = end + 1
            continue
        if ch in _SPACES:
            out.append(" ")
            column += 1
            i += 1
            continue
        if ch in _OPENERS:
            stack.append((ch, line, column))
            if len(stack) > max_depth and not depth_reported:
                depth_reported = True
                problems.append(
                    Problem(
                        line,
                        column,
                        f"Nesting is deeper than {max_depth} levels; split the "
                        "expression or block into smaller parts",
                    )
                )
        elif ch in _CLOSERS:
            if stack and stack[-1][0] == _CLOSERS[ch]:
                stack.pop()
            elif stack:
                opener, o_line, o_col = stack[-1]
                problems.append(
                    Problem(
                        o_line,
                        o_col,
                        f"Expecting '{_OPENERS[opener]}' to close this "
                        f"'{opener}' but found '{ch}' at line {line}",
                    )
                )
                stack.pop()
            else:
                problems.append(
                    Problem(line, column, f"Unexpected '{ch}' with no matching "
                            f"'{_CLOSERS[ch]}'")
                )
        out.append(ch)
        advance(ch)
        i += 1

    for opener, o_line, o_col in stack:
        if any(p.severity == "error" and p.line > o_line for p in problems):
            continue
        problems.append(
            Problem(
                o_line,
                o_col,
                f"Expecting '{_OPENERS[opener]}' to close this '{opener}' "
                "but found '<EOF>'",
            )
        )
    problems.sort(key=lambda p: (p.line, p.column))
    return ScanResult("".join(out), problems)


def _string_end(source: str, start: int) -> tuple[int, bool]:
    """Find the index of the quote that closes the string opened at ``start``.

    Returns (-1, False) when the string is not closed. A string opened with
    an ASCII quote closes at the next unescaped ASCII quote; a typographic
    opening quote also accepts a typographic closing quote.
    """
    typographic_open = source[start] in _DOUBLE_QUOTES
    i = start + 1
    n = len(source)
    while i < n:
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            return i, False
        if typographic_open and ch in _DOUBLE_QUOTES:
            return i, True
        i += 1
    return -1, False
