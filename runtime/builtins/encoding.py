"""Base64, Base32 and URL encoding: ``zoho.encryption.*`` and ``encodeUrl``.

``zoho.encryption.urlEncode`` writes a space as ``%20``; the older
``encodeUrl`` writes it as ``+`` (form encoding). Both keep only ASCII letters,
digits and ``- _ . *`` as they are, as Java's URLEncoder does, and encode text
as UTF-8. The URL functions return null for a value that is not TEXT.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote_plus

from runtime.builtins.support import builtin, describe, text_arg, text_limit_error
from runtime.errors import DelugeError
from runtime.values import TEXT, DelugeFile

# Charset names Deluge accepts, mapped to Python codecs. Java's "UTF-16"
# encodes big-endian with a byte-order mark, as Python's "utf-16-be" plus BOM.
_CHARSETS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-16le": "utf-16-le",
    "utf-16be": "utf-16-be",
    "utf-16": "utf-16",
    "iso-8859-1": "latin-1",
    "us-ascii": "ascii",
}

_UNRESERVED = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.*"
)


def charset_arg(value, function: str) -> str:
    if value is None:
        return "utf-8"
    name = text_arg(value, function, "charset").strip().lower()
    codec = _CHARSETS.get(name)
    if codec is None:
        raise DelugeError(
            f"{function}: charset '{value}' is not supported; use UTF-8, "
            "UTF-16LE or UTF-16BE"
        )
    return codec


def encode_text(text: str, codec: str) -> bytes:
    if codec == "utf-16":
        return b"\xfe\xff" + text.encode("utf-16-be")
    try:
        return text.encode(codec)
    except UnicodeEncodeError:
        raise DelugeError(
            f"The text cannot be written in the charset {codec}"
        ) from None


def _input_bytes(data, charset, function: str) -> bytes:
    """Return a file's bytes, or text encoded in ``charset`` (UTF-8 by default)."""
    if type(data) is DelugeFile:
        return data.content
    return encode_text(text_arg(data, function, "data"), charset_arg(charset, function))


@builtin(None, "zoho.encryption.base64Encode", min_args=1, max_args=2, returns=TEXT)
def base64_encode(ctx, data, charset=None):
    """Encode text (in ``charset``, UTF-8 by default) or a file's bytes as Base64."""
    raw = _input_bytes(data, charset, "base64Encode")
    if (len(raw) + 2) // 3 * 4 > ctx.limits.text_length:
        raise text_limit_error(ctx)
    return base64.b64encode(raw).decode("ascii")


@builtin(None, "zoho.encryption.base64Decode", min_args=1, max_args=2, returns=TEXT)
def base64_decode(ctx, data, charset=None):
    """Decode Base64 into text in ``charset`` (UTF-8 by default)."""
    codec = charset_arg(charset, "base64Decode")
    encoded = text_arg(data, "base64Decode", "data").strip()
    padded = encoded + "=" * (-len(encoded) % 4)
    try:
        raw = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        raise DelugeError(
            f"base64Decode: {describe(data)} is not valid Base64"
        ) from None
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        raise DelugeError(
            f"base64Decode: the decoded bytes are not valid {codec} text; "
            "pass the charset the text was encoded with"
        ) from None


@builtin(None, "zoho.encryption.base32Encode", min_args=1, max_args=2, returns=TEXT)
def base32_encode(ctx, data, charset=None):
    """Encode text (in ``charset``, UTF-8 by default) or a file's bytes as Base32.

    The output has no ``=`` padding, because Zoho's base32Decode page shows
    the 14 UTF-16LE bytes of "api_key" as the 23 characters
    ``MEAHAADJABPQA2YAMUAHSAA``.
    """
    raw = _input_bytes(data, charset, "base32Encode")
    if (len(raw) + 4) // 5 * 8 > ctx.limits.text_length:
        raise text_limit_error(ctx)
    return base64.b32encode(raw).decode("ascii").rstrip("=")


@builtin(None, "zoho.encryption.base32Decode", min_args=1, max_args=2, returns=TEXT)
def base32_decode(ctx, data, charset=None):
    """Decode Base32, with or without ``=`` padding, into text in ``charset``."""
    codec = charset_arg(charset, "base32Decode")
    encoded = text_arg(data, "base32Decode", "data").strip().rstrip("=")
    padded = encoded + "=" * (-len(encoded) % 8)
    try:
        raw = base64.b32decode(padded, casefold=True)
    except (binascii.Error, ValueError):
        raise DelugeError(
            f"base32Decode: {describe(data)} is not valid Base32; it may "
            "contain only the letters A-Z, the digits 2-7 and = padding"
        ) from None
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        raise DelugeError(
            f"base32Decode: the decoded bytes are not valid {codec} text; "
            "pass the charset the text was encoded with"
        ) from None


def percent_encode(text: str, space: str) -> str:
    """Percent-encode UTF-8 bytes, keeping letters, digits and ``-_.*``."""
    parts = []
    for byte in text.encode("utf-8"):
        if byte in _UNRESERVED:
            parts.append(chr(byte))
        elif byte == 0x20:
            parts.append(space)
        else:
            parts.append(f"%{byte:02X}")
    return "".join(parts)


@builtin(None, "zoho.encryption.urlEncode", min_args=1, returns=TEXT)
def url_encode(ctx, text):
    if type(text) is not str:
        return None
    return ctx.check_text(percent_encode(text, "%20"))


@builtin(None, "zoho.encryption.urlDecode", min_args=1, returns=TEXT)
def url_decode(ctx, text):
    """Decode percent escapes and ``+`` as a space, as Java's URLDecoder."""
    if type(text) is not str:
        return None
    try:
        return unquote_plus(text, errors="strict")
    except UnicodeDecodeError:
        raise DelugeError(
            f"urlDecode: {describe(text)} has escapes that are not UTF-8 text"
        ) from None


@builtin(None, "encodeUrl", min_args=1, returns=TEXT)
def encode_url(ctx, text):
    if type(text) is not str:
        return None
    return ctx.check_text(percent_encode(text, "+"))
