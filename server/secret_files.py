"""Secret key files in the data directory, created once with mode 0600."""

from __future__ import annotations

import logging
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)

ADMIN_KEY_FILE = "admin.key"
CACHE_KEY_FILE = "cache-signing.key"
TOKEN_KEY_FILE = "token-encryption.key"


def read_or_create_secret(path: Path, generate: Callable[[], str]) -> tuple[str, bool]:
    """Return the secret stored in ``path``, creating it first if missing.

    Returns the secret and whether this call created the file. The file is
    created with ``O_EXCL`` and mode 0600, so two processes starting at once
    cannot both write it: the loser reads the winner's key.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path), False
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(generate() + "\n")
    return _read_secret(path), True


def _read_secret(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        logger.warning(
            "Secret file %s has mode %o; other users may read it. Run 'chmod 600 %s'.",
            path,
            mode,
            path,
        )
    text = path.read_text(encoding="ascii").strip()
    if not text:
        raise RuntimeError(f"Secret file {path} is empty; delete it to regenerate")
    return text


def admin_key(data_dir: Path, environ: dict[str, str] | None = None) -> str:
    """Return the admin API key from the environment or the data directory."""
    env = os.environ if environ is None else environ
    from_env = env.get("DELUGE_CALLBACKS_ADMIN_KEY", "").strip()
    if from_env:
        return from_env
    path = data_dir / ADMIN_KEY_FILE
    key, created = read_or_create_secret(path, lambda: secrets.token_urlsafe(32))
    if created:
        logger.warning("Generated a new admin API key in %s (mode 0600)", path)
    return key


def cache_signing_key(data_dir: Path) -> bytes:
    """Return the HMAC key that signs compile-cache entries."""
    key, _ = read_or_create_secret(
        data_dir / CACHE_KEY_FILE, lambda: secrets.token_hex(32)
    )
    return bytes.fromhex(key)


def token_encryption_key(data_dir: Path) -> bytes:
    """Return the Fernet key that encrypts stored auth tokens."""
    from cryptography.fernet import Fernet

    key, _ = read_or_create_secret(
        data_dir / TOKEN_KEY_FILE, lambda: Fernet.generate_key().decode("ascii")
    )
    return key.encode("ascii")
