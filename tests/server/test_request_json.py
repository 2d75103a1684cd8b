"""JSON reading of request bodies and arguments: constants and nesting."""

import pytest

from server.errors import InvalidInput
from server.request_body import parse_json


@pytest.mark.parametrize("data", ["[1, NaN]", b'{"a": Infinity}', "-Infinity"])
def test_json_constants_rejected(data):
    with pytest.raises(InvalidInput) as caught:
        parse_json(data, 100)
    assert "is not valid JSON" in caught.value.message


def test_nesting_at_cap_accepted():
    assert parse_json("[" * 5 + "]" * 5, 5) == [[[[[]]]]]


@pytest.mark.parametrize("data", ["[" * 6 + "]" * 6, b'{"a": [[[[{}]]]]}'])
def test_nesting_past_cap_rejected(data):
    with pytest.raises(InvalidInput) as caught:
        parse_json(data, 5)
    assert caught.value.message == (
        "Request body is nested deeper than 5 levels; flatten it"
    )


def test_brackets_in_strings_do_not_count_as_nesting():
    text = '{"a": "[[[[[[[[{{{{"}'
    assert parse_json(text, 1) == {"a": "[[[[[[[[{{{{"}


def test_utf16_body_decoded():
    assert parse_json('{"a": "\u00e9"}'.encode("utf-16"), 10) == {"a": "\u00e9"}
