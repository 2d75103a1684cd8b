"""Property-based tests of the admin API with random and malformed input.

Properties: no request gets 500, every body is JSON, every error has the shape
``{"error": {"code", "message", ...}}``, and the server answers an ordinary
request right after.
"""

from __future__ import annotations

import json
import urllib.parse

import httpx
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import assert_admin_error_shape, assert_still_serving
from tests.fuzz.conftest import json_body as parse_body

EXPECTED_STATUSES = {200, 201, 400, 401, 404, 405, 409, 413}
TYPES = ["map", "string", "int", "bool", "date", "float", "list", "void", "Text"]

# JSON values of every kind, including text that the server must reject
# (lone surrogates) and numbers outside every range.
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        ["", " ", "a" * 20_000, "\x00", "\ud800", "日本語", "😀", "0", "-1", "1e400"]
    ),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def nested(depth: int) -> object:
    value: object = 1
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


DEEP_VALUES = st.integers(min_value=90, max_value=140).map(nested)
PARAMETERS = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.sampled_from(["a", "b", "n", "1x", "", "while"]),
            "type": st.sampled_from(TYPES),
        },
        optional={"secret": st.sampled_from([True, False, 1, "yes", None])},
    ),
    max_size=12,
)
SCRIPTS = st.sampled_from(
    [
        "return 1;",
        'return "text";',
        "return a;",
        "return global_function_1(1);",
        "return global_function_99999999999999999999999(1);",
        "x = ;",
        "return 1 / 0;",
        "",
    ]
)
# Plausible values per field, so that requests also get past the first check.
FIELD_VALUES = {
    "name": st.sampled_from(["fuzzed", "fuzzed_2", "Other portal", "", "1bad"]),
    "api_name": st.sampled_from(["fuzzed_api", "a", "1bad", "", "x" * 101]),
    "description": st.sampled_from(["", "text", "d" * 10_001]),
    "return_type": st.sampled_from(TYPES),
    "parameters": PARAMETERS,
    "script": SCRIPTS,
    "publish": st.sampled_from([True, False, "true", 1]),
    "time_zone": st.sampled_from(["UTC", "Asia/Tokyo", "Mars/Base", "", "A" * 300]),
    "ids": st.lists(st.integers(min_value=-5, max_value=2**64), max_size=5),
    "arguments": st.dictionaries(st.sampled_from(["a", "b", "n"]), JSON_VALUES),
    "link_name": st.sampled_from(["echo", "fuzz_link", "", "bad name"]),
    "auth_type": st.sampled_from(["api_key", "basic", "bearer", "oauth", ""]),
    "location": st.sampled_from(["header", "query", "body"]),
    "parameter_name": st.sampled_from(["X-Key", "bad header\n", ""]),
    "username": st.sampled_from(["user", "a:b", ""]),
    "password": st.sampled_from(["secret", ""]),
    "token": st.sampled_from(["token", ""]),
    "api_key": st.sampled_from(["key", ""]),
    "format": st.sampled_from(["deluge-callbacks-portal", "other"]),
    "format_version": st.sampled_from([1, 2, "1", None]),
}
CALLBACK_FIELDS = [
    "name",
    "api_name",
    "description",
    "return_type",
    "parameters",
    "script",
    "publish",
]
GLOBAL_FIELDS = ["name", "description", "return_type", "parameters", "script"]
CONNECTION_FIELDS = [
    "link_name",
    "name",
    "description",
    "auth_type",
    "location",
    "parameter_name",
    "username",
    "password",
    "token",
    "api_key",
]
IMPORT_FIELDS = ["format", "format_version", "portal", "callbacks", "global_functions"]

# (method, path template, body fields or None for no body)
ROUTES = [
    ("GET", "/api/v1/portals", None),
    ("POST", "/api/v1/portals", ["name", "time_zone"]),
    ("GET", "/api/v1/portals/{p}/callbacks", None),
    ("POST", "/api/v1/portals/{p}/callbacks", CALLBACK_FIELDS),
    ("GET", "/api/v1/portals/{p}/callbacks/{c}", None),
    ("PUT", "/api/v1/portals/{p}/callbacks/{c}", CALLBACK_FIELDS),
    ("DELETE", "/api/v1/portals/{p}/callbacks/{c}", None),
    ("POST", "/api/v1/portals/{p}/callbacks/delete", ["ids"]),
    ("POST", "/api/v1/portals/{p}/callbacks/{c}/publish", None),
    ("POST", "/api/v1/portals/{p}/callbacks/{c}/unpublish", None),
    ("GET", "/api/v1/portals/{p}/callbacks/{c}/versions", None),
    ("GET", "/api/v1/portals/{p}/callbacks/{c}/versions/{v}", None),
    ("GET", "/api/v1/portals/{p}/callbacks/{c}/python", None),
    ("POST", "/api/v1/portals/{p}/callbacks/{c}/execute", ["arguments"]),
    ("GET", "/api/v1/portals/{p}/callbacks/{c}/executions", None),
    ("GET", "/api/v1/portals/{p}/callbacks/{c}/executions/{v}", None),
    ("GET", "/api/v1/portals/{p}/callbacks/{c}/stats", None),
    (
        "POST",
        "/api/v1/portals/{p}/execute",
        ["script", "parameters", "return_type", "arguments"],
    ),
    ("GET", "/api/v1/portals/{p}/global-functions", None),
    ("POST", "/api/v1/portals/{p}/global-functions", GLOBAL_FIELDS),
    ("GET", "/api/v1/portals/{p}/global-functions/{c}", None),
    ("PUT", "/api/v1/portals/{p}/global-functions/{c}", GLOBAL_FIELDS),
    ("DELETE", "/api/v1/portals/{p}/global-functions/{c}", None),
    ("GET", "/api/v1/portals/{p}/connections", None),
    ("POST", "/api/v1/portals/{p}/connections", CONNECTION_FIELDS),
    ("GET", "/api/v1/portals/{p}/connections/{c}", None),
    ("PUT", "/api/v1/portals/{p}/connections/{c}", CONNECTION_FIELDS),
    ("DELETE", "/api/v1/portals/{p}/connections/{c}", None),
    ("GET", "/api/v1/portals/{p}/export", None),
    ("POST", "/api/v1/portals/{p}/import", IMPORT_FIELDS),
    ("GET", "/api/v1/status", None),
]

# Path ids: mostly the seeded 1, then zero, negatives, huge numbers and text.
OTHER_IDS = st.one_of(
    st.integers(min_value=-3, max_value=4).map(str),
    st.integers(min_value=2**62, max_value=2**70).map(str),
    st.text(alphabet="0123456789", min_size=19, max_size=40),
    st.sampled_from(["abc", "1.5", "1e3", " 1", "0x1", "²", "%00", "1;2", ""]),
)
IDS = st.integers(min_value=0, max_value=9).flatmap(
    lambda choice: st.just("1") if choice < 7 else OTHER_IDS
)
QUERY_NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(alphabet="0123456789", min_size=1, max_size=5000),
    st.sampled_from(["", "0", "-1", "1.5", "²", "١", "1e9", " 5", "0x10", "%ff"]),
)
QUERY_VALUES = st.one_of(
    QUERY_NUMBERS,
    st.text(max_size=30),
    st.sampled_from(
        ["success", "error", "2026-01-31T00:00:00Z", "9999-99-99", "true", "\x00"]
    ),
)
QUERY = st.dictionaries(
    st.sampled_from(
        ["page", "per_page", "search", "status", "since", "until", "tokens", "window"]
    )
    | st.text(max_size=6),
    QUERY_VALUES,
    max_size=5,
)


@st.composite
def bodies(draw, fields: list[str] | None) -> bytes | None:
    """Draw a request body: a JSON object of the route's fields, or malformed bytes."""
    if fields is None and draw(st.booleans()):
        return None
    kind = draw(st.integers(min_value=0, max_value=9))
    if kind <= 5 and fields:
        document = draw(
            st.dictionaries(
                st.sampled_from(fields),
                st.one_of(JSON_VALUES, DEEP_VALUES),
                max_size=len(fields),
            )
        )
        # Plausible values for most fields, random ones for the rest.
        for name in list(document):
            if name in FIELD_VALUES and draw(st.booleans()):
                document[name] = draw(FIELD_VALUES[name])
        if draw(st.booleans()):
            document[draw(st.text(max_size=8))] = draw(JSON_VALUES)
        return json.dumps(document).encode("utf-8", "surrogatepass")
    if kind == 6:
        return json.dumps(draw(st.one_of(JSON_VALUES, DEEP_VALUES))).encode(
            "utf-8", "surrogatepass"
        )
    if kind == 7:
        return draw(st.binary(max_size=200))
    return draw(
        st.sampled_from(
            [
                b"",
                b"{",
                b"[]",
                b"5",
                b'"text"',
                b"\xff\xfe{}",
                b'{"name": "a", "name": 5}',
                b'{"name": "\\ud800"}',
                b"[" * 5000 + b"]" * 5000,
                b'{"a": NaN}',
                b'{"a": 1e999}',
                b"null",
            ]
        )
    )


@st.composite
def admin_requests(draw) -> tuple[str, str, bytes | None, dict]:
    method, template, fields = draw(st.sampled_from(ROUTES))
    ids = {name: draw(IDS) for name in ("p", "c", "v")}
    path = template.format(**{k: urllib.parse.quote(v) for k, v in ids.items()})
    return method, path, draw(bodies(fields)), draw(QUERY)


@pytest.fixture(scope="module")
def seeded(live):
    """Create a published callback, a global function and a connection with id 1."""
    created = live.admin.post(
        "/api/v1/portals/1/global-functions",
        json={
            "name": "triple",
            "return_type": "int",
            "parameters": [{"name": "n", "type": "int"}],
            "script": "return n * 3;",
        },
    )
    assert created.status_code == 201, created.text
    created = live.admin.post(
        "/api/v1/portals/1/callbacks",
        json={
            "name": "seed",
            "api_name": "seed",
            "return_type": "int",
            "parameters": [{"name": "a", "type": "int"}],
            "script": "return global_function_1(a);",
            "publish": True,
        },
    )
    assert created.status_code == 201, created.text
    created = live.admin.post(
        "/api/v1/portals/1/connections",
        json={"link_name": "echo", "name": "Echo", "auth_type": "bearer", "token": "t"},
    )
    assert created.status_code == 201, created.text
    return live


def check_admin_response(response: httpx.Response) -> None:
    event(f"status {response.status_code}")
    assert response.status_code != 500, response.text[:1000]
    if response.status_code == 307:
        # Starlette redirects a path with a trailing slash to the one without.
        assert response.headers["location"], response.headers
        return
    assert response.status_code in EXPECTED_STATUSES, response.text[:1000]
    body = parse_body(response)
    if response.status_code >= 400:
        assert_admin_error_shape(body, response.status_code)
    else:
        assert isinstance(body, dict), body


@settings(settings.get_profile("fuzz"), max_examples=250)
@given(request=admin_requests())
def test_admin_routes_never_fail(seeded, request):
    method, path, body, query = request
    url = httpx.URL(seeded.base_url + path, params=query)
    headers = {} if body is None else {"Content-Type": "application/json"}
    response = seeded.admin.request(method, url, content=body, headers=headers)
    check_admin_response(response)
    assert_still_serving(seeded)


@settings(settings.get_profile("fuzz"), max_examples=40)
@given(
    raw_query=st.binary(max_size=60).map(
        lambda data: urllib.parse.quote_from_bytes(data, safe="=&%")
    ),
    path=st.sampled_from(
        [
            "/api/v1/portals/1/callbacks",
            "/api/v1/portals/1/callbacks/1/executions",
            "/api/v1/portals/1/callbacks/1/stats",
            "/api/v1/portals/1/export",
        ]
    ),
)
def test_raw_query_strings(seeded, raw_query, path):
    url = httpx.URL(seeded.base_url + path).copy_with(query=raw_query.encode())
    check_admin_response(seeded.admin.get(url))
    assert_still_serving(seeded)


@settings(settings.get_profile("fuzz"), max_examples=30)
@given(
    # h11 sends no header value with whitespace at either end.
    authorization=st.one_of(
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126)),
        st.sampled_from(["Bearer", "bearer x", "Basic abc", "Bearer  x", "x y z"]),
    ).map(str.strip)
)
def test_wrong_admin_keys_get_401(seeded, authorization):
    response = httpx.get(
        seeded.base_url + "/api/v1/portals",
        headers={"Authorization": authorization},
        timeout=30,
    )
    assert response.status_code == 401, response.text
    assert_admin_error_shape(parse_body(response), 401)
