"""Auth tokens of published callbacks.

A token is ``secrets.token_urlsafe(32)`` (43 characters, 256 random bits).
The database stores its SHA-256 digest, which the invoke path compares with
``hmac.compare_digest``, and a Fernet encryption of it, so the admin API can
show the invocation URL again. The Fernet key lives in the data directory
outside the database, so a copy of the database alone contains no usable token.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

import sqlite_utils
from cryptography.fernet import Fernet, InvalidToken

logger = logging.getLogger(__name__)


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def token_matches(presented: str, stored_hash: bytes) -> bool:
    """Compare a presented token with a stored digest in constant time."""
    return hmac.compare_digest(hash_token(presented), bytes(stored_hash))


class TokenCipher:
    """Fernet encryption of stored tokens under a key kept outside the database."""

    def __init__(self, key: bytes):
        self._fernet = Fernet(key)

    def encrypt(self, token: str) -> str:
        return self._fernet.encrypt(token.encode("utf-8")).decode("ascii")

    def decrypt(self, encrypted: str) -> str | None:
        try:
            return self._fernet.decrypt(encrypted.encode("ascii")).decode("utf-8")
        except InvalidToken:
            return None


class TokenStore:
    def issue_token(
        self, db: sqlite_utils.Database, portal_id: int, callback_id: int
    ) -> str:
        """Disable the callback's tokens and insert a new one; call in a transaction."""
        self.disable_tokens(db, portal_id, callback_id)
        token = secrets.token_urlsafe(32)
        db.execute(
            "INSERT INTO tokens (portal_id, callback_id, token_hash, "
            "token_encrypted, active, created_at) VALUES (?, ?, ?, ?, 1, ?)",
            [
                portal_id,
                callback_id,
                hash_token(token),
                self.token_cipher.encrypt(token),
                self.now(),
            ],
        )
        return token

    def disable_tokens(
        self, db: sqlite_utils.Database, portal_id: int, callback_id: int
    ) -> None:
        db.execute(
            "UPDATE tokens SET active = 0, disabled_at = ? "
            "WHERE portal_id = ? AND callback_id = ? AND active = 1",
            [self.now(), portal_id, callback_id],
        )

    def active_token(self, portal_id: int, callback_id: int) -> str | None:
        """Return the plaintext of the callback's active token, or None."""
        row = self.db.execute(
            "SELECT token_encrypted FROM tokens "
            "WHERE portal_id = ? AND callback_id = ? AND active = 1 "
            "ORDER BY id DESC LIMIT 1",
            [portal_id, callback_id],
        ).fetchone()
        if row is None:
            return None
        token = self.token_cipher.decrypt(row[0])
        if token is None:
            logger.error(
                "Stored token of callback %d in portal %d does not decrypt with "
                "the token encryption key; publish the callback again",
                callback_id,
                portal_id,
            )
        return token
