"""getUrl, postUrl and invokeUrl through the dispatch table, against 127.0.0.1."""

from __future__ import annotations

import json

import pytest

import runtime.builtins  # noqa: F401 - registers the built-ins
from runtime.errors import DelugeError
from runtime.registry import call_function
from tests.http.conftest import JSON_OBJECT


def test_get_url_returns_text(ctx, server):
    result = call_function(ctx, "getUrl", (server.url("/json"),))
    assert type(result) is str
    assert json.loads(result) == JSON_OBJECT


def test_get_url_detailed_map(ctx, server):
    result = call_function(ctx, "geturl", (server.url("/status?code=404"), False))
    assert result["responseCode"] == 404
    assert json.loads(result["responseText"]) == {"status": 404}
    assert result["responseHeader"]["content-type"] == "application/json"


def test_get_url_sends_headers(ctx, server):
    args = (server.url("/echo"), {"X-Ticket": "JIRA-1"}, True)
    echo = json.loads(call_function(ctx, "getUrl", args))
    assert echo["headers"]["x-ticket"] == "JIRA-1"


def test_post_url_map_is_form(ctx, server):
    args = (server.url("/echo"), {"name": "Zoë"})
    echo = json.loads(call_function(ctx, "postUrl", args))
    assert echo["method"] == "POST"
    assert echo["body"] == "name=Zo%C3%AB"
    assert echo["headers"]["content-type"] == "application/x-www-form-urlencoded"


def test_post_url_text_is_raw(ctx, server):
    args = (server.url("/echo"), '{"a":1}', {"Content-Type": "application/json"}, False)
    result = call_function(ctx, "postUrl", args)
    assert result["responseCode"] == 200
    echo = json.loads(result["responseText"])
    assert echo["body"] == '{"a":1}'
    assert echo["headers"]["content-type"] == "application/json"


def test_invoke_url_function_methods(ctx, server):
    get = json.loads(
        call_function(ctx, "invokeUrl", (server.url("/echo"), "GET", {"q": "1"}))
    )
    assert get["query"] == "q=1"
    put = call_function(
        ctx, "invokeUrl", (server.url("/echo"), "PUT", "raw", {"X-A": "b"}, False)
    )
    echo = json.loads(put["responseText"])
    assert echo["method"] == "PUT"
    assert echo["body"] == "raw"
    assert echo["headers"]["x-a"] == "b"


def test_legacy_forms_keep_address_checks(server):
    from runtime.context import ExecutionContext

    before = len(server.hits)
    with pytest.raises(
        DelugeError, match=r"getUrl to http://127\.0\.0\.1:\d+/json was rejected"
    ):
        call_function(ExecutionContext(), "getUrl", (server.url("/json"),))
    assert len(server.hits) == before


def test_get_url_bad_second_argument(ctx, server):
    with pytest.raises(DelugeError, match="headers map or true/false"):
        call_function(ctx, "getUrl", (server.url("/json"), 5))


def test_invoke_url_function_bad_method(ctx, server):
    with pytest.raises(DelugeError, match="invokeUrl: type 'FETCH' is not supported"):
        call_function(ctx, "invokeUrl", (server.url("/json"), "FETCH"))
