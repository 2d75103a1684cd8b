"""Run examples/outbound/requester_team.dg against its sample directory service.

The real server starts with ``outbound_allow_list = ["127.0.0.1"]`` in its
``settings.toml``, gets the ``directory_api`` connection through the admin API,
publishes the example and is invoked by URL. The directory service runs in a
thread on another loopback port and records every request it receives.
"""

import importlib.util
import json
from pathlib import Path

import httpx
import pytest

from server.cli_source import read_source
from tests.server.live import create_callback, running_server

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples" / "outbound"
EXAMPLE = EXAMPLE_DIR / "requester_team.dg"
EXAMPLE_URL = '"http://127.0.0.1:8091"'
TOKEN = "directory-token-" + "q" * 24
CONNECTION = {
    "link_name": "directory_api",
    "name": "Directory API",
    "auth_type": "bearer",
    "token": TOKEN,
}


def load_directory_module():
    spec = importlib.util.spec_from_file_location(
        "directory_service", EXAMPLE_DIR / "directory_service.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def directory():
    server = load_directory_module().start_directory_service(token=TOKEN)
    yield server
    server.shutdown()
    server.server_close()


def start_live(tmp_path, monkeypatch, allow_list: list[str]):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "settings.toml").write_text(
        f"outbound_allow_list = {json.dumps(allow_list)}\n"
    )
    return running_server(data_dir, monkeypatch)


@pytest.fixture
def live(tmp_path, monkeypatch):
    with start_live(tmp_path, monkeypatch, ["127.0.0.1"]) as server:
        yield server


def read_callback_request() -> dict:
    text = (EXAMPLE_DIR / "requester_team.callback.json").read_text(encoding="utf-8")
    return json.loads(text)


def publish_example(live, directory) -> dict:
    fields = read_callback_request()
    assert fields["script"].count(EXAMPLE_URL) == 1
    port = directory.server_address[1]
    fields["script"] = fields["script"].replace(
        EXAMPLE_URL, f'"http://127.0.0.1:{port}"'
    )
    response = create_callback(live, **fields)
    assert response.status_code == 201, response.text
    return response.json()


def create_connection(live) -> httpx.Response:
    return live.admin.post("/api/v1/portals/1/connections", json=CONNECTION)


def invoke(live, record: dict, arguments: dict) -> httpx.Response:
    url = httpx.URL(record["url"]).copy_add_param("arguments", json.dumps(arguments))
    return live.client.get(url)


def example_arguments() -> dict:
    return json.loads((EXAMPLE_DIR / "requester_team.json").read_text())


def test_callback_request_matches_dg_file():
    fields = read_callback_request()
    source = read_source(EXAMPLE, None, None)
    assert fields["script"] == source.script
    assert fields["name"] == source.name
    assert fields["parameters"] == source.parameters
    assert fields["return_type"] == source.return_type


def test_connection_created_without_secret(live):
    response = create_connection(live)
    assert response.status_code == 201, response.text
    assert response.json()["link_name"] == "directory_api"
    assert TOKEN not in response.text


def test_example_output_matches_expected(live, directory):
    assert create_connection(live).status_code == 201
    record = publish_example(live, directory)
    response = invoke(live, record, example_arguments())
    expected = json.loads((EXAMPLE_DIR / "requester_team.expected.json").read_text())
    assert response.status_code == 200, response.text
    assert response.json() == expected


def test_directory_receives_credentials_and_json(live, directory):
    assert create_connection(live).status_code == 201
    record = publish_example(live, directory)
    assert invoke(live, record, example_arguments()).status_code == 200
    assert len(directory.requests) == 1
    request = directory.requests[0]
    assert request["method"] == "POST"
    assert request["path"] == "/api/v1/people/lookup"
    assert request["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert request["headers"]["content-type"] == "application/json"
    assert request["headers"]["accept"] == "application/json"
    assert json.loads(request["body"]) == {"email": "li.wei@example.com"}


def test_unknown_requester_is_escalated(live, directory):
    assert create_connection(live).status_code == 201
    record = publish_example(live, directory)
    arguments = {
        "ticket": {
            "id": "SD-4712",
            "priority": "Low",
            "requester": {"name": "Sam Roe", "email": "sam.roe@example.com"},
        }
    }
    response = invoke(live, record, arguments)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "output": {
            "ticket": "SD-4712",
            "requester": "Sam Roe",
            "email": "sam.roe@example.com",
            "team": "Unassigned",
            "escalation_contact": "servicedesk@example.com",
            "escalate": True,
            "reason": "requester not in the directory",
        }
    }


def test_urgent_ticket_of_known_requester(live, directory):
    assert create_connection(live).status_code == 201
    record = publish_example(live, directory)
    arguments = {
        "ticket": {
            "id": "SD-4713",
            "priority": "Urgent",
            "requester": {"name": "Ana", "email": "ana.silva@example.com"},
        }
    }
    output = invoke(live, record, arguments).json()["output"]
    assert output["team"] == "Support"
    assert output["escalate"] is True
    assert output["reason"] == "Urgent priority"


def test_wrong_token_reported_in_output(live, directory):
    wrong = {**CONNECTION, "token": "not-the-directory-token"}
    created = live.admin.post("/api/v1/portals/1/connections", json=wrong)
    assert created.status_code == 201
    record = publish_example(live, directory)
    response = invoke(live, record, example_arguments())
    assert response.status_code == 200, response.text
    assert response.json()["output"]["error"] == "directory lookup failed with HTTP 401"


def test_missing_connection_names_it(live, directory):
    record = publish_example(live, directory)
    response = invoke(live, record, example_arguments())
    assert response.status_code == 500
    message = response.json()["errorMessage"]
    assert "connection 'directory_api' is not defined" in message
    assert directory.requests == []


def test_directory_rejected_without_allow_list(tmp_path, monkeypatch, directory):
    with start_live(tmp_path, monkeypatch, []) as live:
        assert create_connection(live).status_code == 201
        record = publish_example(live, directory)
        response = invoke(live, record, example_arguments())
    assert response.status_code == 500
    message = response.json()["errorMessage"]
    assert "was rejected: 127.0.0.1 is a loopback address" in message
    assert message.endswith("(Line no: 14)")
    assert directory.requests == []
