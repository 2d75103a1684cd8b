"""A disk-cache hit takes the parameters and return type from the entry."""

import json

import httpx

from server.history import SECRET_MARK
from server.programs import cache_metadata, signature_of
from tests.server.live import create_callback, running_server

LOGIN = {
    "name": "login",
    "api_name": "login",
    "return_type": "string",
    "parameters": [
        {"name": "user", "type": "string"},
        {"name": "password", "type": "string", "secret": True},
    ],
    "script": 'return user + ":" + password.length();',
    "publish": True,
}
ARGUMENTS = {"user": "ann", "password": "hunter2"}


def invoke(live, url: str) -> httpx.Response:
    query = httpx.URL(url).query.decode()
    encoded = httpx.QueryParams({"arguments": json.dumps(ARGUMENTS)})
    return live.client.get(f"/AppIntegrations?{query}&{encoded}")


def history_arguments(live, callback_id: int) -> dict:
    live.service.history.flush()
    response = live.admin.get(f"/api/v1/portals/1/callbacks/{callback_id}/executions")
    [row] = response.json()["executions"]
    return row["arguments"]


def test_disk_hit_keeps_secret_flag(tmp_path, monkeypatch):
    data = tmp_path / "data"
    with running_server(data, monkeypatch) as live:
        record = create_callback(live, **LOGIN).json()
    with running_server(data, monkeypatch) as live:
        response = invoke(live, record["url"])
        assert response.json() == {"output": "ann:7"}
        loader = live.status()["loader"]
        assert loader["disk_hits"] == 1
        assert loader["compiles"] == 0
        arguments = history_arguments(live, record["id"])
        assert arguments["user"] == "ann"
        assert arguments["password"] == SECRET_MARK


def test_entry_without_signature_reads_version(tmp_path, monkeypatch):
    data = tmp_path / "data"
    with running_server(data, monkeypatch) as live:
        record = create_callback(live, **LOGIN).json()
        [loaded] = live.service.loader.table.values()
        code, _ = live.service.code_cache.get(loaded.cache_key)
        # The metadata that entries carried before the signature was added.
        live.service.code_cache.put(loaded.cache_key, code, {"blocking": False})
    with running_server(data, monkeypatch) as live:
        assert invoke(live, record["url"]).json() == {"output": "ann:7"}
        assert live.status()["loader"]["disk_hits"] == 1
        arguments = history_arguments(live, record["id"])
        assert arguments["password"] == SECRET_MARK


def test_signature_round_trip():
    version = {"parameters": LOGIN["parameters"], "return_type": "string"}
    metadata = cache_metadata(version, blocking=False)
    assert metadata["blocking"] is False
    assert signature_of(metadata) == (LOGIN["parameters"], "string")


def test_signature_missing_or_malformed():
    assert signature_of({"blocking": True}) is None
    assert signature_of({"parameters": [["x"]], "return_type": "int"}) is None
    assert signature_of({"parameters": "x", "return_type": "int"}) is None
