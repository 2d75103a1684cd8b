"""Crafted requests to the real server fail cleanly and change nothing.

Each test sends the attack to a server on 127.0.0.1 (SQLite and cache in a
temporary directory), checks the exact response, then invokes a normal
callback to show that the service still responds.
"""

import dataclasses
import json
import socket
import time

import pytest

from tests.security.api import (
    ECHO_SCRIPT,
    assert_service_healthy,
    invoke,
    publish,
    query_of,
)

INVALID_URL = {"content": "Invalid callback function url"}


@pytest.fixture(scope="module")
def echo(live):
    return publish(live, ECHO_SCRIPT)


@pytest.fixture(scope="module")
def other_portal(live):
    response = live.admin.post("/api/v1/portals", json={"name": "Other portal"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_token_of_other_function_rejected(live, echo):
    other = publish(live, 'return "other";')
    query = query_of(echo)
    query["api_name"] = query_of(other)["api_name"]
    response = invoke(live, query, {"text": "x"})
    assert response.status_code == 404
    assert response.json() == INVALID_URL
    assert_service_healthy(live, echo)


def test_token_in_other_portal_rejected(live, echo, other_portal):
    query = query_of(echo)
    query["PORTALID"] = str(other_portal)
    response = invoke(live, query, {"text": "x"})
    assert response.status_code == 404
    assert response.json() == INVALID_URL
    assert_service_healthy(live, echo)


def test_same_api_name_in_other_portal_isolated(live, echo, other_portal):
    # The other portal publishes the same API name; neither token opens the
    # other portal's callback.
    query = query_of(echo)
    response = live.admin.post(
        f"/api/v1/portals/{other_portal}/callbacks",
        json={
            "name": "twin",
            "api_name": query["api_name"],
            "return_type": "string",
            "parameters": [{"name": "text", "type": "string"}],
            "script": 'return "twin " + text;',
            "publish": True,
        },
    )
    assert response.status_code == 201, response.text
    twin = query_of(response.json())
    crossed = dict(twin, auth_token=query["auth_token"])
    assert invoke(live, crossed, {"text": "x"}).json() == INVALID_URL
    crossed = dict(query, auth_token=twin["auth_token"])
    assert invoke(live, crossed, {"text": "x"}).json() == INVALID_URL
    assert invoke(live, twin, {"text": "x"}).json() == {"output": "twin x"}
    assert_service_healthy(live, echo)


@pytest.mark.parametrize("change", [
    {"auth_token": ""},
    {"auth_token": "x"},
    {"PORTALID": "1 OR 1=1"},
    {"PORTALID": "-1"},
    {"PORTALID": "99999999999999999999999999"},
    {"api_name": "' OR '1'='1"},
    {"api_name": "%"},
    {"serviceName": "other"},
])  # fmt: skip
def test_tampered_url_is_invalid(live, echo, change):
    query = dict(query_of(echo), **change)
    response = invoke(live, query, {"text": "x"})
    assert response.status_code == 404
    assert response.json() == INVALID_URL
    assert_service_healthy(live, echo)


def test_truncated_token_rejected(live, echo):
    query = query_of(echo)
    for token in (
        query["auth_token"][:-1],
        query["auth_token"] + "A",
        query["auth_token"].upper(),
    ):
        response = invoke(live, dict(query, auth_token=token), {"text": "x"})
        assert response.json() == INVALID_URL
    assert_service_healthy(live, echo)


def test_huge_body_rejected_with_413(live, echo):
    body = b'{"arguments": {"text": "' + b"a" * (2 * 1024 * 1024) + b'"}}'
    response = live.client.post(
        "/AppIntegrations",
        params=query_of(echo),
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json() == {
        "errorMessage": "Execution limit exceeded: request body (1048576 bytes); "
        "send a smaller body"
    }
    assert_service_healthy(live, echo)


def test_huge_chunked_body_rejected(live, echo):
    def chunks():
        for _ in range(300):
            yield b"a" * 8192

    response = live.client.post(
        "/AppIntegrations",
        params=query_of(echo),
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert "request body (1048576 bytes)" in response.json()["errorMessage"]
    assert_service_healthy(live, echo)


def raw_request(live, head: bytes, body: bytes = b"") -> bytes:
    """Send one HTTP/1.1 request over a socket and return the response bytes."""
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
        sock.sendall(head + b"\r\n\r\n" + body)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        return received


def test_declared_huge_length_rejected_unread(live, echo):
    query = "&".join(f"{k}={v}" for k, v in query_of(echo).items())
    response = raw_request(
        live,
        f"POST /AppIntegrations?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nContent-Length: 99999999999".encode(),
        b"{}",
    )
    assert response.startswith(b"HTTP/1.1 413 ")
    assert_service_healthy(live, echo)


@pytest.mark.parametrize("length", ["-1", "1e9", "0x10", "abc"])
def test_invalid_content_length_rejected(live, echo, length):
    query = "&".join(f"{k}={v}" for k, v in query_of(echo).items())
    response = raw_request(
        live,
        f"POST /AppIntegrations?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}".encode(),
        b"{}",
    )
    assert response.startswith(b"HTTP/1.1 400 ")
    assert b"Traceback" not in response
    assert_service_healthy(live, echo)


def test_half_sent_body_does_not_block_service(live, echo):
    # A client that declares a body and stops sending ties up one connection,
    # not the service.
    with socket.create_connection(("127.0.0.1", live.port), timeout=5) as stalled:
        stalled.sendall(
            b"POST /AppIntegrations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
        )
        assert_service_healthy(live, echo)


@pytest.mark.parametrize("depth", [101, 1000, 100_000])
def test_deep_argument_json_rejected(live, echo, depth):
    arguments = '{"text": ' + "[" * depth + "]" * depth + "}"
    response = (
        live.client.get(
            "/AppIntegrations", params=dict(query_of(echo), arguments=arguments)
        )
        if depth < 5000
        else live.client.post(
            "/AppIntegrations",
            params=query_of(echo),
            content=json.dumps({"arguments": arguments}),
            headers={"Content-Type": "application/json"},
        )
    )
    assert response.status_code == 400
    assert response.json() == {
        "errorMessage": "arguments is nested deeper than 100 levels; flatten it"
    }
    assert_service_healthy(live, echo)


def test_deep_json_body_rejected(live, echo):
    body = '{"arguments": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}"
    response = live.client.post(
        "/AppIntegrations",
        params=query_of(echo),
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "errorMessage": "Request body is nested deeper than 100 levels; flatten it"
    }
    assert_service_healthy(live, echo)


@pytest.mark.parametrize("arguments", [
    '{"text": ' + "9" * 5000 + "}",
    '{"text": NaN}',
    '{"text": Infinity}',
    "[1, 2]",
    '"text"',
    "{",
    '{"text": "a", "text": "b", "__class__": 1}',
])  # fmt: skip
def test_malformed_arguments_get_json_error(live, echo, arguments):
    response = live.client.get(
        "/AppIntegrations", params=dict(query_of(echo), arguments=arguments)
    )
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    if response.status_code == 200:
        # Duplicate keys and unknown names are tolerated; the last value wins.
        assert body == {"output": "echo b"}
    else:
        assert response.status_code == 400
        assert set(body) == {"errorMessage"}
        assert "Traceback" not in body["errorMessage"]
        assert "Error" not in body["errorMessage"]
        assert "sys." not in body["errorMessage"]
    assert_service_healthy(live, echo)


def test_long_number_argument_message(live, echo):
    # Python's own text for this names an interpreter setting to change.
    arguments = '{"text": ' + "9" * 5000 + "}"
    response = live.client.get(
        "/AppIntegrations", params=dict(query_of(echo), arguments=arguments)
    )
    assert response.status_code == 400
    assert response.json() == {
        "errorMessage": "arguments is not valid JSON: a number has more than "
        "4300 digits"
    }
    assert_service_healthy(live, echo)


def test_non_utf8_admin_body_message(live):
    response = live.admin.post(
        "/api/v1/portals",
        content=b'{"name": "\xff"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message == (
        "Request body is not valid JSON: byte 0xff at position 10 is not valid UTF-8"
    )


@pytest.mark.parametrize("body, content_type", [
    (b"\xff\xfe\x00garbage", "application/json"),
    (b"a=%ZZ&arguments=%", "application/x-www-form-urlencoded"),
    (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
    (b"<xml/>", "application/xml"),
    (b"[]", "application/json"),
])  # fmt: skip
def test_malformed_bodies_get_json_error(live, echo, body, content_type):
    response = live.client.post(
        "/AppIntegrations",
        params=query_of(echo),
        content=body,
        headers={"Content-Type": content_type},
    )
    assert response.headers["content-type"].startswith("application/json")
    assert "Traceback" not in response.text
    if response.status_code == 200:
        # The multipart parser drops a part it cannot read, so the call runs
        # with no arguments.
        assert content_type.startswith("multipart/")
        assert response.json() == {"output": "echo null"}
    else:
        assert response.status_code in (400, 404, 415)
        assert set(response.json()) == {"errorMessage"}
    assert_service_healthy(live, echo)


def test_huge_text_argument_within_body_cap(live, echo):
    text = "x" * 900_000
    response = live.client.post(
        "/AppIntegrations",
        params=query_of(echo),
        content=json.dumps({"arguments": {"text": text}}),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200
    assert response.json() == {"output": "echo " + text}


LOOP_200 = "{" + ",".join(["1"] * 200) + "}"
LOOP_40 = "{" + ",".join(["1"] * 40) + "}"
SCRIPT_ATTACKS = {
    "statement loop": (
        (
            f"n = 0;\nl = {LOOP_200};\nfor each a in l\n{{\n    for each b in l\n"
            "    {\n        n = n + 1;\n    }\n}\nreturn n;"
        ),
        "x",
        "Execution limit exceeded: statements (5000) (Line no: 7)",
    ),
    "text doubling": (
        (
            f"s = text;\nl = {LOOP_40};\nfor each a in l\n{{\n    s = s + s;\n}}\n"
            "return s;"
        ),
        "ab",
        "Execution limit exceeded: text length (1000000 characters) (Line no: 5)",
    ),
    "runtime error": (
        "x = 1;\ny = text.toLong();\nreturn y;",
        "12a",
        (
            'toNumber: the text "12a" is not a number; remove letters and spaces '
            "first (Line no: 2)"
        ),
    ),
    "dunder method on parameter": (
        'm = text.toMap();\nv = m.get("a");\nreturn v.__class__();',
        '{"a": "b"}',
        "Function '__class__' is not applicable to a TEXT value (Line no: 3)",
    ),
    "XML entity declaration": (
        'x = 1;\nreturn text.executeXPath("/l");',
        '<!DOCTYPE l [<!ENTITY a "b">]><l>&a;</l>',
        (
            "executeXPath: invalid XML: a DTD, entity declarations and external "
            "references are not supported (Line no: 2)"
        ),
    ),
    "list of a long text": (
        's = text.leftPad(200000).replaceAll(" ", ",");\nl = List(s);\n'
        "return l.size();",
        ",",
        "Execution limit exceeded: collection size (100000 elements) (Line no: 2)",
    ),
    "self-containing list": (
        "l = List();\nl.add(l);\nreturn l;",
        "x",
        "Execution limit exceeded: response size (10485760 bytes)",
    ),
}


@pytest.mark.parametrize("label", sorted(SCRIPT_ATTACKS))
def test_script_attack_over_http(live, echo, label):
    script, text, expected = SCRIPT_ATTACKS[label]
    record = publish(live, script)
    response = invoke(live, query_of(record), {"text": text})
    assert response.status_code == 500
    assert response.json() == {"errorMessage": expected}
    assert_service_healthy(live, echo)


def test_catastrophic_regex_over_http(live, echo):
    # The service's wall-time limit is 60 s; a shorter one set on the running
    # service keeps the test fast and takes the same path.
    settings = live.service.settings
    limits = settings.limits
    record = publish(live, 'x = 1;\nreturn text.matches("(a|aa)+$");')
    object.__setattr__(
        settings, "limits", dataclasses.replace(limits, wall_time_seconds=0.5)
    )
    try:
        started = time.monotonic()
        response = invoke(live, query_of(record), {"text": "a" * 48 + "b"})
        elapsed = time.monotonic() - started
    finally:
        object.__setattr__(settings, "limits", limits)
    assert elapsed < 5
    assert response.status_code == 500
    assert response.json() == {
        "errorMessage": "Execution limit exceeded: wall time (0.5 s, reached in a "
        "regular expression) (Line no: 2)"
    }
    assert_service_healthy(live, echo)


def test_lone_surrogate_argument_rejected(live, echo):
    # Regression: an unpaired surrogate reached the UTF-8 encoder of the
    # response and the history writer, a 500 and a dead writer thread.
    for arguments in ('{"text": "\\ud800"}', '{"\\udfff": 1, "text": "a"}'):
        response = live.client.get(
            "/AppIntegrations", params=dict(query_of(echo), arguments=arguments)
        )
        assert response.status_code == 400
        message = response.json()["errorMessage"]
        assert message.startswith("arguments contains the unpaired UTF-16 surrogate")
    body = b'{"arguments": {"text": "\xed\xa0\x80"}}'
    response = live.client.post(
        "/AppIntegrations",
        params=query_of(echo),
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "errorMessage": "Request body contains the unpaired UTF-16 surrogate "
        "\\ud800; send valid Unicode text"
    }
    assert_service_healthy(live, echo)


def test_surrogate_pair_argument_accepted(live, echo):
    response = live.client.get(
        "/AppIntegrations",
        params=dict(query_of(echo), arguments='{"text": "\\ud83d\\ude00"}'),
    )
    assert response.status_code == 200
    assert response.json() == {"output": "echo \U0001f600"}


@pytest.mark.parametrize("script, expected", [
    ('return "a\\uD800b";', {"output": "a\ufffdb"}),
    ('return "\\uD83D\\uDE00";', {"output": "\U0001f600"}),
    ('x = "{\\"a\\": \\"\\\\ud800\\"}";\nreturn x.getJSON("a");',
     {"output": "\ufffd"}),
    ('x = "\\uDC00";\nreturn x.toLong();',
     {"errorMessage": 'toNumber: the text "\ufffd" is not a number; remove '
                      "letters and spaces first (Line no: 2)"}),
])  # fmt: skip
def test_surrogates_from_scripts_are_well_formed(live, echo, script, expected):
    record = publish(live, script)
    response = invoke(live, query_of(record), {"text": "x"})
    assert response.json() == expected
    assert_service_healthy(live, echo)


def test_lone_surrogate_in_script_body_rejected(live, echo):
    body = json.dumps(
        {
            "name": "s",
            "api_name": "lone_surrogate",
            "return_type": "string",
            "parameters": [],
            "script": 'return "\ud800";',
            "publish": True,
        }
    )
    response = live.admin.post(
        "/api/v1/portals/1/callbacks",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "Request body contains the unpaired UTF-16 surrogate \\ud800; send valid "
        "Unicode text"
    )
    assert_service_healthy(live, echo)


def test_admin_test_run_reports_limit(live, echo):
    response = live.admin.post(
        "/api/v1/portals/1/execute",
        json={"script": 'l = List();\nl.add(l);\nx = "a" + l;\nreturn 1;'},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["errorMessage"] == (
        "Execution limit exceeded: text length (1000000 characters) (Line no: 3)"
    )
    assert_service_healthy(live, echo)


@pytest.mark.parametrize(
    "time_zone", ["A" * 300, "../../../../etc/passwd", "/etc/localtime", "UTC\x00"]
)
def test_portal_time_zone_rejected_cleanly(live, echo, time_zone):
    # Regression: a name longer than a file name raised OSError, a 500.
    response = live.admin.post(
        "/api/v1/portals", json={"name": "tz", "time_zone": time_zone}
    )
    assert response.status_code == 400
    assert "Unknown time zone" in response.json()["error"]["message"]
    assert_service_healthy(live, echo)


def test_unpublishable_script_is_clean_error(live, echo):
    response = live.admin.post(
        "/api/v1/portals/1/callbacks",
        json={
            "name": "big",
            "api_name": "big_number",
            "return_type": "int",
            "parameters": [],
            "script": "return " + "9" * 5000 + ";",
            "publish": True,
        },
    )
    assert response.status_code in (400, 422)
    assert "does not fit a 64-bit NUMBER" in response.text
    assert "Traceback" not in response.text
    assert_service_healthy(live, echo)


def test_global_function_of_other_portal_unreachable(live, echo, other_portal):
    created = live.admin.post(
        "/api/v1/portals/1/global-functions",
        json={
            "name": "secretSum",
            "return_type": "int",
            "parameters": [{"name": "n", "type": "int"}],
            "script": "return n + 1000;",
        },
    )
    assert created.status_code == 201, created.text
    call_name = created.json()["call_name"]
    response = live.admin.post(
        f"/api/v1/portals/{other_portal}/callbacks",
        json={
            "name": "thief",
            "api_name": "thief",
            "return_type": "int",
            "parameters": [{"name": "n", "type": "int"}],
            "script": f"return {call_name}(n);",
            "publish": True,
        },
    )
    assert response.status_code == 400, response.text
    assert f"Function '{call_name}' is not defined" in response.text
    assert_service_healthy(live, echo)


def test_admin_routes_filter_by_portal(live, echo, other_portal):
    callback_id = echo["id"]
    for method, path in (
        ("GET", f"/api/v1/portals/{other_portal}/callbacks/{callback_id}"),
        ("PUT", f"/api/v1/portals/{other_portal}/callbacks/{callback_id}"),
        ("DELETE", f"/api/v1/portals/{other_portal}/callbacks/{callback_id}"),
    ):
        response = live.admin.request(method, path, json={"script": "return 1;"})
        assert response.status_code == 404, (method, path, response.text)
    listing = live.admin.get(f"/api/v1/portals/{other_portal}/callbacks")
    assert callback_id not in [c["id"] for c in listing.json()["callbacks"]]
    assert_service_healthy(live, echo)


def test_recursive_global_function_over_http(live, echo):
    path = "/api/v1/portals/1/global-functions"
    fields = {
        "name": "recurse",
        "return_type": "int",
        "parameters": [{"name": "n", "type": "int"}],
        "script": "return n;",
    }
    created = live.admin.post(path, json=fields)
    assert created.status_code == 201, created.text
    function = created.json()
    call_name = function["call_name"]
    edited = live.admin.put(
        f"{path}/{function['id']}",
        json={**fields, "script": f"return {call_name}(n + 1);"},
    )
    assert edited.status_code == 200, edited.text
    record = publish(
        live,
        f"x = {call_name}(0);\nreturn text;",
        parameters=[{"name": "text", "type": "string"}],
    )
    response = invoke(live, query_of(record), {"text": "x"})
    assert response.status_code == 500
    message = response.json()["errorMessage"]
    assert message.startswith(
        "Execution limit exceeded: nested calls (75) (Line no: 1)"
    )
    assert_service_healthy(live, echo)


def test_huge_integer_for_decimal_parameter(live, echo):
    # float() of this integer raised OverflowError: a 500 without a cause.
    record = publish(
        live,
        "return f;",
        parameters=[{"name": "f", "type": "float"}],
        return_type="float",
    )
    response = invoke(live, query_of(record), {"f": 10**400})
    assert response.status_code == 400
    message = response.json()["errorMessage"]
    assert message.startswith(
        "Argument 'f': the number is too large for a decimal (got 1000"
    )
    assert invoke(live, query_of(record), {"f": 2.5}).json() == {"output": 2.5}
    assert_service_healthy(live, echo)
