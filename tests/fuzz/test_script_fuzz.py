"""Property-based tests of the test-run route with random Deluge scripts.

``POST /api/v1/portals/{portal}/execute`` compiles and runs an unsaved script.
The scripts are random token soup built from Deluge's keywords, punctuation
and built-in names, and random programs from a small grammar, which get past
the parser and run. Properties: the status is 200 (the run's outcome) or 400
(a compile error or invalid input), never 500; the body has the documented
shape; a script failure is an ``errorMessage`` that is not an internal
error; and the server answers a normal request right after.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

import runtime.namespace  # noqa: F401  (registers the built-ins)
from runtime.registry import FUNCTIONS, METHODS
from tests.fuzz.conftest import assert_admin_error_shape, assert_still_serving
from tests.fuzz.conftest import json_body as parse_body

KEYWORDS = [
    "if",
    "else",
    "for",
    "each",
    "in",
    "return",
    "info",
    "true",
    "false",
    "null",
    "try",
    "catch",
    "break",
    "continue",
    "invokeurl",
    "void",
    "int",
    "string",
    "map",
    "list",
    "Map()",
    "List()",
    "Collection()",
    "zoho",
    "zoho.currenttime",
    "zoho.currentdate",
    "sendmail",
    "input",
    "thisapp",
]
PUNCTUATION = list("(){}[];,.:=<>+-*/%!\"'&|?\n\t ") + [
    "==",
    "!=",
    "<=",
    ">=",
    "&&",
    "||",
    "+=",
    "-=",
    "//",
    "/*",
    "*/",
]
METHOD_NAMES = sorted({entry.name for entry in METHODS.values()})
FUNCTION_NAMES = sorted(FUNCTIONS)
VARIABLES = ["a", "b", "c", "items", "text", "m"]
RETURN_TYPES = [None, "string", "int", "float", "bool", "date", "map", "list", "void"]

TOKENS = st.one_of(
    st.sampled_from(KEYWORDS),
    st.sampled_from(PUNCTUATION),
    st.sampled_from(METHOD_NAMES),
    st.sampled_from(VARIABLES),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=6).map(json.dumps),
    st.sampled_from(["global_function_1", "global_function_9", "'2026-01-31'"]),
)
TOKEN_SOUP = st.lists(TOKENS, max_size=60).map(" ".join)


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


LITERALS = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["0", "1", "-1", "0.5", "10.25", "99999999999999999999"]),
    st.text(max_size=12).map(quoted),
    st.sampled_from(
        [
            "true",
            "false",
            "null",
            "Map()",
            "List()",
            "{}",
            "{1, 2, 3}",
            '{"k": 1, "l": {1, 2}}',
            "zoho.currenttime",
            "zoho.currentdate",
            "'2026-01-31'",
            "'31-Jan-2026 10:00:00'",
        ]
    ),
)


# Receivers of each built-in receiver type, so that typed calls pass the checker.
RECEIVERS = {
    "TEXT": ["b", '"a,b,c"', '"2026-01-31"', '"42"', '""'],
    "LIST": ["items", "{1, 2, 3}", "{}", '{"x", "y"}'],
    "COLLECTION": ["items", "m"],
    "KEY-VALUE": ["m", '{"k": 1, "l": {1, 2}}'],
    "NUMBER": ["a", "0", "-7", "99999999999999999999"],
    "DECIMAL": ["c", "10.25", "-0.5"],
    "DATE-TIME": ["zoho.currenttime", "zoho.currentdate", "'31-Jan-2026 10:00:00'"],
    "ANY": ["a", "b", "items", "m", "null"],
}
BUILTINS = sorted(METHODS.values(), key=lambda entry: (entry.receiver_type, entry.name))


def typed_call(children):
    """Draw a method call on a receiver of its type with an allowed argument count."""

    def build(entry):
        most = entry.max_args if entry.max_args is not None else entry.min_args + 2
        return st.tuples(
            st.sampled_from(RECEIVERS.get(entry.receiver_type, ["a"])),
            st.lists(children, min_size=entry.min_args, max_size=most),
        ).map(lambda t: f"{t[0]}.{entry.name}({', '.join(t[1])})")

    return st.sampled_from(BUILTINS).flatmap(build)


def calls(children):
    method = st.tuples(
        children,
        st.sampled_from(METHOD_NAMES),
        st.lists(children, max_size=3),
    ).map(lambda t: f"{t[0]}.{t[1]}({', '.join(t[2])})")
    function = st.tuples(
        st.sampled_from(FUNCTION_NAMES), st.lists(children, max_size=3)
    ).map(lambda t: f"{t[0]}({', '.join(t[1])})")
    return typed_call(children) | typed_call(children) | method | function


def operations(children):
    binary = st.tuples(
        children,
        st.sampled_from(
            ["+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"]
        ),
        children,
    ).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
    unary = st.tuples(st.sampled_from(["!", "-"]), children).map(
        lambda t: f"{t[0]}({t[1]})"
    )
    collection = st.lists(children, max_size=3).map(lambda v: "{" + ", ".join(v) + "}")
    return binary | unary | collection | calls(children)


EXPRESSIONS = st.recursive(
    LITERALS | st.sampled_from(VARIABLES),
    operations,
    max_leaves=8,
)


CONDITIONS = st.one_of(
    st.tuples(
        EXPRESSIONS, st.sampled_from(["==", "!=", "<", ">", "<=", ">="]), EXPRESSIONS
    ).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
    st.sampled_from(["true", "false", "a > 0", "b.contains(\"x\")", "m.isEmpty()"]),
    EXPRESSIONS,
)


def blocks(statements):
    body = st.lists(statements, min_size=1, max_size=3).map(
        lambda items: "{\n" + "\n".join(items) + "\n}"
    )
    conditional = st.tuples(CONDITIONS, body, st.none() | body).map(
        lambda t: f"if ({t[0]})\n{t[1]}" + (f"\nelse\n{t[2]}" if t[2] else "")
    )
    loop_body = st.tuples(
        st.lists(statements, min_size=1, max_size=3),
        st.sampled_from(["", "break;", "continue;"]),
    ).map(lambda t: "{\n" + "\n".join([*t[0], t[1]]) + "\n}")
    loop = st.tuples(
        st.sampled_from(VARIABLES),
        st.sampled_from(["items", "{1, 2, 3}", '"a,b".toList(",")', "m.keys()"])
        | EXPRESSIONS,
        loop_body,
    ).map(lambda t: f"for each {t[0]} in {t[1]}\n{t[2]}")
    guarded = st.tuples(body, body).map(lambda t: f"try\n{t[0]}\ncatch (e)\n{t[1]}")
    return conditional | loop | guarded


SIMPLE_STATEMENTS = st.one_of(
    st.tuples(st.sampled_from(VARIABLES), EXPRESSIONS).map(
        lambda t: f"{t[0]} = {t[1]};"
    ),
    EXPRESSIONS.map(lambda e: f"info {e};"),
    EXPRESSIONS.map(lambda e: f"return {e};"),
    st.tuples(st.sampled_from(VARIABLES), EXPRESSIONS, EXPRESSIONS).map(
        lambda t: f"{t[0]}.put({t[1]}, {t[2]});"
    ),
    st.tuples(st.sampled_from(VARIABLES), EXPRESSIONS).map(
        lambda t: f"{t[0]}.add({t[1]});"
    ),
)
STATEMENTS = st.recursive(SIMPLE_STATEMENTS, blocks, max_leaves=6)
# Every variable is set first, so that more programs get past the checker.
PROLOGUE = 'a = 1;\nb = "text";\nc = 0.5;\nitems = {1, 2};\ntext = "";\nm = Map();\n'
PROGRAMS = st.tuples(
    st.lists(STATEMENTS, min_size=1, max_size=6),
    EXPRESSIONS,
).map(lambda t: PROLOGUE + "\n".join(t[0]) + f"\nreturn {t[1]};")

RUN_KEYS = {"output", "errorMessage", "info", "statements", "duration_ms"}


@pytest.fixture(scope="module")
def portal(live):
    created = live.admin.post(
        "/api/v1/portals/1/global-functions",
        json={
            "name": "twice",
            "return_type": "int",
            "parameters": [{"name": "n", "type": "int"}],
            "script": "return n * 2;",
        },
    )
    assert created.status_code == 201, created.text
    return live


def check_run(live, document: dict) -> None:
    response = live.admin.post("/api/v1/portals/1/execute", json=document)
    body = parse_body(response)
    event(f"status {response.status_code}")
    assert response.status_code in (200, 400), (response.status_code, body)
    if response.status_code == 400:
        assert_admin_error_shape(body, 400)
        assert body["error"]["code"] in ("compile_error", "invalid_input"), body
        return
    assert isinstance(body, dict), body
    assert set(body) <= RUN_KEYS, body
    assert ("output" in body) != ("errorMessage" in body), body
    assert isinstance(body["info"], list), body
    assert all(isinstance(line, str) for line in body["info"]), body
    assert isinstance(body["statements"], int), body
    assert isinstance(body["duration_ms"], int | float), body
    if "errorMessage" in body:
        event("runtime error")
        message = body["errorMessage"]
        assert isinstance(message, str), body
        assert message, body
        assert "Internal error" not in message, (document["script"], message)


@settings(settings.get_profile("fuzz"), max_examples=150)
@given(script=TOKEN_SOUP, return_type=st.sampled_from(RETURN_TYPES))
def test_token_soup_scripts(portal, script, return_type):
    check_run(portal, {"script": script, "return_type": return_type})
    assert_still_serving(portal)


@settings(settings.get_profile("fuzz"), max_examples=200)
@given(script=PROGRAMS, return_type=st.sampled_from(RETURN_TYPES))
def test_generated_programs(portal, script, return_type):
    check_run(portal, {"script": script, "return_type": return_type})
    assert_still_serving(portal)
