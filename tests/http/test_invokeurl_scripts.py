"""Deluge scripts with invokeurl blocks, compiled and run against 127.0.0.1."""

from __future__ import annotations

import json

from compiler import compile_function
from runtime import load_program
from runtime.http_auth import Connection
from runtime.http_transport import OutboundClient, OutboundPolicy
from runtime.limits import Limits
from tests.http.conftest import RefusingBackend

SECRET = "jira-token-not-in-python"
CONNECTIONS = {"jira_cloud": Connection("jira_cloud", "bearer", SECRET)}.get


def run(
    source,
    arguments=None,
    parameters=(),
    allow=("127.0.0.1",),
    limits=None,
    **policy,
):
    compiled = compile_function(
        source, name="hook", parameters=list(parameters), return_type=None
    )
    assert compiled.ok, [d.message for d in compiled.diagnostics]
    program = load_program(compiled.code)
    client = OutboundClient(OutboundPolicy.from_settings(list(allow), **policy))
    result = program.run(
        arguments or {}, limits=limits, outbound=client, connections=CONNECTIONS
    )
    return compiled, result


def test_jira_event_forwarded_with_connection(server):
    source = f"""
payload = Map();
payload.put("summary", "Issue " + event.get("key") + " ✓");
resp = invokeurl
[
    url: "{server.url("/echo")}"
    type: POST
    parameters: payload.toString()
    headers: {{"Content-Type": "application/json"}}
    connection: "jira_cloud"
];
return resp;
"""
    compiled, result = run(
        source, {"event": {"key": "OPS-7"}}, parameters=[("event", "map")]
    )
    assert result.error is None
    echo = result.output
    assert echo["method"] == "POST"
    assert json.loads(echo["body"]) == {"summary": "Issue OPS-7 ✓"}
    assert echo["headers"]["authorization"] == f"Bearer {SECRET}"
    assert SECRET not in compiled.python_source
    assert "invoke_url" in compiled.python_source


def test_detailed_response_in_script(server):
    source = f"""
resp = invokeurl
[
    url: "{server.url("/status?code=404")}"
    type: GET
    detailed: true
];
return resp.get("responseCode");
"""
    _, result = run(source)
    assert result.error is None
    assert result.output == 404


def test_rejected_call_is_catchable(server):
    source = f"""
try
{{
    resp = invokeurl
    [
        url: "{server.url("/json")}"
        type: GET
    ];
    return "reached";
}}
catch (err)
{{
    return err.message;
}}
"""
    before = len(server.hits)
    _, result = run(source, allow=())
    assert result.error is None
    assert "was rejected" in result.output
    assert "loopback" in result.output
    assert len(server.hits) == before


def test_uncaught_failure_names_line(server):
    source = """
x = 1;
resp = invokeurl
[
    url: "http://169.254.169.254/latest/meta-data/"
];
return resp;
"""
    # The backend raises if asked to connect, so a missing check cannot reach
    # the metadata address.
    backend = RefusingBackend()
    _, result = run(source, network_backend=backend)
    assert backend.attempts == []
    assert result.error is not None
    assert "169.254.169.254" in result.error
    assert "Line no: 3" in result.error


def test_call_cap_ends_script(server):
    source = f"""
count = 0;
for each i in {{1, 2, 3, 4}}
{{
    resp = invokeurl
    [
        url: "{server.url("/text")}"
    ];
    count = count + 1;
}}
return count;
"""
    _, result = run(source, limits=Limits(invokeurl_calls=3))
    assert result.limit == "invokeurl calls"


def test_size_cap_is_not_catchable(server):
    source = f"""
try
{{
    resp = invokeurl
    [
        url: "{server.url("/huge?bytes=1000000")}"
    ];
}}
catch (err)
{{
    return "caught";
}}
return "done";
"""
    _, result = run(source, limits=Limits(invokeurl_response_bytes=10_000))
    assert result.limit == "invokeurl response size"
    assert result.output is None


def test_get_url_function_in_script(server):
    source = f"""
text = getUrl("{server.url("/text")}");
return text;
"""
    _, result = run(source)
    assert result.error is None
    assert result.output == "plain text ✓"
