"""Tests of repeat, isAscii, textToHex and hexToText."""

import pytest

from tests.builtins.deluge import error_of, run_script, value_of


def test_repeat_limits():
    assert value_of('return "ab".repeat(0);') == ""
    assert "negative" in error_of('return "ab".repeat(-1);')
    assert "maximum is 100000" in error_of('return "ab".repeat(50001);')


def test_repeat_of_long_input_is_rejected():
    script = 'big = "x".leftpad(100001);\nreturn big.repeat(1);'
    assert "100001 characters long" in error_of(script)


@pytest.mark.parametrize(
    ("text", "digits"),
    [("Zoho Creator", "5a6f686f2043726561746f72"), ("é", "c3a9"), ("", "")],
)
def test_text_to_hex_is_utf8(text, digits):
    assert value_of(f'return "{text}".textToHex();') == digits
    assert value_of(f'return "{digits}".hexToText();') == text


def test_hex_to_text_rejects_bad_digits():
    assert "not hexadecimal" in error_of('return "abc".hexToText();')
    assert "not UTF-8" in error_of('return "ff".hexToText();')


def test_is_ascii_limit():
    script = 'big = "a".leftpad(310000);\nreturn big.isAscii();'
    assert "maximum is 300 KB" in run_script(script).error
