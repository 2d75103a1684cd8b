"""Two service instances on one data directory, as ``serve --workers 2`` runs."""

import httpx

from tests.server.live import create_callback, running_server

CALLBACK = {
    "name": "ping",
    "api_name": "ping",
    "return_type": "string",
    "script": 'return "pong";',
    "publish": True,
}


def query(url: str) -> dict:
    return dict(httpx.URL(url).params)


def test_publish_seen_by_other_worker(tmp_path, monkeypatch):
    data = tmp_path / "data"
    with (
        running_server(data, monkeypatch) as first,
        running_server(data, monkeypatch) as second,
    ):
        record = create_callback(first, **CALLBACK).json()
        served = second.client.get("/AppIntegrations", params=query(record["url"]))
        assert served.json() == {"output": "pong"}

        republished = first.admin.post(
            f"/api/v1/portals/1/callbacks/{record['id']}/publish"
        ).json()
        old = second.client.get("/AppIntegrations", params=query(record["url"]))
        assert old.status_code == 404
        new = second.client.get("/AppIntegrations", params=query(republished["url"]))
        assert new.json() == {"output": "pong"}

        first.admin.post(f"/api/v1/portals/1/callbacks/{record['id']}/unpublish")
        unpublished = second.client.get(
            "/AppIntegrations", params=query(republished["url"])
        )
        assert unpublished.status_code == 404


def test_edit_goes_live_in_other_worker(tmp_path, monkeypatch):
    data = tmp_path / "data"
    with (
        running_server(data, monkeypatch) as first,
        running_server(data, monkeypatch) as second,
    ):
        record = create_callback(first, **CALLBACK).json()
        before = second.client.get("/AppIntegrations", params=query(record["url"]))
        assert before.json() == {"output": "pong"}
        first.admin.put(
            f"/api/v1/portals/1/callbacks/{record['id']}",
            json={"script": 'return "pong 2";'},
        )
        after = second.client.get("/AppIntegrations", params=query(record["url"]))
        assert after.json() == {"output": "pong 2"}
