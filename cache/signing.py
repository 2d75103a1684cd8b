"""HMAC-SHA256 envelopes around cached marshal bytes."""

from __future__ import annotations

import hashlib
import hmac

MAGIC = b"DCC1"
DIGEST_SIZE = hashlib.sha256().digest_size


class InvalidEntry(ValueError):
    """A cache entry is malformed or its signature does not match."""


def _signature(signing_key: bytes, key: str, payload: bytes) -> bytes:
    # The cache key is signed with the payload, so an entry copied under
    # another key (another function or version) does not verify.
    message = key.encode("utf-8") + b"\0" + payload
    return hmac.new(signing_key, message, hashlib.sha256).digest()


def seal(signing_key: bytes, key: str, payload: bytes) -> bytes:
    """Return ``payload`` prefixed with a magic tag and its signature."""
    return MAGIC + _signature(signing_key, key, payload) + payload


def open_sealed(signing_key: bytes, key: str, entry: object) -> bytes:
    """Return the payload of ``entry`` after checking its signature.

    Raises ``InvalidEntry`` for anything but a sealed entry of this key under
    this signing key.
    """
    if type(entry) is not bytes:
        raise InvalidEntry(f"entry is {type(entry).__name__}, not bytes")
    header = len(MAGIC) + DIGEST_SIZE
    if len(entry) < header or not entry.startswith(MAGIC):
        raise InvalidEntry("entry has no signature header")
    signature = entry[len(MAGIC) : header]
    payload = entry[header:]
    if not hmac.compare_digest(signature, _signature(signing_key, key, payload)):
        raise InvalidEntry("signature does not match")
    return payload
