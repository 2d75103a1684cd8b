"""The catch-all handler turns an unexpected exception into a logged JSON 500.

The exception comes from a real code path: a copy of a data directory whose
callback row has a damaged ``live_dependencies`` column, which the storage
layer parses as JSON on every read.
"""

import logging
import shutil
import sqlite3

import httpx
import pytest

from tests.server.live import create_callback, running_server


@pytest.fixture
def damaged_copy(tmp_path, monkeypatch):
    """Return the invocation query of a published callback and a damaged copy."""
    original = tmp_path / "original"
    with running_server(original, monkeypatch) as live:
        response = create_callback(
            live,
            name="hello",
            api_name="hello",
            return_type="string",
            script='return "hello";',
            publish=True,
        )
        assert response.status_code == 201, response.text
        query = dict(httpx.URL(response.json()["url"]).params)
        assert live.client.get("/AppIntegrations", params=query).status_code == 200
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    with sqlite3.connect(copy / "callbacks.db") as database:
        database.execute("UPDATE callbacks SET live_dependencies = '[1,'")
    database.close()
    return query, copy


def internal_errors(caplog) -> list[logging.LogRecord]:
    return [
        r
        for r in caplog.records
        if r.name == "server.app" and r.getMessage().startswith("Unexpected error")
    ]


def test_admin_route_returns_json_500(damaged_copy, monkeypatch, caplog):
    _, copy = damaged_copy
    with (
        running_server(copy, monkeypatch) as live,
        caplog.at_level(logging.ERROR, logger="server.app"),
    ):
        response = live.admin.get("/api/v1/portals/1/callbacks/1")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "internal_error"
    assert error["error_id"] in error["message"]
    assert "log has the details" in error["message"]
    assert "Traceback" not in response.text
    records = internal_errors(caplog)
    assert len(records) == 1
    assert error["error_id"] in records[0].getMessage()
    assert "/api/v1/portals/1/callbacks/1" in records[0].getMessage()
    assert records[0].exc_info is not None
    assert records[0].exc_info[0].__name__ == "JSONDecodeError"


def test_invocation_returns_error_message(damaged_copy, monkeypatch, caplog):
    query, copy = damaged_copy
    with running_server(copy, monkeypatch) as live:
        with caplog.at_level(logging.ERROR, logger="server.app"):
            response = live.client.get("/AppIntegrations", params=query)
        after = live.admin.get("/api/v1/portals")
    assert response.status_code == 500
    body = response.json()
    assert list(body) == ["errorMessage"]
    assert "Internal error while running the callback" in body["errorMessage"]
    records = internal_errors(caplog)
    assert len(records) == 1
    assert "/AppIntegrations" in records[0].getMessage()
    error_id = records[0].args[0]
    assert f"(error id {error_id})" in body["errorMessage"]
    # The token is in the query string, so it must not reach the log line.
    assert query["auth_token"] not in records[0].getMessage()
    assert after.status_code == 200
