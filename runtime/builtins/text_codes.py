"""TEXT built-ins on characters and their codes: repeat, isAscii, hex.

The hex functions work on the UTF-8 bytes of the text, which is what Zoho's
examples show: ``textToHex("Zoho Creator")`` is ``5a6f686f2043726561746f72``.
"""

from __future__ import annotations

import binascii

from runtime.builtins.support import int_arg, register, text_limit_error
from runtime.builtins.text import check_300_kb
from runtime.errors import DelugeError
from runtime.values import BOOLEAN, TEXT

T = (TEXT,)

# Zoho's repeat page: each input and output can be up to 100K characters.
MAX_REPEAT_CHARACTERS = 100_000


@register(T, "repeat", min_args=1, returns=TEXT)
def repeat(ctx, text, count):
    """Return the text repeated ``count`` times (0 gives the empty text)."""
    times = int_arg(count, "repeat", "count")
    if times < 0:
        raise DelugeError(f"repeat: the count {times} is negative; pass 0 or more")
    if len(text) > MAX_REPEAT_CHARACTERS:
        raise DelugeError(
            f"repeat: the text is {len(text)} characters long; the maximum is "
            f"{MAX_REPEAT_CHARACTERS}"
        )
    size = len(text) * times
    if size > MAX_REPEAT_CHARACTERS:
        raise DelugeError(
            f"repeat: the result would be {size} characters long; the maximum "
            f"is {MAX_REPEAT_CHARACTERS}"
        )
    if size > ctx.limits.text_length:
        raise text_limit_error(ctx)
    return text * times


@register(T, "isAscii", returns=BOOLEAN)
def is_ascii(ctx, text):
    """Tell whether every character is ASCII; the empty text is true.

    Zoho's page lists the return type as TEXT, but its examples and its
    variable are BOOLEAN, so a BOOLEAN is returned. The input is limited to
    300 KB, as the page states.
    """
    check_300_kb(text, "isAscii")
    return text.isascii()


@register(T, "textToHex", returns=TEXT)
def text_to_hex(ctx, text):
    """Return the lower-case hex of the text's UTF-8 bytes."""
    data = text.encode("utf-8", "surrogatepass")
    if 2 * len(data) > ctx.limits.text_length:
        raise text_limit_error(ctx)
    return data.hex()


@register(T, "hexToText", returns=TEXT)
def hex_to_text(ctx, text):
    """Read hex digits (either case) as UTF-8 bytes and return their text."""
    digits = text.strip()
    try:
        data = binascii.unhexlify(digits)
    except (binascii.Error, ValueError):
        raise DelugeError(
            f"hexToText: {digits[:40]!r} is not hexadecimal text; it needs an "
            "even number of the digits 0-9 and a-f"
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise DelugeError(
            "hexToText: the bytes are not UTF-8 text; check the hex digits"
        ) from None
