"""Property-based tests of ``/AppIntegrations`` with random query strings and bodies.

Properties: the status is 500 only when the script failed at run time (then
the body is ``{"errorMessage": ...}`` with the Deluge line or the limit),
every body is JSON of the documented shape, and an ordinary invocation
succeeds right after.
"""

from __future__ import annotations

import json
import urllib.parse

import httpx
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import json_body as parse_body

INVALID_URL = {"content": "Invalid callback function url"}
PARAMETERS = [
    {"name": "n", "type": "int"},
    {"name": "s", "type": "string"},
    {"name": "m", "type": "map"},
    {"name": "l", "type": "list"},
    {"name": "b", "type": "bool"},
    {"name": "d", "type": "date"},
    {"name": "f", "type": "float"},
]
# Fails at run time for n = 0 and for a list argument of fewer than 3 items.
SCRIPT = """info s;
result = Map();
result.put("n", n);
result.put("s", s);
result.put("m", m);
result.put("b", b);
result.put("f", f);
result.put("d", d);
if (n != null && n == 0)
{
\tresult.put("ratio", 1 / n);
}
if (l != null && l.size() > 0)
{
\tresult.put("third", l.get(2));
}
return result;
"""
CONTENT_TYPES = [
    None,
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=ISO-8859-1",
    'application/json; charset="utf-8"; q=1',
    "application/vnd.api+json",
    "APPLICATION/JSON",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "multipart/form-data",
    "multipart/form-data; boundary=xyz",
    "text/plain",
    "application/xml",
    "*/*",
    "application/",
    ";;;",
    "application/json; charset",
]

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "5",
            "-0",
            "1e400",
            "true",
            "FALSE",
            "2026-02-30",
            "2026-01-31T10:00:00Z",
            "31-Jan-2026 10:00:00",
            "\x00",
            "😀",
            "9" * 5000,
        ]
    ),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10,
)


def nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


ARGUMENT_OBJECTS = st.dictionaries(
    st.sampled_from([p["name"] for p in PARAMETERS]) | st.text(max_size=5),
    JSON_VALUES,
    max_size=8,
)
# Arguments that mostly convert, so that the script runs and sometimes fails.
PLAUSIBLE_ARGUMENTS = st.fixed_dictionaries(
    {},
    optional={
        "n": st.sampled_from([0, 1, "5", None, "x", 2**70]),
        "s": st.text(max_size=10),
        "l": st.lists(st.integers(), max_size=4),
        "b": st.sampled_from([True, "false", "yes"]),
        "m": st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        "f": st.sampled_from([1.5, "2", "x", 10**400]),
        "d": st.sampled_from(["2026-01-31T10:00:00Z", "31-Jan-2026", "garbage"]),
    },
)
# The text of the ``arguments`` field: an object, other JSON, or not JSON.
ARGUMENT_TEXTS = st.one_of(
    PLAUSIBLE_ARGUMENTS.map(json.dumps),
    PLAUSIBLE_ARGUMENTS.map(json.dumps),
    ARGUMENT_OBJECTS.map(json.dumps),
    JSON_VALUES.map(json.dumps),
    st.lists(st.integers(), max_size=3).map(lambda v: json.dumps(json.dumps(v))),
    st.integers().map(lambda v: json.dumps(str(v))),
    st.integers(min_value=95, max_value=110).map(lambda d: json.dumps(nested(d))),
    st.text(max_size=30),
    st.sampled_from(["", "{", "{'n': 1}", "NaN", '{"n": Infinity}', '{"n": 1,}']),
)


@pytest.fixture(scope="module")
def target(live) -> dict:
    response = live.admin.post(
        "/api/v1/portals/1/callbacks",
        json={
            "name": "probe",
            "api_name": "probe",
            "return_type": "map",
            "parameters": PARAMETERS,
            "script": SCRIPT,
            "publish": True,
        },
    )
    assert response.status_code == 201, response.text
    return dict(httpx.URL(response.json()["url"]).params)


@st.composite
def url_fields(draw, target: dict) -> list[tuple[str, str]]:
    """Draw the URL fields: mostly the right ones, some wrong, missing or repeated."""
    pairs: list[tuple[str, str]] = []
    for name, value in target.items():
        choice = draw(st.integers(min_value=0, max_value=9))
        if choice <= 6:
            pairs.append((name, value))
        elif choice == 7:
            pairs.append((name, draw(st.text(max_size=20))))
        elif choice == 8:
            pairs.extend([(name, draw(st.text(max_size=5))), (name, value)])
    if draw(st.booleans()):
        pairs.append((draw(st.text(max_size=6)), draw(st.text(max_size=6))))
    return draw(st.permutations(pairs))


def body_document(draw, fields: dict) -> bytes:
    """Draw a JSON body: the fields as an object, with odd shapes mixed in."""
    kind = draw(st.integers(min_value=0, max_value=7))
    if kind <= 2:
        document: dict = dict(fields)
        if "arguments" in document and draw(st.booleans()):
            # In a JSON body, arguments may also be the object itself.
            try:
                document["arguments"] = json.loads(document["arguments"])
            except ValueError:
                pass
        return json.dumps(document).encode()
    if kind == 3:
        # A raw payload that is not wrapped in "arguments".
        return json.dumps(draw(ARGUMENT_OBJECTS)).encode()
    if kind == 4:
        return json.dumps([fields, draw(JSON_VALUES)]).encode()
    if kind == 5:
        # Duplicate keys: JSON parsers keep the last one.
        text = ", ".join(
            f"{json.dumps(k)}: {json.dumps(v)}"
            for k, v in [*fields.items(), *fields.items()]
        )
        return ("{" + text + "}").encode()
    if kind == 6:
        return json.dumps(fields).encode()[:-1] + b"\xff\xfe}"
    return draw(st.binary(max_size=100))


@st.composite
def invocations(draw, base_url: str, target: dict) -> httpx.Request:
    pairs = draw(url_fields(target))
    arguments = draw(st.none() | ARGUMENT_TEXTS)
    method = draw(st.sampled_from(["GET", "POST"]))
    in_body = method == "POST" and draw(st.booleans())
    query_pairs = list(pairs)
    body_fields: dict = {}
    if in_body:
        # Move some fields into the body.
        for pair in pairs:
            if draw(st.booleans()):
                query_pairs.remove(pair)
                body_fields[pair[0]] = pair[1]
        if arguments is not None:
            body_fields["arguments"] = arguments
    elif arguments is not None:
        query_pairs.append(("arguments", arguments))
    url = f"{base_url}/AppIntegrations?" + urllib.parse.urlencode(query_pairs)
    if method == "GET":
        return httpx.Request("GET", url)
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    media = (content_type or "").split(";")[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        content = urllib.parse.urlencode(body_fields).encode()
        if draw(st.booleans()):
            content += b"&arguments=%ff%fe"
    elif media == "multipart/form-data" and draw(st.booleans()):
        request = httpx.Request(
            "POST",
            url,
            data={k: str(v) for k, v in body_fields.items()},
            files={"attachment": ("a.bin", draw(st.binary(max_size=50)))},
        )
        return request
    elif media in ("multipart/form-data", "text/plain", "application/xml"):
        content = draw(st.binary(max_size=100))
    else:
        content = body_document(draw, body_fields)
    headers = {} if content_type is None else {"Content-Type": content_type}
    return httpx.Request("POST", url, content=content, headers=headers)


def check_invocation_response(response: httpx.Response) -> None:
    event(f"status {response.status_code}")
    body = parse_body(response)
    status = response.status_code
    assert status in (200, 400, 404, 413, 500), (status, body)
    if status == 200:
        assert isinstance(body, dict), body
        assert list(body) == ["output"], body
    elif status == 404:
        assert body == INVALID_URL
    else:
        assert isinstance(body, dict), body
        assert list(body) == ["errorMessage"], body
        message = body["errorMessage"]
        assert isinstance(message, str), body
        assert message, body
        assert "Traceback" not in message, body
    if status == 500:
        # Only a failure of the script itself: it names its Deluge line or
        # the limit it hit.
        assert "Internal error" not in message, body
        assert "(Line no: " in message or message.startswith(
            "Execution limit exceeded"
        ), body


def assert_invocation_works(live, target: dict) -> None:
    arguments = json.dumps({"n": 2, "s": "ok", "l": [1, 2, 3]})
    response = live.client.get(
        "/AppIntegrations", params={**target, "arguments": arguments}
    )
    assert response.status_code == 200, response.text
    assert response.json()["output"]["third"] == 3


@settings(settings.get_profile("fuzz"), max_examples=250)
@given(data=st.data())
def test_invocations_have_documented_shape(live, target, data):
    request = data.draw(invocations(live.base_url, target))
    check_invocation_response(live.client.send(request))
    assert_invocation_works(live, target)


@settings(settings.get_profile("fuzz"), max_examples=40)
@given(raw_query=st.binary(max_size=80))
def test_raw_query_bytes(live, target, raw_query):
    fields = urllib.parse.urlencode(target).encode()
    query = fields + b"&arguments=" + urllib.parse.quote_from_bytes(raw_query).encode()
    url = httpx.URL(live.base_url + "/AppIntegrations").copy_with(query=query)
    check_invocation_response(live.client.get(url))
    assert_invocation_works(live, target)
