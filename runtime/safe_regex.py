"""Regular expressions from scripts, bounded by the invocation's wall time.

Deluge takes Java regular expressions. The ``regex`` package reads the same
syntax for everything scripts commonly use (classes, quantifiers, possessive
and atomic groups, ``\\p{..}``, inline flags). ``translate_java`` rewrites
the two Java forms it lacks, ``\\Q...\\E`` and ``\\k<name>``. The package's
``timeout=`` argument stops a catastrophic backtrack such as ``(a|aa)+$``.
Each call gets the time left until ``ctx.deadline``, and a timeout becomes
``LimitExceeded``, which a script's try/catch cannot swallow.
"""

from __future__ import annotations

import functools
import time

import regex

from runtime.errors import DelugeError, LimitExceeded

# Patterns longer than this are rejected before compiling, because compile
# time and memory grow with the pattern.
MAX_PATTERN_LENGTH = 10_000
# Characters with a meaning in a Java pattern outside a character class.
_JAVA_SPECIAL = regex.compile(r"[\\^$.|?*+()\[\]{}]")


def translate_java(pattern: str) -> str:
    """Rewrite the Java-only parts of a pattern into ``regex`` syntax.

    ``\\Q...\\E`` quotes literal text and ``\\k<name>`` refers back to a
    named group. Everything else is passed through unchanged.
    """
    if "\\" not in pattern:
        return pattern
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char != "\\" or index + 1 >= len(pattern):
            parts.append(char)
            index += 1
            continue
        escape = pattern[index + 1]
        if escape == "Q":
            end = pattern.find("\\E", index + 2)
            stop = len(pattern) if end < 0 else end
            parts.append(regex.escape(pattern[index + 2 : stop]))
            index = len(pattern) if end < 0 else end + 2
            continue
        if escape == "k" and pattern.startswith("<", index + 2):
            close = pattern.find(">", index + 3)
            if close > 0:
                parts.append(f"(?P={pattern[index + 3 : close]})")
                index = close + 1
                continue
        parts.append(pattern[index : index + 2])
        index += 2
    return "".join(parts)


@functools.lru_cache(maxsize=256)
def _compile(pattern: str, ignore_case: bool) -> regex.Pattern:
    flags = regex.VERSION0
    if ignore_case:
        flags |= regex.IGNORECASE
    return regex.compile(translate_java(pattern), flags)


def check_pattern_length(pattern: str) -> None:
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise DelugeError(
            f"The regular expression is {len(pattern)} characters long; "
            f"the maximum is {MAX_PATTERN_LENGTH}"
        )


def is_plain_text(pattern: str) -> bool:
    """Tell whether a Java pattern matches only its own characters.

    Such a pattern, for example ``"A"`` or ``", "``, finds what ``str.find``
    finds, so a replacement can skip the regular-expression engine.
    """
    return not _JAVA_SPECIAL.search(pattern)


def compile_pattern(pattern: str, ignore_case: bool = False) -> regex.Pattern:
    """Compile a script's pattern, raising ``DelugeError`` if it is invalid."""
    check_pattern_length(pattern)
    try:
        return _compile(pattern, ignore_case)
    except regex.error as error:
        raise DelugeError(f"Invalid regular expression '{pattern}': {error}") from None


def _time_left(ctx) -> float:
    remaining = ctx.deadline - time.monotonic()
    if remaining <= 0:
        _raise_timeout(ctx)
    return remaining


def _raise_timeout(ctx):
    raise LimitExceeded(
        "wall time",
        f"{ctx.limits.wall_time_seconds:g} s, reached in a regular expression",
    )


def fullmatch(ctx, pattern: regex.Pattern, text: str) -> bool:
    """Tell whether the whole of ``text`` matches, as Java's String.matches."""
    try:
        return pattern.fullmatch(text, timeout=_time_left(ctx)) is not None
    except TimeoutError:
        _raise_timeout(ctx)


def search(ctx, pattern: regex.Pattern, text: str):
    """Find the first match in ``text``, or None."""
    try:
        return pattern.search(text, timeout=_time_left(ctx))
    except TimeoutError:
        _raise_timeout(ctx)


def substitute(ctx, pattern: regex.Pattern, replace, text: str, count: int = 0):
    """Replace matches of ``pattern`` (all when ``count`` is 0).

    ``replace`` is a function of the match, so no replacement template syntax
    of Python is ever applied to script text. The inserted text is counted as
    it is produced, so a short pattern with a long replacement cannot build a
    result far past the text-length limit before the check.
    """
    limit = ctx.limits.text_length
    inserted = 0

    def counted(match) -> str:
        nonlocal inserted
        piece = replace(match)
        inserted += len(piece)
        if inserted > limit:
            raise LimitExceeded("text length", f"{limit} characters")
        return piece

    try:
        result = pattern.sub(counted, text, count=count, timeout=_time_left(ctx))
    except TimeoutError:
        _raise_timeout(ctx)
    return ctx.check_text(result)


def replace_plain(ctx, text: str, search: str, replacement: str, count: int) -> str:
    """Replace occurrences of plain ``search`` text (all when ``count`` is 0).

    The same result as ``substitute`` for a pattern that ``is_plain_text``
    accepts, with a replacement inserted as it is. The result's length is
    computed first, so an oversized result is never built.
    """
    check_pattern_length(search)
    found = text.count(search)
    if count:
        found = min(found, count)
    if len(text) + found * (len(replacement) - len(search)) > ctx.limits.text_length:
        raise LimitExceeded("text length", f"{ctx.limits.text_length} characters")
    result = text.replace(search, replacement, count or -1)
    ctx.check_work(len(result))
    return result


def java_replacement(template: str):
    """Build a replacement function from a Java replacement string.

    ``$n`` inserts group n (Java reads as many digits as still name an
    existing group), ``${name}`` a named group, and a backslash makes the
    next character literal. A ``$`` with no group after it is an error, as
    in Java.
    """
    if "$" not in template and "\\" not in template:
        return lambda match: template

    def replace(match) -> str:
        parts: list[str] = []
        index = 0
        group_count = len(match.groups())
        while index < len(template):
            char = template[index]
            if char == "\\" and index + 1 < len(template):
                parts.append(template[index + 1])
                index += 2
                continue
            if char != "$":
                parts.append(char)
                index += 1
                continue
            index += 1
            if index < len(template) and template[index] == "{":
                close = template.find("}", index)
                if close < 0:
                    raise DelugeError(
                        f"Replacement '{template}' has an unclosed '${{' group name"
                    )
                name = template[index + 1 : close]
                try:
                    parts.append(match.group(name) or "")
                except IndexError:
                    raise DelugeError(
                        f"Replacement '{template}' names no group '{name}'"
                    ) from None
                index = close + 1
                continue
            if index >= len(template) or not template[index].isdigit():
                raise DelugeError(
                    f"Replacement '{template}' has a '$' without a group number; "
                    "write '\\\\$' for a literal dollar sign"
                )
            number = int(template[index])
            if number > group_count:
                raise DelugeError(
                    f"Replacement '{template}' refers to group {number}, but the "
                    f"pattern has {group_count} group(s)"
                )
            index += 1
            while index < len(template) and template[index].isdigit():
                longer = number * 10 + int(template[index])
                if longer > group_count:
                    break
                number = longer
                index += 1
            parts.append(match.group(number) or "")
        return "".join(parts)

    return replace
