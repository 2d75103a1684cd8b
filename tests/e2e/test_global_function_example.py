"""Run the examples in examples/global_functions through the admin API.

The global function ``priority_score.global.json`` is created first, then the
callback ``ticket_triage.callback.json`` that calls it by its internal name is
published and invoked by URL. Editing the global function changes what the
same URL returns, with the same token.
"""

import json
import re
from pathlib import Path

import httpx
import pytest

from tests.server.live import create_callback

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples" / "global_functions"
GLOBALS = "/api/v1/portals/1/global-functions"
CALL_NAME = re.compile(r"\bglobal_function_\d+\b")


def read_example(name: str) -> dict:
    return json.loads((EXAMPLE_DIR / name).read_text(encoding="utf-8"))


def create_score(live) -> dict:
    response = live.admin.post(GLOBALS, json=read_example("priority_score.global.json"))
    assert response.status_code == 201, response.text
    return response.json()


def publish_triage(live, call_name: str) -> dict:
    fields = read_example("ticket_triage.callback.json")
    assert set(CALL_NAME.findall(fields["script"])) == {"global_function_1"}
    fields["script"] = CALL_NAME.sub(call_name, fields["script"])
    response = create_callback(live, **fields)
    assert response.status_code == 201, response.text
    return response.json()


def invoke(live, record: dict) -> httpx.Response:
    arguments = (EXAMPLE_DIR / "ticket_triage.json").read_text(encoding="utf-8")
    url = httpx.URL(record["url"]).copy_add_param("arguments", arguments)
    return live.client.get(url)


@pytest.fixture
def published(live):
    score = create_score(live)
    return score, publish_triage(live, score["call_name"])


def test_global_request_matches_dg_file():
    fields = read_example("priority_score.global.json")
    source = (EXAMPLE_DIR / "priority_score.dg").read_text(encoding="utf-8")
    assert fields["script"] == source


def test_first_global_is_global_function_1(live):
    score = create_score(live)
    assert score["call_name"] == "global_function_1"
    assert score["version"] == 1


def test_triage_output_matches_expected(live, published):
    _, triage = published
    response = invoke(live, triage)
    assert response.status_code == 200, response.text
    assert response.json() == read_example("ticket_triage.expected.json")


def test_edited_global_changes_same_url(live, published):
    score, triage = published
    assert invoke(live, triage).json() == read_example("ticket_triage.expected.json")

    path = f"{GLOBALS}/{score['id']}"
    edited = live.admin.put(path, json=read_example("priority_score.edit.json"))
    assert edited.status_code == 200, edited.text
    assert edited.json()["version"] == 2

    response = invoke(live, triage)
    assert response.status_code == 200, response.text
    assert response.json() == read_example("ticket_triage.edited.expected.json")
    record = live.admin.get(f"/api/v1/portals/1/callbacks/{triage['id']}").json()
    assert record["url"] == triage["url"]
    assert record["version"] == triage["version"]


def test_global_deleted_after_unpublish(live, published):
    score, triage = published
    path = f"{GLOBALS}/{score['id']}"
    rejected = live.admin.delete(path)
    assert rejected.status_code == 409
    message = rejected.json()["error"]["message"]
    assert f"published callbacks [{triage['id']}]" in message

    callback = f"/api/v1/portals/1/callbacks/{triage['id']}"
    assert live.admin.post(f"{callback}/unpublish").status_code == 200
    deleted = live.admin.delete(path)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {"deleted": [score["id"]]}
    assert live.admin.get(path).status_code == 404

    republished = live.admin.post(f"{callback}/publish")
    assert republished.status_code == 400
    assert "global_function_1" in republished.text


def test_recursive_global_hits_nested_calls(live):
    created = live.admin.post(
        GLOBALS,
        json={
            "name": "countdown",
            "return_type": "int",
            "parameters": [{"name": "n", "type": "int"}],
            "script": "return 0;",
        },
    )
    assert created.status_code == 201, created.text
    function_id = created.json()["id"]
    call_name = created.json()["call_name"]
    recursive = f"if(n <= 0)\n{{\n\treturn 0;\n}}\nreturn 1 + {call_name}(n - 1);"
    edited = live.admin.put(f"{GLOBALS}/{function_id}", json={"script": recursive})
    assert edited.status_code == 200, edited.text

    caller = create_callback(
        live,
        name="countdownCaller",
        api_name="countdown",
        return_type="int",
        parameters=[{"name": "n", "type": "int"}],
        script=f"return {call_name}(n);",
        publish=True,
    )
    assert caller.status_code == 201, caller.text
    url = httpx.URL(caller.json()["url"])

    shallow = live.client.get(url.copy_add_param("arguments", '{"n": 50}'))
    assert shallow.json() == {"output": 50}
    deep = live.client.get(url.copy_add_param("arguments", '{"n": 200}'))
    assert deep.status_code == 500
    message = deep.json()["errorMessage"]
    assert message.startswith("Execution limit exceeded: nested calls (75)")
