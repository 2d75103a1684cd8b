import json
import time

import httpx

from server.stats import distribution, percentile
from tests.server.live import create_callback

# n = 0 divides by zero on line 2; every other n returns in three statements.
RATIO = {
    "name": "ratio",
    "api_name": "ratio",
    "return_type": "int",
    "parameters": [{"name": "n", "type": "int"}],
    "script": "base = 100;\nresult = base / n;\nreturn result;",
    "publish": True,
}


def publish(live) -> dict:
    response = create_callback(live, **RATIO)
    assert response.status_code == 201, response.text
    return response.json()


def invoke(live, url: str, arguments: dict) -> httpx.Response:
    query = httpx.URL(url).query.decode()
    encoded = httpx.QueryParams({"arguments": json.dumps(arguments)})
    return live.client.get(f"/AppIntegrations?{query}&{encoded}")


def stats(live, callback_id: int, **params) -> httpx.Response:
    return live.admin.get(
        f"/api/v1/portals/1/callbacks/{callback_id}/stats", params=params
    )


def test_stats_count_outcomes_and_latency(live):
    record = publish(live)
    for n in (1, 2, 4, 5, 10, 20, 25, 50):
        assert invoke(live, record["url"], {"n": n}).status_code == 200
    assert invoke(live, record["url"], {"n": 0}).status_code == 500
    assert invoke(live, record["url"], {"n": "many"}).status_code == 400

    response = stats(live, record["id"])
    assert response.status_code == 200
    body = response.json()
    assert body["window_seconds"] == 3600
    assert body["count"] == 10
    assert body["by_status"]["success"] == 8
    assert body["by_status"]["error"] == 1
    assert body["by_status"]["invalid_arguments"] == 1
    assert body["errors"] == 2
    assert body["error_rate"] == 0.2
    latency = body["latency_ms"]
    assert 0 < latency["p50"] <= latency["p95"] <= latency["p99"] <= latency["max"]
    assert body["history_max_rows"] == live.service.settings.history_max_rows


def test_stats_statements_match_test_run(live):
    record = publish(live)
    for n in (1, 2, 3):
        assert invoke(live, record["url"], {"n": n}).status_code == 200
    test_run = live.admin.post(
        f"/api/v1/portals/1/callbacks/{record['id']}/execute",
        json={"arguments": {"n": 1}},
    ).json()
    body = stats(live, record["id"]).json()
    assert body["statements"]["p50"] == test_run["statements"]
    assert body["statements"]["max"] == test_run["statements"]
    assert body["statements"]["mean"] == test_run["statements"]


def test_stats_window_drops_old_invocations(live):
    record = publish(live)
    assert invoke(live, record["url"], {"n": 5}).status_code == 200
    assert stats(live, record["id"], window=3600).json()["count"] == 1
    time.sleep(1.2)
    body = stats(live, record["id"], window=1).json()
    assert body["window_seconds"] == 1
    assert body["count"] == 0


def test_stats_without_invocations(live):
    record = publish(live)
    body = stats(live, record["id"]).json()
    assert body["count"] == 0
    assert body["error_rate"] is None
    assert body["latency_ms"] == {"p50": None, "p95": None, "p99": None, "max": None}
    assert body["statements"]["mean"] is None


def test_stats_rejects_bad_requests(live):
    record = publish(live)
    assert stats(live, 999).status_code == 404
    assert live.admin.get("/api/v1/portals/77/callbacks/1/stats").status_code == 404
    invalid = stats(live, record["id"], window="soon")
    assert invalid.status_code == 400
    assert "window" in invalid.json()["error"]["message"]
    anonymous = live.client.get(f"/api/v1/portals/1/callbacks/{record['id']}/stats")
    assert anonymous.status_code == 401


def test_percentile_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 0.50) == 50
    assert percentile(values, 0.95) == 95
    assert percentile(values, 0.99) == 99
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([], 0.5) is None


def test_distribution_rounds_and_sorts():
    summary = distribution([3.14159, 1.0, 2.71828])
    assert summary == {"p50": 2.718, "p95": 3.142, "p99": 3.142, "max": 3.142}
