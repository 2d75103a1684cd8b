"""Bracket tasks: parsing of invokeurl and its lowering to invoke_url(ctx, params)."""

import ast

from tests.compiler.helpers import compile_function, compile_ok, run

BLOCK = """
u = "http://127.0.0.1:9/x";
resp = invokeurl
[
    url :u
    type: POST
    content-type: "application/json"
    response-format: JSON
    detailed: true
    // a comment inside the block
    headers: {"Accept": "application/json"}, parameters: "{}"
];
"""


def task_params(result):
    for node in ast.walk(result.tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "invoke_url":
            dictionary = node.args[1]
            return {k.value: v for k, v in zip(dictionary.keys, dictionary.values)}
    raise AssertionError("no invoke_url call")


def test_keys_lower_cased_with_hyphens_and_bare_words():
    params = task_params(compile_ok(BLOCK))
    assert list(params) == [
        "url",
        "type",
        "content-type",
        "response-format",
        "detailed",
        "headers",
        "parameters",
    ]
    assert params["type"].value == "POST"
    assert params["response-format"].value == "JSON"
    assert params["detailed"].value is True
    assert params["url"].id == "v_u"


def test_invokeurl_makes_result_blocking():
    assert compile_ok(BLOCK).blocking
    assert not compile_ok("x = 1;").blocking


def test_legacy_get_url_makes_result_blocking():
    assert compile_ok('x = getUrl("https://example.test/");').blocking


def test_invokeurl_counts_as_one_statement():
    result = run(BLOCK)
    assert result.statements == 2


def test_invokeurl_runs_through_runtime_http():
    # The default outbound policy rejects loopback, so the call fails with a
    # catchable Deluge error raised by runtime.http.
    result = run(BLOCK)
    assert result.error is not None
    assert "127.0.0.1" in result.error
    assert "(Line no: 3)" in result.error


def test_invokeurl_without_url_is_compile_error():
    found = compile_function("r = invokeurl\n[\n    type: GET\n];").errors
    assert found[0].message == "'invokeurl' needs a 'url' parameter"


def test_keys_with_spaces():
    result = compile_function(
        'r = invokeurl\n[\n    url: "https://a.test/"\n    content type: "text/plain"\n];'
    )
    assert result.ok
    assert "content type" in task_params(result)


def test_unknown_key_reported_at_its_line():
    source = 'r = invokeurl\n[\n    url: "https://a.test/"\n    method: POST\n];'
    found = compile_function(source).errors
    assert [(d.line, d.column) for d in found] == [(4, 5)]
    assert "unknown parameter 'method'" in found[0].message


def test_repeated_key_reported_at_second_line():
    source = (
        'r = invokeurl\n[\n    url: "https://a.test/"\n    type: GET\n'
        "    Type: POST\n];"
    )
    found = compile_function(source).errors
    assert [(d.line, d.column) for d in found] == [(5, 5)]
    assert "'type' is given twice" in found[0].message
