"""Hashing, HMAC and AES: the ``zoho.encryption.*`` tasks.

Text is hashed as its UTF-8 bytes. Plain hashes (``sha1``, ``sha256``,
``sha512``, ``md5``) default to lower-case hex, as Zoho's sha256 page states.
HMACs default to Base64, as Zoho's hmacsha256 page states; both also take
``"hex"`` and ``"binary"``.

AES follows the layout that reproduces Zoho's aesEncode/aesDecode examples.
It is AES-CBC with PKCS#7 padding, and the key is its UTF-8 bytes padded with
zero bytes to 32 bytes (16 for the 128-bit tasks). The IV is the given
16-character text, or else random bytes written in front of the ciphertext
before Base64.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from runtime.builtins.support import builtin, describe, int_arg, text_arg
from runtime.errors import DelugeError
from runtime.values import TEXT


def _data_bytes(value, function: str) -> bytes:
    return text_arg(value, function, "data").encode("utf-8")


def _render_digest(digest: bytes, output, default: str, function: str) -> str:
    kind = default if output is None else text_arg(output, function, "output type")
    kind = kind.strip().lower()
    if kind == "hex":
        return digest.hex()
    if kind == "base64":
        return base64.b64encode(digest).decode("ascii")
    if kind == "binary":
        # NOTE: Zoho does not show what "binary" returns as TEXT; each byte
        # becomes the character with the same code (ISO-8859-1).
        return digest.decode("latin-1")
    raise DelugeError(
        f"{function}: output type '{kind}' is not supported; use hex, base64 or binary"
    )


# Zoho's sha256 page caps the input at 1 MB when the output type is binary.
MAX_BINARY_HASH_INPUT = 1024 * 1024


def _hash_task(name: str, algorithm: str):
    def digest(ctx, data, output=None):
        raw = _data_bytes(data, name)
        binary = type(output) is str and output.strip().lower() == "binary"
        if binary and len(raw) > MAX_BINARY_HASH_INPUT:
            raise DelugeError(
                f"{name}: the data is {len(raw)} bytes; binary output takes at "
                f"most {MAX_BINARY_HASH_INPUT} bytes"
            )
        return _render_digest(hashlib.new(algorithm, raw).digest(), output, "hex", name)

    digest.__name__ = name
    builtin(None, f"zoho.encryption.{name}", min_args=1, max_args=2, returns=TEXT)(
        digest
    )


def _hmac_task(name: str, algorithm: str):
    def sign(ctx, key, data, output=None):
        secret = _data_bytes(key, name)
        raw = _data_bytes(data, name)
        mac = hmac.new(secret, raw, algorithm).digest()
        return _render_digest(mac, output, "base64", name)

    sign.__name__ = name
    builtin(None, f"zoho.encryption.{name}", min_args=2, max_args=3, returns=TEXT)(sign)


for _name, _algorithm in (
    ("sha1", "sha1"),
    ("sha256", "sha256"),
    ("sha512", "sha512"),
    ("md5", "md5"),
):
    _hash_task(_name, _algorithm)

for _name, _algorithm in (
    ("hmacsha1", "sha1"),
    ("hmacsha256", "sha256"),
    ("hmacsha512", "sha512"),
    ("hmacmd5", "md5"),
):
    _hmac_task(_name, _algorithm)


# AES -------------------------------------------------------------------------

BLOCK_BYTES = 16


def _aes_key(key, size: int, function: str) -> bytes:
    raw = text_arg(key, function, "key").encode("utf-8")
    if not raw:
        raise DelugeError(f"{function}: the key is empty")
    if len(raw) > size:
        raise DelugeError(
            f"{function}: the key is {len(raw)} bytes long; the maximum is {size}"
        )
    return raw.ljust(size, b"\0")


def _aes_iv(iv, function: str) -> bytes | None:
    if iv is None:
        return None
    raw = text_arg(iv, function, "IV").encode("utf-8")
    if len(raw) != BLOCK_BYTES:
        raise DelugeError(
            f"{function}: the IV must be 16 characters long, got {len(raw)} bytes"
        )
    return raw


def _encrypt(ctx, key, text, iv, size: int, function: str) -> str:
    secret = _aes_key(key, size, function)
    given_iv = _aes_iv(iv, function)
    vector = given_iv or os.urandom(BLOCK_BYTES)
    padder = padding.PKCS7(128).padder()
    plain = padder.update(_data_bytes(text, function)) + padder.finalize()
    encryptor = Cipher(algorithms.AES(secret), modes.CBC(vector)).encryptor()
    cipher = encryptor.update(plain) + encryptor.finalize()
    if given_iv is None:
        cipher = vector + cipher
    return ctx.check_text(base64.b64encode(cipher).decode("ascii"))


def _decrypt(ctx, key, encoded, iv, size: int, function: str) -> str:
    secret = _aes_key(key, size, function)
    given_iv = _aes_iv(iv, function)
    try:
        cipher = base64.b64decode(
            text_arg(encoded, function, "cipher text"), validate=True
        )
    except (binascii.Error, ValueError):
        raise DelugeError(
            f"{function}: {describe(encoded)} is not valid Base64"
        ) from None
    if given_iv is None:
        given_iv, cipher = cipher[:BLOCK_BYTES], cipher[BLOCK_BYTES:]
    if not cipher or len(cipher) % BLOCK_BYTES or len(given_iv) != BLOCK_BYTES:
        raise DelugeError(f"{function}: the cipher text has an invalid length")
    decryptor = Cipher(algorithms.AES(secret), modes.CBC(given_iv)).decryptor()
    plain = decryptor.update(cipher) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        raw = unpadder.update(plain) + unpadder.finalize()
        return raw.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise DelugeError(
            f"{function}: decryption failed; check the key and the IV"
        ) from None


@builtin(None, "zoho.encryption.aesEncode", min_args=2, max_args=3, returns=TEXT)
def aes_encode(ctx, key, text, iv=None):
    return _encrypt(ctx, key, text, iv, 32, "aesEncode")


@builtin(None, "zoho.encryption.aesDecode", min_args=2, max_args=3, returns=TEXT)
def aes_decode(ctx, key, encoded, iv=None):
    return _decrypt(ctx, key, encoded, iv, 32, "aesDecode")


# Zoho's aesEncode128 page: without an IV, values over 500 KB are an error.
MAX_AES128_NO_IV_INPUT = 500 * 1024


def _iterations(count, function: str) -> None:
    # NOTE: Zoho does not say how an iteration count changes the key, so only
    # the default of 0 is accepted.
    if count is not None and int_arg(count, function, "iteration count") != 0:
        raise DelugeError(
            f"{function}: iteration counts other than 0 are not supported"
        )


@builtin(None, "zoho.encryption.aesEncode128", min_args=2, max_args=4, returns=TEXT)
def aes_encode_128(ctx, key, text, iv=None, iterations=None):
    _iterations(iterations, "aesEncode128")
    if iv is None and len(_data_bytes(text, "aesEncode128")) > MAX_AES128_NO_IV_INPUT:
        raise DelugeError(
            "aesEncode128: values over 500 KB need an IV; pass a 16-character IV"
        )
    return _encrypt(ctx, key, text, iv, 16, "aesEncode128")


@builtin(None, "zoho.encryption.aesDecode128", min_args=2, max_args=4, returns=TEXT)
def aes_decode_128(ctx, key, encoded, iv=None, iterations=None):
    _iterations(iterations, "aesDecode128")
    return _decrypt(ctx, key, encoded, iv, 16, "aesDecode128")
