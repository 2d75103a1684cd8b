"""Tests of Base64, URL encoding, hashing, HMAC and AES."""

import hashlib

import pytest

from runtime.context import ExecutionContext
from runtime.errors import DelugeError
from runtime.registry import call_function
from tests.builtins.deluge import error_of, value_of


def enc(call: str):
    return value_of(f"return zoho.encryption.{call};")


def test_base64_utf16be_doc_example():
    assert enc('base64Decode("AGEAcABpAF8AawBlAHk=", "UTF-16BE")') == "api_key"


def test_base64_utf16le_round_trip():
    encoded = enc('base64Encode("api_key", "UTF-16LE")')
    assert encoded == "YQBwAGkAXwBrAGUAeQA="
    assert enc(f'base64Decode("{encoded}", "UTF-16LE")') == "api_key"


def test_base64_non_ascii_text():
    assert enc('base64Encode("é")') == "w6k="


def test_base64_missing_padding_is_accepted():
    assert enc('base64Decode("YQ")') == "a"


def test_base64_invalid_is_error():
    assert "Base64" in error_of('return zoho.encryption.base64Decode("*!");')


def test_base32_output_has_no_padding():
    # The base32Decode page's UTF-16LE value has 23 characters, not 24.
    assert enc('base32Encode("api_key", "UTF-16LE")') == "MEAHAADJABPQA2YAMUAHSAA"
    assert enc('base32Encode("a")') == "ME"


def test_base32_decode_accepts_padding_and_lower_case():
    assert enc('base32Decode("ME======")') == "a"
    assert enc('base32Decode("njxwq3sapj4wy23foixgg33n")') == "john@zylker.com"


def test_base32_invalid_is_error():
    assert "Base32" in error_of('return zoho.encryption.base32Decode("*!");')


def test_base64_unknown_charset_is_error():
    assert "charset" in error_of('return zoho.encryption.base64Encode("a", "EBCDIC");')


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a~b*c", "a%7Eb*c"), ("ü", "%C3%BC"), ("a+b", "a%2Bb"), ("-_.", "-_.")],
)
def test_url_encode_like_java(text, expected):
    assert enc(f'urlEncode("{text}")') == expected


def test_url_decode_plus_is_space():
    assert enc('urlDecode("a+b%2B")') == "a b+"


def test_hash_vectors():
    assert enc('md5("hello")') == hashlib.md5(b"hello").hexdigest()
    assert enc('sha512("abc")') == hashlib.sha512(b"abc").hexdigest()


def test_sha256_binary_output_has_32_characters():
    assert len(enc('sha256("hello", "binary")')) == 32


def test_hash_unknown_output_type_is_error():
    assert "output type" in error_of('return zoho.encryption.sha1("a", "octal");')


def test_hmac_sha256_doc_examples():
    key, data = "sk_5Ow7B_4eC39H", "{Order ID: 0932, Currency: USD, Amount: 2500}"
    assert enc(f'hmacsha256("{key}", "{data}")') == (
        "E3IZY+esQ59aLmPCYYVjk2R/P1G0k77r9ZGa9Lw94Zw="
    )
    assert enc(f'hmacsha256("{key}", "{data}", "hex")') == (
        "13721963e7ac439f5a2e63c261856393647f3f51b493beebf5919af4bc3de19c"
    )
    assert enc('hmacsha256("Use me to generate hash", "My#New#Password")') == (
        "edYCyxkU4jL2dEjEDO8aUy8WZrpKRvQquNpgKUqe5vA="
    )


def test_hmac_sha1_hex():
    assert enc(
        'hmacsha1("key", "The quick brown fox jumps over the lazy dog", "hex")'
    ) == ("de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9")


def test_aes_without_iv_differs_per_call():
    script = (
        'a = zoho.encryption.aesEncode("k", "same"); '
        'b = zoho.encryption.aesEncode("k", "same"); return a == b;'
    )
    assert value_of(script) is False


def test_aes_iv_doc_example_other_text():
    assert enc('aesEncode("passkey", "Confidential details", "0000000000000000")') == (
        "cc/yIW2qfSs8I9M3mNFjpzNYKQ/9QfwIlSczI/ApqyM="
    )


def test_aes_wrong_key_is_error():
    script = (
        'c = zoho.encryption.aesEncode("right", "secret text here"); '
        'return zoho.encryption.aesDecode("wrong", c);'
    )
    assert "decryption failed" in error_of(script)


def test_aes_short_iv_is_error():
    assert "16 characters" in error_of(
        'return zoho.encryption.aesEncode("k", "t", "short");'
    )


def test_aes_key_too_long_is_error():
    key = "k" * 33
    assert "maximum is 32" in error_of(
        f'return zoho.encryption.aesEncode("{key}", "t");'
    )


def test_aes128_round_trip():
    script = (
        'c = zoho.encryption.aesEncode128("key128", "text", "abcdefghijklmnop"); '
        'return zoho.encryption.aesDecode128("key128", c, "abcdefghijklmnop");'
    )
    assert value_of(script) == "text"


def test_aes128_key_limit():
    key = "k" * 17
    assert "maximum is 16" in error_of(
        f'return zoho.encryption.aesEncode128("{key}", "t");'
    )


def test_sha256_binary_input_limit():
    data = "x" * (1024 * 1024 + 1)
    with pytest.raises(DelugeError, match="binary output"):
        call_function(ExecutionContext(), "zoho.encryption.sha256", (data, "binary"))
    hex_digest = call_function(ExecutionContext(), "zoho.encryption.sha256", (data,))
    assert len(hex_digest) == 64


def test_aes128_large_value_needs_iv():
    data = "x" * (500 * 1024 + 1)
    with pytest.raises(DelugeError, match="need an IV"):
        call_function(ExecutionContext(), "zoho.encryption.aesEncode128", ("k", data))
