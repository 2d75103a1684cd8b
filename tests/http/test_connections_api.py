"""The connections admin API, storage encryption, and use at run time."""

from __future__ import annotations

import socket
import stat
import threading
import time

import httpx
import pytest
import uvicorn

from runtime.http import invoke_url
from server import connections
from server.app import create_app
from server.settings import Settings
from tests.http.conftest import make_context

SECRET = "tok-9f8e7d6c5b4a-never-in-a-response"
BASE = "/api/v1/portals/1/connections"


def _serve(app):
    """Run ``app`` with uvicorn on 127.0.0.1 and yield an admin client for it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, kwargs={"sockets": [listener]})
    thread.start()
    deadline = time.monotonic() + 10
    while not web.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert web.started, "uvicorn did not start within 10 s"
    headers = {"Authorization": "Bearer admin-key-for-tests"}
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers=headers, trust_env=False
        ) as client:
            yield client, app
    finally:
        web.should_exit = True
        thread.join(timeout=10)
        listener.close()


@pytest.fixture
def app_client(tmp_path, monkeypatch):
    """Serve the app on 127.0.0.1 with uvicorn."""
    monkeypatch.setenv("DELUGE_CALLBACKS_ADMIN_KEY", "admin-key-for-tests")
    yield from _serve(create_app(Settings(data_dir=tmp_path)))


def _create(client, **fields):
    body = {"link_name": "helpdesk", "auth_type": "bearer", "token": SECRET} | fields
    return client.post(BASE, json=body)


def test_create_list_read_without_secret(app_client):
    client, _ = app_client
    created = _create(client, name="Helpdesk API")
    assert created.status_code == 201
    record = created.json()
    assert record["link_name"] == "helpdesk"
    assert record["name"] == "Helpdesk API"
    assert record["auth_type"] == "bearer"
    listed = client.get(BASE)
    read = client.get(f"{BASE}/{record['id']}")
    for response in (created, listed, read):
        assert response.status_code in (200, 201)
        assert SECRET not in response.text
        assert "secret_encrypted" not in response.text
    assert [c["link_name"] for c in listed.json()["connections"]] == ["helpdesk"]


def test_secret_encrypted_at_rest(app_client, tmp_path):
    client, _ = app_client
    assert _create(client).status_code == 201
    stored = b"".join(
        path.read_bytes()
        for path in tmp_path.iterdir()
        if path.name.startswith("callbacks.db")
    )
    assert SECRET.encode() not in stored
    key_file = tmp_path / connections.KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_duplicate_link_name_conflicts(app_client):
    client, _ = app_client
    assert _create(client).status_code == 201
    again = _create(client)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    other = _create(client, link_name="helpdesk_two").json()
    renamed = client.put(f"{BASE}/{other['id']}", json={"link_name": "helpdesk"})
    assert renamed.status_code == 409
    assert renamed.json()["error"]["field"] == "link_name"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"link_name": "Helpdesk", "auth_type": "bearer", "token": "t"}, "link_name"),
        ({"link_name": "help__desk", "auth_type": "bearer", "token": "t"}, "link_name"),
        ({"link_name": "helpdesk", "auth_type": "oauth2", "token": "t"}, "auth_type"),
        ({"link_name": "helpdesk", "auth_type": "bearer"}, "token"),
        ({"link_name": "helpdesk", "auth_type": "basic", "password": "p"}, "username"),
        ({"link_name": "k", "auth_type": "api_key", "api_key": "k"}, "parameter_name"),
        (
            {
                "link_name": "k",
                "auth_type": "api_key",
                "api_key": "k",
                "parameter_name": "X-Key",
                "location": "cookie",
            },
            "location",
        ),
        ({"link_name": "k", "auth_type": "bearer", "token": "a\nb"}, "token"),
        (
            {"link_name": "k", "auth_type": "bearer", "token": "t", "password": "p"},
            "password",
        ),
        (
            {"link_name": "k", "auth_type": "bearer", "token": "t", "colour": 1},
            "colour",
        ),
    ],
)
def test_invalid_input_is_400(app_client, body, field):
    client, _ = app_client
    response = client.post(BASE, json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["field"] == field
    assert field in error["message"]


def test_edit_keeps_secret_unless_sent(app_client, server):
    client, app = app_client
    record = _create(client).json()
    edited = client.put(f"{BASE}/{record['id']}", json={"description": "Jira bridge"})
    assert edited.status_code == 200
    assert edited.json()["description"] == "Jira bridge"
    lookup = app.state.service.connections.resolver(1)
    assert lookup("helpdesk").secret == SECRET
    client.put(f"{BASE}/{record['id']}", json={"token": "new-token"})
    assert lookup("helpdesk").secret == "new-token"


def test_null_description_and_blank_name(app_client):
    client, _ = app_client
    created = _create(client, description=None, name="  ")
    assert created.status_code == 201
    assert created.json()["description"] == ""
    assert created.json()["name"] == "helpdesk"


def test_changing_auth_type_needs_new_secret(app_client):
    client, _ = app_client
    record = _create(client).json()
    url = f"{BASE}/{record['id']}"
    missing = client.put(url, json={"auth_type": "basic", "username": "bot"})
    assert missing.status_code == 400
    assert missing.json()["error"]["field"] == "password"
    changed = client.put(
        url, json={"auth_type": "basic", "username": "bot", "password": "pw"}
    )
    assert changed.status_code == 200
    assert changed.json()["username"] == "bot"


def test_delete_and_unknown_ids(app_client):
    client, _ = app_client
    record = _create(client).json()
    url = f"{BASE}/{record['id']}"
    assert client.delete(url).json() == {"deleted": [record["id"]]}
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404
    assert client.get("/api/v1/portals/99/connections").status_code == 404


def test_admin_key_required(app_client):
    client, _ = app_client
    response = client.get(BASE, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert client.post(BASE, json={}, headers={"Authorization": ""}).status_code == 401


def test_portals_do_not_share_connections(app_client):
    client, app = app_client
    other = client.post("/api/v1/portals", json={"name": "Customer B"}).json()
    assert _create(client).status_code == 201
    listed = client.get(f"/api/v1/portals/{other['id']}/connections").json()
    assert listed == {"connections": []}
    assert app.state.service.connections.resolver(other["id"])("helpdesk") is None


def test_stored_connection_applies_to_invokeurl(app_client, server):
    client, app = app_client
    created = client.post(
        BASE,
        json={
            "link_name": "crm_api",
            "auth_type": "api_key",
            "location": "header",
            "parameter_name": "X-Api-Key",
            "api_key": SECRET,
        },
    )
    assert created.status_code == 201
    ctx = make_context(connections=app.state.service.connections.resolver(1))
    echo = invoke_url(ctx, {"url": server.url("/echo"), "connection": "crm_api"})
    assert echo["headers"]["x-api-key"] == SECRET


@pytest.fixture
def allow_listed_client(tmp_path, monkeypatch):
    """Serve an app whose settings allow-list 127.0.0.1 for invokeurl."""
    monkeypatch.setenv("DELUGE_CALLBACKS_ADMIN_KEY", "admin-key-for-tests")
    settings = Settings(data_dir=tmp_path, outbound_allow_list=["127.0.0.1"])
    yield from _serve(create_app(settings))


def test_published_callback_uses_connection(allow_listed_client, server):
    client, _ = allow_listed_client
    created = client.post(
        BASE,
        json={"link_name": "jira_cloud", "auth_type": "bearer", "token": SECRET},
    )
    assert created.status_code == 201
    script = f"""
resp = invokeurl
[
    url: "{server.url("/echo")}"
    type: POST
    parameters: {{"key": issue}}
    connection: "jira_cloud"
];
return resp.get("headers").get("authorization") + " " + resp.get("body");
"""
    callback = client.post(
        "/api/v1/portals/1/callbacks",
        json={
            "name": "forward_issue",
            "api_name": "forward_issue",
            "return_type": "string",
            "parameters": [{"name": "issue", "type": "string"}],
            "script": script,
            "publish": True,
        },
    )
    assert callback.status_code == 201, callback.text
    python = client.get(f"/api/v1/portals/1/callbacks/{callback.json()['id']}/python")
    assert SECRET not in python.text
    url = httpx.URL(callback.json()["url"])
    invoked = client.get(url.copy_merge_params({"arguments": '{"issue": "OPS-1"}'}))
    assert invoked.status_code == 200, invoked.text
    assert invoked.json() == {"output": f"Bearer {SECRET} key=OPS-1"}
