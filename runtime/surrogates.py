"""Keep TEXT values well-formed Unicode, free of unpaired UTF-16 surrogates.

Java strings, and so Deluge text, are UTF-16 code units: the escapes
``"\\ud83d\\ude00"`` name one emoji in two halves, and ``"\\ud800"`` alone is a
valid Java string. A Python ``str`` holding a lone surrogate cannot be encoded
as UTF-8, so it would fail in every response, log line, hash and database row
it reaches. The places that turn escapes into text (string literals, JSON
parsing) pass their result through ``well_formed``: a pair becomes its one
character and an unpaired surrogate becomes U+FFFD, as Java's UTF-8 encoder
also replaces it.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")
# A JSON or Deluge escape that may decode to a surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def may_hold_surrogates(source: str) -> bool:
    """Tell whether escapes in ``source`` text may decode to surrogates."""
    return _SURROGATE_ESCAPE.search(source) is not None


def lone_surrogate(text: str) -> str | None:
    """Return the first surrogate in ``text``, or None.

    Decoders such as ``json.loads`` already join valid pairs, so any
    surrogate left in their output is unpaired.
    """
    match = _SURROGATE.search(text)
    return match.group() if match else None


def well_formed(text: str) -> str:
    """Join surrogate pairs and replace unpaired surrogates with U+FFFD."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def well_formed_value(value: object) -> object:
    """Apply ``well_formed`` to every text, key included, in a parsed JSON value."""
    if type(value) is str:
        return well_formed(value)
    if type(value) not in (dict, list):
        return value
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is list:
            for index, child in enumerate(item):
                if type(child) is str:
                    item[index] = well_formed(child)
                elif type(child) in (dict, list):
                    stack.append(child)
            continue
        for key in list(item):
            child = item.pop(key)
            fixed = well_formed(key) if type(key) is str else key
            if type(child) is str:
                child = well_formed(child)
            elif type(child) in (dict, list):
                stack.append(child)
            item[fixed] = child
    return value


def first_lone_surrogate(value: object) -> str | None:
    """Return the first unpaired surrogate in a parsed JSON value, or None."""
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is str:
            found = lone_surrogate(item)
            if found is not None:
                return found
        elif type(item) is list:
            stack.extend(item)
        elif type(item) is dict:
            stack.extend(item.keys())
            stack.extend(item.values())
    return None
