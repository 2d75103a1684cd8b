"""TEXT built-ins: searching, slicing, case, trimming and padding.

Indexes are 0-based. Searches are case-sensitive unless the name ends in
``IgnoreCase``. Functions that do not find their search text return -1
(index functions), null (``getPrefix``/``getSuffix``) or the text unchanged
(``remove*``, ``replace*``).
"""

from __future__ import annotations

import regex

from runtime import safe_regex
from runtime.builtins.support import (
    bool_arg,
    builtin,
    int_arg,
    register,
    render,
    text_arg,
    text_limit_error,
)
from runtime.errors import DelugeError
from runtime.registry import ANY, METHOD
from runtime.values import BOOLEAN, LIST, NUMBER, TEXT, TypedList

T = (TEXT,)


@register(T, "length", aliases=("len",), returns=NUMBER)
def length(ctx, text):
    # NOTE: this counts code points. Java, and so presumably Zoho, counts UTF-16
    # units, so a character beyond U+FFFF (an emoji) counts 1 here and 2 there.
    return len(text)


@register(T, "toUpperCase", aliases=("upper",), returns=TEXT)
def to_upper_case(ctx, text):
    return text.upper()


@register(T, "toLowerCase", aliases=("lower",), returns=TEXT)
def to_lower_case(ctx, text):
    return text.lower()


# Java's String.trim removes every character up to U+0020, so tabs and line
# breaks go as well as spaces.
_TRIMMED = "".join(chr(code) for code in range(0x21))


@register(T, "trim", returns=TEXT)
def trim(ctx, text):
    return text.strip(_TRIMMED)


@register(T, "ltrim", returns=TEXT)
def ltrim(ctx, text):
    return text.lstrip(_TRIMMED)


@register(T, "rtrim", returns=TEXT)
def rtrim(ctx, text):
    return text.rstrip(_TRIMMED)


@register(T, "contains", min_args=1, returns=BOOLEAN)
def contains(ctx, text, search):
    return text_arg(search, "contains") in text


@register(T, "notContains", min_args=1, returns=BOOLEAN)
def not_contains(ctx, text, search):
    return text_arg(search, "notContains") not in text


@register(T, "containsIgnoreCase", min_args=1, returns=BOOLEAN)
def contains_ignore_case(ctx, text, search):
    return text_arg(search, "containsIgnoreCase").lower() in text.lower()


@register(T, "startsWith", min_args=1, returns=BOOLEAN)
def starts_with(ctx, text, prefix):
    return text.startswith(text_arg(prefix, "startsWith"))


@register(T, "startsWithIgnoreCase", min_args=1, returns=BOOLEAN)
def starts_with_ignore_case(ctx, text, prefix):
    return text.lower().startswith(text_arg(prefix, "startsWithIgnoreCase").lower())


@register(T, "endsWith", min_args=1, returns=BOOLEAN)
def ends_with(ctx, text, suffix):
    return text.endswith(text_arg(suffix, "endsWith"))


@register(T, "endsWithIgnoreCase", min_args=1, returns=BOOLEAN)
def ends_with_ignore_case(ctx, text, suffix):
    return text.lower().endswith(text_arg(suffix, "endsWithIgnoreCase").lower())


def _same_ignoring_case(left: str, right: str) -> bool:
    # Character by character, as Java's equalsIgnoreCase, so "ß" and "SS"
    # stay different.
    if len(left) != len(right):
        return False
    return all(
        a == b or a.upper() == b.upper() or a.lower() == b.lower()
        for a, b in zip(left, right)
    )


@register(T, "equalsIgnoreCase", min_args=1, returns=BOOLEAN)
def equals_ignore_case(ctx, text, other):
    if other is None:
        return False
    return _same_ignoring_case(text, text_arg(other, "equalsIgnoreCase"))


@register(T, "indexOf", aliases=("find",), min_args=1, returns=NUMBER)
def index_of(ctx, text, search):
    return text.find(text_arg(search, "indexOf"))


@register(T, "lastIndexOf", min_args=1, returns=NUMBER)
def last_index_of(ctx, text, search):
    return text.rfind(text_arg(search, "lastIndexOf"))


# Zoho's pages for getPrefixIgnoreCase and the replace*IgnoreCase functions
# limit their input to 300 KB.
MAX_IGNORE_CASE_INPUT = 300 * 1024


def check_300_kb(text: str, function: str) -> None:
    if len(text) * 4 <= MAX_IGNORE_CASE_INPUT:
        return  # at most four UTF-8 bytes per character, so surely small enough
    size = len(text.encode("utf-8"))
    if size > MAX_IGNORE_CASE_INPUT:
        raise DelugeError(
            f"{function}: the text is {size} bytes; the maximum is 300 KB"
        )


def _find_ignore_case(ctx, text: str, search: str) -> tuple[int, int]:
    """Return (start, end) of the first match ignoring case, or (-1, -1).

    A literal pattern with the regex engine's case folding keeps positions in
    ``text`` exact even where lower-casing changes a length ("İ").
    """
    pattern = safe_regex.compile_pattern(regex.escape(search), ignore_case=True)
    match = safe_regex.search(ctx, pattern, text)
    return (-1, -1) if match is None else match.span()


@register(T, "getPrefix", min_args=1, returns=TEXT)
def get_prefix(ctx, text, search):
    position = text.find(text_arg(search, "getPrefix"))
    return None if position < 0 else text[:position]


@register(T, "getPrefixIgnoreCase", min_args=1, returns=TEXT)
def get_prefix_ignore_case(ctx, text, search):
    check_300_kb(text, "getPrefixIgnoreCase")
    search = text_arg(search, "getPrefixIgnoreCase")
    start, _ = _find_ignore_case(ctx, text, search)
    return None if start < 0 else text[:start]


@register(T, "getSuffix", min_args=1, returns=TEXT)
def get_suffix(ctx, text, search):
    search = text_arg(search, "getSuffix")
    position = text.find(search)
    return None if position < 0 else text[position + len(search) :]


@register(T, "getSuffixIgnoreCase", min_args=1, returns=TEXT)
def get_suffix_ignore_case(ctx, text, search):
    search = text_arg(search, "getSuffixIgnoreCase")
    _, end = _find_ignore_case(ctx, text, search)
    return None if end < 0 else text[end:]


@register(
    T, "subString", aliases=("subText", "mid"), min_args=1, max_args=2, returns=TEXT
)
def sub_string(ctx, text, start, end=None):
    """Slice from ``start`` (inclusive) to ``end`` (exclusive).

    A negative or omitted end means the rest of the text. A start or end past
    the length, a negative start and an end before the start are errors.
    """
    start = int_arg(start, "subString", "start index")
    stop = len(text) if end is None else int_arg(end, "subString", "end index")
    if stop < 0:
        stop = len(text)
    if start < 0 or start > len(text):
        raise DelugeError(
            f"subString: start index {start} is outside the text of length "
            f"{len(text)}; use 0 to {len(text)}"
        )
    if stop > len(text):
        raise DelugeError(
            f"subString: end index {stop} is past the end of the text of length "
            f"{len(text)}"
        )
    if stop < start:
        raise DelugeError(f"subString: end index {stop} is before start index {start}")
    return text[start:stop]


@builtin(TEXT, "left", min_args=1, forms=METHOD, returns=TEXT)
def left(ctx, text, count):
    count = int_arg(count, "left", "count")
    if count < 0:
        return text
    if count > len(text):
        raise DelugeError(
            f"left: count {count} is larger than the text length {len(text)}"
        )
    return text[:count]


@builtin(TEXT, "right", min_args=1, forms=METHOD, returns=TEXT)
def right(ctx, text, count):
    count = int_arg(count, "right", "count")
    if count < 0 or count > len(text):
        raise DelugeError(
            f"right: count {count} must be between 0 and the text length {len(text)}"
        )
    return text[len(text) - count :]


def _replace(ctx, function, text, search, replacement, literal, ignore_case, count):
    search = text_arg(search, function, "search text")
    replacement = text_arg(replacement, function, "replacement")
    is_literal = False if literal is None else bool_arg(literal, function, "flag")
    if not ignore_case and (
        is_literal
        or (
            safe_regex.is_plain_text(search)
            and "$" not in replacement
            and "\\" not in replacement
        )
    ):
        return safe_regex.replace_plain(ctx, text, search, replacement, count)
    if is_literal:
        pattern = safe_regex.compile_pattern(regex.escape(search), ignore_case)
        replace = lambda match: replacement
    else:
        pattern = safe_regex.compile_pattern(search, ignore_case)
        replace = safe_regex.java_replacement(replacement)
    return safe_regex.substitute(ctx, pattern, replace, text, count)


@register(T, "replaceAll", min_args=2, max_args=3, returns=TEXT)
def replace_all(ctx, text, search, replacement, literal=None):
    """Replace every match of ``search``, a regex unless ``literal`` is true."""
    return _replace(ctx, "replaceAll", text, search, replacement, literal, False, 0)


@register(T, "replaceFirst", min_args=2, max_args=3, returns=TEXT)
def replace_first(ctx, text, search, replacement, literal=None):
    return _replace(ctx, "replaceFirst", text, search, replacement, literal, False, 1)


@register(T, "replaceAllIgnoreCase", min_args=2, max_args=3, returns=TEXT)
def replace_all_ignore_case(ctx, text, search, replacement, literal=None):
    check_300_kb(text, "replaceAllIgnoreCase")
    return _replace(
        ctx, "replaceAllIgnoreCase", text, search, replacement, literal, True, 0
    )


@register(T, "replaceFirstIgnoreCase", min_args=2, max_args=3, returns=TEXT)
def replace_first_ignore_case(ctx, text, search, replacement, literal=None):
    check_300_kb(text, "replaceFirstIgnoreCase")
    return _replace(
        ctx, "replaceFirstIgnoreCase", text, search, replacement, literal, True, 1
    )


@register(T, "remove", min_args=1, returns=TEXT)
def remove(ctx, text, search):
    """Remove every occurrence of the literal search text."""
    search = text_arg(search, "remove")
    return text.replace(search, "") if search else text


@register(T, "removeFirstOccurence", min_args=1, returns=TEXT)
def remove_first_occurence(ctx, text, search):
    search = text_arg(search, "removeFirstOccurence")
    return text.replace(search, "", 1) if search else text


@register(T, "removeLastOccurence", min_args=1, returns=TEXT)
def remove_last_occurence(ctx, text, search):
    search = text_arg(search, "removeLastOccurence")
    position = text.rfind(search)
    if not search or position < 0:
        return text
    return text[:position] + text[position + len(search) :]


@register(T, "getAlpha", returns=TEXT)
def get_alpha(ctx, text):
    return "".join(char for char in text if char.isalpha())


@register(T, "getAlphaNumeric", returns=TEXT)
def get_alpha_numeric(ctx, text):
    return "".join(char for char in text if char.isalnum())


@register(T, "removeAllAlpha", returns=TEXT)
def remove_all_alpha(ctx, text):
    return "".join(char for char in text if not char.isalpha())


@register(T, "removeAllAlphaNumeric", returns=TEXT)
def remove_all_alpha_numeric(ctx, text):
    return "".join(char for char in text if not char.isalnum())


@register(T, "getOccurenceCount", min_args=1, returns=NUMBER)
def get_occurence_count(ctx, text, search):
    """Count non-overlapping occurrences. An empty search text counts 0."""
    search = text_arg(search, "getOccurenceCount")
    return text.count(search) if search else 0


@builtin(TEXT, "proper", forms=METHOD, returns=TEXT)
def proper(ctx, text):
    """Upper-case the first letter of each white-space separated word."""
    words = regex.split(r"(\s+)", text)
    return "".join(word[:1].upper() + word[1:].lower() for word in words)


@builtin(ANY, "reverse", returns=TEXT)
def reverse(ctx, value):
    text = value if type(value) is str else render(value)
    return text[::-1]


@register(T, "matches", min_args=1, returns=BOOLEAN)
def matches(ctx, text, pattern):
    """Tell whether the whole text matches the regular expression."""
    compiled = safe_regex.compile_pattern(text_arg(pattern, "matches", "pattern"))
    return safe_regex.fullmatch(ctx, compiled, text)


@register(T, "concat", min_args=1, returns=TEXT)
def concat(ctx, text, other):
    other = "null" if other is None else text_arg(other, "concat")
    if len(text) + len(other) > ctx.limits.text_length:
        raise text_limit_error(ctx)
    return text + other


def _pad_width(ctx, function: str, text: str, width) -> int:
    width = int_arg(width, function, "width")
    if width > ctx.limits.text_length:
        raise text_limit_error(ctx)
    return width


@register(T, "leftpad", min_args=1, returns=TEXT)
def leftpad(ctx, text, width):
    """Pad with spaces on the left to ``width`` characters in total."""
    width = _pad_width(ctx, "leftpad", text, width)
    return text.rjust(width) if width > len(text) else text


@register(T, "rightpad", min_args=1, returns=TEXT)
def rightpad(ctx, text, width):
    """Pad with spaces on the right to ``width`` characters in total."""
    width = _pad_width(ctx, "rightpad", text, width)
    return text.ljust(width) if width > len(text) else text


@builtin(TEXT, "toList", min_args=0, max_args=1, forms=METHOD, returns=LIST)
def to_list(ctx, text, separator=None):
    """Split on a literal separator, keeping every piece, empty ones too.

    Without a separator, or with one the text does not contain, the whole
    text is the only element, as Zoho's toList page states.
    """
    if separator is None:
        return [text]
    separator = text_arg(separator, "toList", "separator")
    if not separator:
        return [text]
    # Counted before splitting, so a huge list is never built.
    ctx.check_size(text.count(separator) + 1)
    return text.split(separator)


@register((TEXT, LIST), "toListString", forms=METHOD, returns=LIST)
def to_list_string(ctx, value):
    """Turn comma-separated text, or a list's elements, into a list of TEXT."""
    if type(value) is str:
        ctx.check_size(value.count(",") + 1)
        items = value.split(",") if value else []
    else:
        items = [item if type(item) is str else render(item) for item in value]
    ctx.check_size(len(items))
    return TypedList(TEXT, items)
