"""A JSON invocation body must wrap the arguments in ``{"arguments": ...}``."""

import json

import httpx
import pytest

from tests.server.live import create_callback, running_server


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        data_dir = tmp_path_factory.mktemp("json-body") / "data"
        with running_server(data_dir, monkeypatch) as server:
            yield server


@pytest.fixture(scope="module")
def query(live) -> dict:
    response = create_callback(
        live,
        name="issueKey",
        api_name="issue_key",
        return_type="string",
        parameters=[{"name": "payload", "type": "map"}],
        script='return ifnull(payload, {}).get("key");',
        publish=True,
    )
    assert response.status_code == 201, response.text
    return dict(httpx.URL(response.json()["url"]).params)


def post_json(live, query: dict, document: object) -> httpx.Response:
    return live.client.post(
        "/AppIntegrations",
        params=query,
        content=json.dumps(document),
        headers={"Content-Type": "application/json"},
    )


def test_raw_payload_rejected(live, query):
    response = post_json(live, query, {"key": "OPS-1", "fields": {"a": 1}})
    assert response.status_code == 400
    message = response.json()["errorMessage"]
    assert "has the fields 'key', 'fields' but no" in message
    assert "no 'arguments'" in message
    assert '{"arguments": {' in message


def test_raw_payload_rejected_with_url_fields(live, query):
    response = post_json(live, {}, {**query, "webhookEvent": "jira:issue_updated"})
    assert response.status_code == 400
    message = response.json()["errorMessage"]
    assert "The JSON body has the field 'webhookEvent' but no" in message
    assert "serviceName" not in message.split("no 'arguments'")[0]


def test_unknown_field_beside_arguments(live, query):
    document = {"arguments": {"payload": {"key": "OPS-2"}}, "extra": 1}
    response = post_json(live, query, document)
    assert response.status_code == 400
    message = response.json()["errorMessage"]
    assert "Unknown field 'extra'" in message
    assert "inside 'arguments'" in message


def test_many_unknown_fields_are_counted(live, query):
    document = {f"field{i}": i for i in range(15)}
    response = post_json(live, query, document)
    assert response.status_code == 400
    assert "and 5 more" in response.json()["errorMessage"]


def test_wrapped_payload_runs(live, query):
    document = {"arguments": {"payload": {"key": "OPS-3"}}}
    response = post_json(live, query, document)
    assert response.status_code == 200
    assert response.json() == {"output": "OPS-3"}


def test_url_fields_only_body_runs(live, query):
    response = post_json(live, {}, query)
    assert response.status_code == 200
    assert response.json() == {"output": None}


def test_empty_object_body_runs(live, query):
    response = post_json(live, query, {})
    assert response.status_code == 200
    assert response.json() == {"output": None}
