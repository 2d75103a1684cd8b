"""Hostile and ported scripts against invokeurl: headers, codecs, keys, ports.

Every server here listens on 127.0.0.1. Addresses outside loopback appear
only as text for the address check with a stub resolver, never as a target.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import socket
import threading
import zlib
from urllib.parse import parse_qs

import pytest

from runtime.builtins import web
from runtime.errors import DelugeError
from runtime.http import invoke_url
from runtime.http_address import AllowList
from runtime.http_auth import Connection
from server import connections as connection_store
from server.errors import ApiError
from tests.http.conftest import make_context
from tests.http.test_invokeurl_scripts import run

CONTROL_CHARACTERS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f"]
SECRET = "s3cret-tail-value"


# Header values


def test_non_ascii_header_value_is_utf8(ctx, server):
    echo = invoke_url(
        ctx,
        {
            "url": server.url("/echo"),
            "headers": {"X-Requester": "José Müller ✓"},
            "content-type": "text/plain; title=Zoë",
        },
    )
    # The test server reads header bytes as ISO-8859-1.
    sent = "José Müller ✓".encode("utf-8").decode("latin-1")
    assert echo["headers"]["x-requester"] == sent
    assert echo["headers"]["content-type"].endswith("Zoë".encode().decode("latin-1"))


def test_non_ascii_connection_secret_is_sent(server):
    lookup = {"crm": Connection("crm", "bearer", "tökén")}.get
    ctx = make_context(connections=lookup)
    echo = invoke_url(ctx, {"url": server.url("/echo"), "connection": "crm"})
    expected = "Bearer tökén".encode("utf-8").decode("latin-1")
    assert echo["headers"]["authorization"] == expected


@pytest.mark.parametrize("character", CONTROL_CHARACTERS)
def test_control_character_in_header_rejected(ctx, server, character):
    before = len(server.hits)
    value = f"a{character}b"
    with pytest.raises(DelugeError, match="header 'X-Note' contains a control") as err:
        invoke_url(ctx, {"url": server.url("/echo"), "headers": {"X-Note": value}})
    assert value not in str(err.value)
    assert len(server.hits) == before


@pytest.mark.parametrize("character", [*CONTROL_CHARACTERS, "\r\n"])
def test_secret_with_control_character_not_shown(server, character, caplog):
    caplog.set_level(logging.DEBUG)
    secret = f"{SECRET}{character}X-Injected: 1"
    lookup = {
        "bad_bearer": Connection("bad_bearer", "bearer", secret),
        "bad_key": Connection("bad_key", "api_key", secret, parameter_name="X-Key"),
    }.get
    ctx = make_context(connections=lookup)
    before = len(server.hits)
    for name in ("bad_bearer", "bad_key"):
        with pytest.raises(DelugeError) as err:
            invoke_url(ctx, {"url": server.url("/echo"), "connection": name})
        assert SECRET not in str(err.value)
        assert "control character" in str(err.value)
    assert len(server.hits) == before
    assert SECRET not in caplog.text


@pytest.mark.parametrize("character", [*CONTROL_CHARACTERS, "\t"])
def test_admin_api_rejects_control_in_secret(character):
    body = {"link_name": "crm", "auth_type": "bearer", "token": f"ab{character}cd"}
    with pytest.raises(ApiError, match="control characters") as err:
        connection_store.validate(body, existing=None)
    assert f"ab{character}cd" not in str(err.value)


# Framing and routing headers belong to the client


def test_content_length_from_script_is_replaced(ctx, server):
    echo = invoke_url(
        ctx,
        {
            "url": server.url("/echo"),
            "type": "POST",
            "body": "abcdef",
            "headers": {"Content-Length": "1", "Connection": "close"},
        },
    )
    assert echo["body"] == "abcdef"
    assert echo["headers"]["content-length"] == "6"


@pytest.mark.parametrize(
    "name",
    ["Transfer-Encoding", "TE", "Upgrade", "Trailer", "Keep-Alive", "Proxy-Connection"],
)
def test_hop_by_hop_header_never_sent(ctx, server, name):
    echo = invoke_url(
        ctx,
        {
            "url": server.url("/echo"),
            "type": "POST",
            "body": "abcdef",
            "headers": {name: "chunked"},
        },
    )
    assert echo["body"] == "abcdef"
    assert name.lower() not in echo["headers"]


def test_host_header_must_match_url(ctx, server):
    before = len(server.hits)
    with pytest.raises(DelugeError, match="Host header 'admin.intranet.test'"):
        invoke_url(
            ctx,
            {"url": server.url("/echo"), "headers": {"Host": "admin.intranet.test"}},
        )
    assert len(server.hits) == before
    host = f"127.0.0.1:{server.port}"
    echo = invoke_url(ctx, {"url": server.url("/echo"), "headers": {"HOST": host}})
    assert echo["headers"]["host"] == host


# URLs the IDNA codec rejects


@pytest.mark.parametrize(
    "url",
    ["http://xn--localhost-/", "http://xn--zz/", "http://xn--.test/"],
)
def test_bad_idna_host_is_invalid_url(url):
    ctx = make_context(allow=())
    with pytest.raises(DelugeError, match="invalid URL"):
        invoke_url(ctx, {"url": url})


def test_bad_idna_redirect_is_invalid_url(ctx, server):
    with pytest.raises(DelugeError, match="invalid URL"):
        invoke_url(ctx, {"url": server.url("/redirect?to=http://xn--localhost-/")})


# Character sets


@pytest.mark.parametrize(
    "name", ["idna", "undefined", "punycode", "rot13", "base64", "hex", "nonsense"]
)
def test_response_charset_not_a_text_codec(ctx, server, name):
    text = invoke_url(ctx, {"url": server.url(f"/charset?name={name}")})
    assert text == "naïve ✓"


@pytest.mark.parametrize(
    "name", ["idna", "undefined", "punycode", "rot13", "base64", "zlib", "uu"]
)
def test_response_decoding_must_be_text_codec(ctx, server, name):
    with pytest.raises(DelugeError, match="is not a known character set"):
        invoke_url(ctx, {"url": server.url("/text"), "response-decoding": name})


def test_response_decoding_overrides_charset(ctx, server):
    text = invoke_url(
        ctx,
        {"url": server.url("/charset?name=utf-8"), "response-decoding": "ISO-8859-1"},
    )
    assert text == "naïve ✓".encode("utf-8").decode("latin-1")


# The legacy invokeUrl function


def test_invoke_url_function_simple_flag(ctx, server):
    before = len(server.hits)
    for method in ("GET", "POST", "delete"):
        detailed = web.invoke_url_function(ctx, server.url("/echo"), method, False)
        assert list(detailed) == ["responseText", "responseHeader", "responseCode"]
        assert detailed["responseCode"] == 200
        echo = json.loads(detailed["responseText"])
        assert echo["method"] == method.upper()
        assert echo["body"] == ""
        assert echo["query"] == ""
        simple = web.invoke_url_function(ctx, server.url("/echo"), method, True)
        assert json.loads(simple)["body"] == ""
    assert len(server.hits) == before + 6


def test_invoke_url_function_body_headers_flag(ctx, server):
    detailed = web.invoke_url_function(
        ctx, server.url("/echo"), "PUT", {"a": "1"}, {"X-Tag": "t"}, False
    )
    echo = json.loads(detailed["responseText"])
    assert echo["method"] == "PUT"
    assert echo["body"] == "a=1"
    assert echo["headers"]["x-tag"] == "t"


# Parameter keys as scripts write them


def test_task_keys_any_case_and_spacing(server):
    source = f"""
resp = invokeurl
[
    URL : "{server.url("/echo")}"
    Type: post
    Parameters: {{"a": 1}}
    Content Type: "application/json"
    HEADERS: {{"X-Tag": "t"}}
    Response Format :TEXT
    DETAILED: true
];
return resp;
"""
    _, result = run(source)
    assert result.error is None, result.error
    assert result.output["responseCode"] == 200
    echo = json.loads(result.output["responseText"])
    assert echo["method"] == "POST"
    assert echo["headers"]["content-type"] == "application/json"
    assert echo["headers"]["x-tag"] == "t"
    assert json.loads(echo["body"]) == {"a": 1}


def test_same_key_twice_is_a_compile_error():
    from compiler import compile_function

    source = """
resp = invokeurl
[
    url: "http://api.example.test/"
    content-type: "text/plain"
    Content Type: "application/json"
];
"""
    result = compile_function(source, name="hook", parameters=[], return_type=None)
    assert not result.ok
    messages = [d.message for d in result.diagnostics]
    assert any("'content-type' is given twice" in m for m in messages), messages


def test_unknown_key_is_a_compile_error():
    from compiler import compile_function

    source = """
resp = invokeurl
[
    url: "http://api.example.test/"
    header: {"X-Tag": "t"}
];
"""
    result = compile_function(source, name="hook", parameters=[], return_type=None)
    assert not result.ok
    messages = [d.message for d in result.diagnostics]
    assert any("unknown parameter 'header'" in m for m in messages), messages


# Allow-list entries with a port


def test_allow_list_port_entries_parse():
    allow = AllowList.parse(
        ["127.0.0.1:8080", "[::1]:8443", "jira.intranet.test:443", "*.corp.test:8000"]
    )
    assert allow.allows("127.0.0.1", 8080)
    assert not allow.allows("127.0.0.1", 8081)
    assert allow.allows("::1", 8443)
    assert not allow.allows("::1", 80)
    assert allow.allows("jira.intranet.test", 443)
    assert not allow.allows("jira.intranet.test", 80)
    assert allow.allows("a.corp.test", 8000)
    assert not allow.allows("a.corp.test", 8001)


@pytest.mark.parametrize(
    "entry",
    ["127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "[::1]:x", "[::1]80", "host:"],
)
def test_allow_list_rejects_bad_port(entry):
    with pytest.raises(ValueError, match="invalid outbound allow-list entry"):
        AllowList.parse([entry])


def test_port_entry_opens_only_that_port(server, other_server):
    ctx = make_context(allow=(f"127.0.0.1:{server.port}",))
    assert invoke_url(ctx, {"url": server.url("/array")}) == [1, "two", {"three": 3}]
    before = len(other_server.hits)
    with pytest.raises(DelugeError, match="was rejected"):
        invoke_url(ctx, {"url": other_server.url("/json")})
    target = other_server.url("/json")
    for code in (301, 302, 303, 307, 308):
        url = server.url(f"/redirect?code={code}&to={target}")
        with pytest.raises(DelugeError, match="was rejected"):
            invoke_url(ctx, {"url": url, "type": "POST", "body": "x"})
    assert len(other_server.hits) == before


def test_host_port_entry_with_stub_resolver():
    from tests.http.test_outbound_policy import refusing_context, stub_resolver

    resolver = stub_resolver({"jira.intranet.test": ["10.0.0.1"]})
    ctx, backend = refusing_context(resolver, allow=["jira.intranet.test:8443"])
    with pytest.raises(DelugeError, match="was rejected"):
        invoke_url(ctx, {"url": "http://jira.intranet.test:8080/rest"})
    assert backend.attempts == []


# Ranges newer than the ipaddress registry of some Python releases


@pytest.mark.parametrize("address", ["3fff::1", "3fff:fff:ffff::1"])
def test_new_documentation_prefix_rejected(address):
    import ipaddress

    from runtime.http_address import rejection_reason

    found = rejection_reason(ipaddress.ip_address(address))
    assert found is not None
    assert "documentation" in found


@pytest.mark.parametrize("name", ["Host", "content-length", "Transfer-Encoding"])
def test_admin_api_rejects_client_header_name(name):
    body = {
        "link_name": "crm",
        "auth_type": "api_key",
        "location": "header",
        "parameter_name": name,
        "api_key": SECRET,
    }
    with pytest.raises(ApiError, match="sets this header itself"):
        connection_store.validate(body, existing=None)


def test_request_repr_hides_secret():
    from runtime.http_transport import OutboundRequest

    request = OutboundRequest(
        method="GET",
        url="https://api.example.test/",
        headers=[("Authorization", f"Bearer {SECRET}")],
        query=[("key", SECRET)],
        content=SECRET.encode(),
        form=[("password", SECRET)],
    )
    assert SECRET not in repr(request)
    assert "api.example.test" in repr(request)


# Ports and empty bodies


@pytest.mark.parametrize("offset", [65536, 131072])
def test_port_out_of_range_is_invalid(ctx, server, offset):
    # glibc's getaddrinfo keeps only the low 16 bits of a numeric port, so
    # without the check this URL would reach the server's own port.
    before = len(server.hits)
    url = f"http://127.0.0.1:{server.port + offset}/json"
    with pytest.raises(DelugeError, match="invalid URL: the port"):
        invoke_url(ctx, {"url": url})
    with pytest.raises(DelugeError, match="invalid URL: the port"):
        invoke_url(ctx, {"url": server.url(f"/redirect?to={url}")})
    assert len(server.hits) == before + 1


def test_port_zero_is_invalid(ctx):
    with pytest.raises(DelugeError, match="invalid URL: the port"):
        invoke_url(ctx, {"url": "http://127.0.0.1:0/"})


@pytest.mark.parametrize("response_format", ["JSON", "TEXT", None])
def test_empty_body_is_empty_text(ctx, server, response_format):
    params = {"url": server.url("/empty")}
    if response_format is not None:
        params["response-format"] = response_format
    assert invoke_url(ctx, params) == ""
    params["detailed"] = True
    assert invoke_url(ctx, params)["responseText"] == ""


@pytest.mark.parametrize(
    "body", ['{"a": NaN}', "[Infinity]", '{"a": -Infinity}', "[1, NaN]"]
)
def test_json_constants_are_not_json(ctx, server, body):
    # NaN and Infinity are not JSON (RFC 8259); toMap rejects them too.
    from urllib.parse import quote

    url = server.url(f"/raw?body={quote(body)}")
    assert invoke_url(ctx, {"url": url}) == body
    with pytest.raises(DelugeError, match="is not valid JSON"):
        invoke_url(ctx, {"url": url, "response-format": "JSON"})


# A connection's query parameter


def test_query_key_replaces_url_parameter(server):
    lookup = {
        "weather": Connection(
            "weather", "api_key", SECRET, location="query", parameter_name="appid"
        )
    }.get
    ctx = make_context(connections=lookup)
    url = server.url("/echo?appid=from-script&city=Oslo")
    params = {"url": url, "parameters": {"appid": "other"}, "connection": "weather"}
    echo = invoke_url(ctx, params)
    sent = parse_qs(echo["query"])
    assert sent["appid"] == [SECRET]
    assert sent["city"] == ["Oslo"]


# Broken compressed bodies


@contextlib.contextmanager
def raw_response_server(response: bytes):
    """Answer one connection on 127.0.0.1 with fixed bytes, then close it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(10)

    def serve():
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        with connection:
            connection.recv(65536)
            connection.sendall(response)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        listener.close()
        thread.join(timeout=10)


def _encoded_response(coding: str, body: bytes) -> bytes:
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
        f"Content-Encoding: {coding}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


@pytest.mark.parametrize(
    ("coding", "body", "problem"),
    [
        ("gzip", b"0123456789", "not valid gzip data"),
        ("deflate", b"0123456789", "not valid deflate data"),
        ("gzip", gzip.compress(b"x" * 1000)[:12], "is cut off"),
        ("deflate", zlib.compress(b"x" * 1000)[:6], "is cut off"),
    ],
)
def test_broken_compressed_body_is_catchable(coding, body, problem):
    ctx = make_context()
    with raw_response_server(_encoded_response(coding, body)) as url:
        with pytest.raises(DelugeError, match=problem):
            invoke_url(ctx, {"url": url})


def test_raw_deflate_body_is_decoded():
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    body = packer.compress(b"raw deflate") + packer.flush()
    ctx = make_context()
    with raw_response_server(_encoded_response("deflate", body)) as url:
        assert invoke_url(ctx, {"url": url}) == "raw deflate"


# Spellings of loopback, against a live server with the allow-list off


@pytest.mark.parametrize(
    "host",
    [
        "ＬＯＣＡＬＨＯＳＴ",
        "ⓛocalhost",
        "localhost\u200b",
        "127。0。0。1",
        "127．0．0．1",
        "xn--lcalhost-",
        "LocalHost.",
        "127.0.0.1.",
        "0x7f.0.0.1",
        "017700000001",
        "[::ffff:7f00:1]",
        "[::ffff:127.0.0.1%25lo]",
        "[0000:0000:0000:0000:0000:0000:0000:0001]",
        "allowed.test@127.0.0.1",
        "allowed.test\\@127.0.0.1",
    ],
)
def test_loopback_spellings_never_connect(server, host):
    ctx = make_context(allow=())
    before = len(server.hits)
    url = f"http://{host}:{server.port}/json"
    with pytest.raises(DelugeError, match="invokeurl to"):
        invoke_url(ctx, {"url": url})
    assert len(server.hits) == before
