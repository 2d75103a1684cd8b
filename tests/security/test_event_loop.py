"""A slow script does not stall other requests on the event loop.

Scripts without invokeurl run on the event loop with a short time slice; one
that outlasts it runs again in a worker thread, where the event loop keeps
serving while it works.
"""

import dataclasses
import threading
import time

import httpx

from compiler import compile_function
from runtime import Limits, load_program
from runtime.http_transport import OutboundClient, OutboundPolicy
from tests.http.conftest import LoopbackServer
from tests.security.api import ECHO_SCRIPT, invoke, publish, query_of
from tests.security.test_cache_forgery import entry_key_of

REGEX_SCRIPT = 'x = 1;\nreturn "matched " + text.matches("(a|aa)+$");'
SLOW_SCRIPT = (
    's = "x";\ns = s.leftPad(900000);\nl = {' + ", ".join(["1"] * 300) + "};\n"
    'for each a in l\n{\n    t = s.toUpperCase();\n}\nreturn "done";'
)

# A loop of calls that each take milliseconds on a list of 100,000 texts.
LIST_SCRIPT = (
    'l = List();\nl.add(text);\nfor each i in {' + ", ".join(["1"] * 16) + "}\n{\n"
    "    l.addAll(l);\n}\nl.addAll(l.subList(0, 34464));\n"
    "for each a in {" + ", ".join(["1"] * 300) + "}\n{\n    t = l.toString();\n}\n"
    'return "done";'
)


def regex_program():
    result = compile_function(REGEX_SCRIPT, parameters=[("text", "string")])
    return load_program(result.code)


def test_slice_stops_slow_run_early():
    started = time.monotonic()
    result = regex_program().run(
        {"text": "a" * 48 + "b"}, limits=Limits(wall_time_seconds=5), time_slice=0.05
    )
    assert time.monotonic() - started < 1
    assert result.sliced is True
    assert result.limit == "wall time"


def test_slice_leaves_fast_run_alone():
    result = regex_program().run({"text": "aab"}, time_slice=0.05)
    assert result.sliced is False
    assert result.error is None
    assert result.output == "matched false"


def test_no_slice_means_wall_time_limit():
    result = regex_program().run(
        {"text": "a" * 48 + "b"}, limits=Limits(wall_time_seconds=0.3)
    )
    assert result.sliced is False
    assert result.error == (
        "Execution limit exceeded: wall time (0.3 s, reached in a regular "
        "expression) (Line no: 2)"
    )


def slow_call(live, record: dict, text: str, outcome: dict) -> None:
    with httpx.Client(base_url=live.base_url, timeout=60) as client:
        response = client.get(
            "/AppIntegrations",
            params={**query_of(record), "arguments": f'{{"text": "{text}"}}'},
        )
        outcome["response"] = response


def test_slow_scripts_do_not_stall_next_request(live):
    settings = live.service.settings
    limits = settings.limits
    echo = publish(live, ECHO_SCRIPT)
    attacks = [
        (publish(live, REGEX_SCRIPT), "a" * 48 + "b"),
        (publish(live, SLOW_SCRIPT), "x"),
        (publish(live, LIST_SCRIPT), "x"),
    ]
    object.__setattr__(
        settings, "limits", dataclasses.replace(limits, wall_time_seconds=2.0)
    )
    try:
        for record, text in attacks:
            outcome: dict = {}
            attacker = threading.Thread(
                target=slow_call, args=(live, record, text, outcome)
            )
            attacker.start()
            time.sleep(0.3)
            started = time.monotonic()
            response = invoke(live, query_of(echo), {"text": "next"})
            latency = time.monotonic() - started
            attacker.join()
            assert response.json() == {"output": "echo next"}
            assert latency < 0.5
            assert outcome["response"].status_code in (200, 500)
    finally:
        object.__setattr__(settings, "limits", limits)
    regex_response = invoke(live, query_of(attacks[0][0]), {"text": "aab"})
    assert regex_response.json() == {"output": "matched false"}


def test_recompile_does_not_stall_next_request(live):
    # A long script that is in neither the process table nor the disk cache
    # is compiled again on its next call, which takes one to two seconds here.
    # The long part sits in a branch that does not run, so the call stays
    # within the statement limit.
    long_script = (
        'x = 0;\nif (text == "never")\n{\n'
        + 'x = x + 1;\ny = "a" + x;\n' * 12000
        + "}\nreturn text;"
    )
    echo = publish(live, ECHO_SCRIPT)
    heavy = publish(live, long_script)
    live.service.loader.table.clear()
    live.service.code_cache.discard(entry_key_of(live, heavy))
    assert invoke(live, query_of(echo), {"text": "warm"}).json() == {
        "output": "echo warm"
    }
    outcome: dict = {}
    caller = threading.Thread(target=slow_call, args=(live, heavy, "done", outcome))
    compiles_before = live.service.loader.statistics.compiles
    caller.start()
    time.sleep(0.2)
    started = time.monotonic()
    response = invoke(live, query_of(echo), {"text": "next"})
    latency = time.monotonic() - started
    caller.join()
    assert response.json() == {"output": "echo next"}
    assert latency < 0.5
    assert outcome["response"].json() == {"output": "done"}
    assert live.service.loader.statistics.compiles == compiles_before + 1


def test_slow_invokeurl_does_not_stall_requests(live):
    # Three callbacks (two with invokeurl, one with getUrl) wait two seconds
    # each on a slow server on 127.0.0.1, and an ordinary callback invoked
    # meanwhile must answer at once.
    with LoopbackServer() as slow_server:
        service = live.service
        default_client = service.outbound
        service.outbound = OutboundClient(
            OutboundPolicy.from_settings([f"127.0.0.1:{slow_server.port}"])
        )
        try:
            echo = publish(live, ECHO_SCRIPT)
            slow_url = slow_server.url("/slow")
            task_script = (
                f'resp = invokeurl\n[\n    url: "{slow_url}"\n'
                '    type: GET\n];\nreturn text + " " + resp;'
            )
            legacy_script = f'return text + " " + getUrl("{slow_url}");'
            slow_records = [
                publish(live, task_script),
                publish(live, task_script),
                publish(live, legacy_script),
            ]
            outcomes = [{} for _ in slow_records]
            callers = [
                threading.Thread(target=slow_call, args=(live, record, "x", outcome))
                for record, outcome in zip(slow_records, outcomes)
            ]
            for caller in callers:
                caller.start()
            time.sleep(0.3)
            started = time.monotonic()
            response = invoke(live, query_of(echo), {"text": "next"})
            latency = time.monotonic() - started
            for caller in callers:
                caller.join()
        finally:
            service.outbound = default_client
    assert response.json() == {"output": "echo next"}
    assert latency < 0.5
    for outcome in outcomes:
        assert outcome["response"].json() == {"output": 'x "late"'}
