"""invoke_url against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from runtime.errors import DelugeError
from runtime.http import invoke_url
from runtime.values import Collection, DelugeFile
from tests.http.conftest import JSON_ARRAY, JSON_OBJECT


def test_json_object_becomes_map(ctx, server):
    result = invoke_url(ctx, {"url": server.url("/json")})
    assert type(result) is dict
    assert result == JSON_OBJECT


def test_json_array_becomes_list(ctx, server):
    result = invoke_url(ctx, {"url": server.url("/array"), "type": "GET"})
    assert type(result) is list
    assert result == JSON_ARRAY


def test_text_response(ctx, server):
    assert invoke_url(ctx, {"url": server.url("/text")}) == "plain text ✓"


def test_charset_and_response_decoding(ctx, server):
    assert invoke_url(ctx, {"url": server.url("/latin1")}) == "café"
    forced = invoke_url(
        ctx, {"url": server.url("/text"), "response-decoding": "ISO-8859-1"}
    )
    assert forced == "plain text ✓".encode().decode("latin-1")


def test_json_text_without_json_type_is_parsed(ctx, server):
    assert invoke_url(ctx, {"url": server.url("/json-as-text")}) == {"a": 1}


def test_response_format_text_keeps_text(ctx, server):
    params = {"url": server.url("/json"), "response-format": "TEXT"}
    assert json.loads(invoke_url(ctx, params)) == JSON_OBJECT


def test_response_format_json_on_text_fails(ctx, server):
    params = {"url": server.url("/text"), "response-format": "JSON"}
    with pytest.raises(DelugeError, match="not valid JSON"):
        invoke_url(ctx, params)


def test_empty_body_is_empty_text(ctx, server):
    assert invoke_url(ctx, {"url": server.url("/empty")}) == ""
    detailed = invoke_url(ctx, {"url": server.url("/empty"), "detailed": True})
    assert detailed["responseCode"] == 200
    assert detailed["responseText"] == ""


@pytest.mark.parametrize("code", [404, 500])
def test_error_status_does_not_raise(ctx, server, code):
    url = server.url(f"/status?code={code}")
    assert invoke_url(ctx, {"url": url}) == {"status": code}
    detailed = invoke_url(ctx, {"url": url, "detailed": True})
    assert detailed["responseCode"] == code
    assert type(detailed["responseCode"]) is int
    assert detailed["responseText"] == {"status": code}
    assert list(detailed) == ["responseText", "responseHeader", "responseCode"]
    assert detailed["responseHeader"]["content-type"] == "application/json"


def test_detailed_joins_repeated_headers(ctx, server):
    result = invoke_url(ctx, {"url": server.url("/headers"), "detailed": True})
    assert result["responseText"] == "ok"
    assert result["responseHeader"]["x-trace"] == "a, b"


def test_binary_response_becomes_file(ctx, server):
    result = invoke_url(ctx, {"url": server.url("/binary")})
    assert type(result) is DelugeFile
    assert result.name == "pixel.png"
    assert result.content_type == "image/png"
    assert result.content == b"\x89PNG\r\n\x1a\n\x00\x01"


def test_get_map_parameters_go_to_query(ctx, server):
    params = {
        "url": server.url("/echo?fixed=1"),
        "type": "GET",
        "parameters": {"q": "Zoë & ✓", "n": 5},
    }
    echo = invoke_url(ctx, params)
    assert echo["method"] == "GET"
    assert echo["query"] == "fixed=1&q=Zo%C3%AB+%26+%E2%9C%93&n=5"
    assert echo["body"] == ""


def test_post_map_parameters_are_form_body(ctx, server):
    params = {
        "url": server.url("/echo"),
        "type": "POST",
        "parameters": {"summary": "Ünïcode ✓", "count": 3, "flag": True},
    }
    echo = invoke_url(ctx, params)
    assert echo["method"] == "POST"
    assert echo["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert echo["body"] == "summary=%C3%9Cn%C3%AFcode+%E2%9C%93&count=3&flag=true"


def test_text_parameters_with_json_header(ctx, server):
    payload = '{"fields": {"summary": "Zoë"}}'
    params = {
        "url": server.url("/echo"),
        "type": "PUT",
        "parameters": payload,
        "headers": {"Content-Type": "application/json"},
    }
    echo = invoke_url(ctx, params)
    assert echo["method"] == "PUT"
    assert echo["headers"]["content-type"] == "application/json"
    assert json.loads(echo["body"]) == {"fields": {"summary": "Zoë"}}


def test_text_body_defaults_to_text_plain(ctx, server):
    params = {"url": server.url("/echo"), "type": "POST", "body": "hello ✓"}
    echo = invoke_url(ctx, params)
    assert echo["headers"]["content-type"] == "text/plain; charset=utf-8"
    assert echo["body"] == "hello ✓"


def test_map_body_is_json(ctx, server):
    params = {
        "url": server.url("/echo"),
        "type": "PATCH",
        "body": {"name": "Zoë", "ids": [1, 2]},
        "parameters": {"notify": False},
    }
    echo = invoke_url(ctx, params)
    assert echo["method"] == "PATCH"
    assert echo["headers"]["content-type"] == "application/json"
    assert json.loads(echo["body"]) == {"name": "Zoë", "ids": [1, 2]}
    assert echo["query"] == "notify=false"


def test_content_type_json_encodes_map_parameters(ctx, server):
    params = {
        "url": server.url("/echo"),
        "type": "POST",
        "content-type": "application/json",
        "parameters": Collection({"a": 1}),
    }
    echo = invoke_url(ctx, params)
    assert echo["headers"]["content-type"] == "application/json"
    assert json.loads(echo["body"]) == {"a": 1}


def test_headers_are_sent(ctx, server):
    params = {
        "url": server.url("/echo"),
        "headers": {"Accept": "application/json", "X-Count": 2},
    }
    echo = invoke_url(ctx, params)
    assert echo["headers"]["accept"] == "application/json"
    assert echo["headers"]["x-count"] == "2"
    assert echo["headers"]["user-agent"].startswith("DelugeCallbacks/")


def test_delete_sends_form_body(ctx, server):
    params = {"url": server.url("/echo"), "type": "DELETE", "parameters": {"a": "b"}}
    echo = invoke_url(ctx, params)
    assert echo["method"] == "DELETE"
    assert echo["body"] == "a=b"


def test_files_are_multipart(ctx, server):
    upload = DelugeFile("notes.txt", "text/plain", b"file body")
    params = {
        "url": server.url("/echo"),
        "type": "POST",
        "files": upload,
        "parameters": {"title": "Zoë"},
    }
    echo = invoke_url(ctx, params)
    assert echo["headers"]["content-type"].startswith("multipart/form-data; boundary=")
    assert 'name="title"' in echo["body"]
    assert 'name="file"; filename="notes.txt"' in echo["body"]
    assert "file body" in echo["body"]


def test_redirect_is_followed(ctx, server):
    target = server.url("/json")
    result = invoke_url(ctx, {"url": server.url(f"/redirect?to={target}")})
    assert result == JSON_OBJECT


def test_303_redirect_turns_post_into_get(ctx, server):
    target = server.url("/echo")
    url = server.url(f"/redirect?code=303&to={target}")
    echo = invoke_url(ctx, {"url": url, "type": "POST", "body": "x"})
    assert echo["method"] == "GET"
    assert echo["body"] == ""


def test_307_redirect_keeps_method_and_body(ctx, server):
    target = server.url("/echo")
    url = server.url(f"/redirect?code=307&to={target}")
    echo = invoke_url(ctx, {"url": url, "type": "POST", "body": "keep me"})
    assert echo["method"] == "POST"
    assert echo["body"] == "keep me"


def test_redirect_chain_is_followed(ctx, server):
    chain = server.url("/redirect?to=/redirect%3Fto%3D/json")
    assert invoke_url(ctx, {"url": chain}) == JSON_OBJECT


def test_redirect_loop_stops(ctx, server):
    before = len(server.hits)
    with pytest.raises(DelugeError, match="more than 5 redirects"):
        invoke_url(ctx, {"url": server.url("/loop")})
    assert len(server.hits) - before == 6


def test_unknown_parameter_is_rejected(ctx, server):
    with pytest.raises(DelugeError, match="unknown parameter 'methd'"):
        invoke_url(ctx, {"url": server.url("/json"), "methd": "GET"})


def test_unsupported_method_is_rejected(ctx, server):
    with pytest.raises(DelugeError, match="type 'TRACE' is not supported"):
        invoke_url(ctx, {"url": server.url("/json"), "type": "TRACE"})


def test_missing_url_is_rejected(ctx):
    with pytest.raises(DelugeError, match="url parameter is missing"):
        invoke_url(ctx, {"type": "GET"})


def test_header_with_line_break_is_rejected(ctx, server):
    params = {"url": server.url("/echo"), "headers": {"X-A": "a\r\nX-B: b"}}
    with pytest.raises(DelugeError, match="contains a line break"):
        invoke_url(ctx, params)


def test_connection_refused_is_catchable(ctx, server):
    # Port 9 on 127.0.0.1 (discard) is closed on test machines.
    with pytest.raises(
        DelugeError, match=r"invokeurl to http://127\.0\.0\.1:9/x failed"
    ):
        invoke_url(ctx, {"url": "http://127.0.0.1:9/x?secret=abc"})


def test_proxy_environment_is_ignored(ctx, server, monkeypatch):
    # A proxy would resolve the host itself and bypass the address check.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    assert invoke_url(ctx, {"url": server.url("/json")}) == JSON_OBJECT


def test_bom_before_json_is_ignored(ctx, server):
    assert invoke_url(ctx, {"url": server.url("/bom-json")}) == {"a": 1}


def test_multipart_content_type_sends_fields(ctx, server):
    params = {
        "url": server.url("/echo"),
        "type": "POST",
        "content-type": "multipart/form-data",
        "parameters": {"summary": "Zoë"},
    }
    echo = invoke_url(ctx, params)
    assert echo["headers"]["content-type"].startswith("multipart/form-data; boundary=")
    assert 'Content-Disposition: form-data; name="summary"\r\n\r\nZoë' in echo["body"]


def test_url_user_info_becomes_basic_auth(ctx, server):
    url = server.url("/echo").replace("http://", "http://bot:p%40ss@")
    echo = invoke_url(ctx, {"url": url})
    assert echo["headers"]["authorization"] == "Basic Ym90OnBAc3M="


def test_user_info_not_in_error_message(ctx):
    with pytest.raises(DelugeError) as caught:
        invoke_url(ctx, {"url": "http://bot:hunter2@127.0.0.1:9/x"})
    assert "hunter2" not in str(caught.value)
    assert "bot" not in str(caught.value)


def test_script_user_agent_wins(ctx, server):
    params = {"url": server.url("/echo"), "headers": {"user-agent": "JiraBridge/2"}}
    echo = invoke_url(ctx, params)
    assert echo["headers"]["user-agent"] == "JiraBridge/2"
