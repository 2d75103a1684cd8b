"""The liveness and readiness endpoints of a real loopback service."""

from __future__ import annotations

import os


def test_healthz_without_admin_key(live):
    response = live.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "worker": os.getpid()}


def test_readyz_checks_database_and_cache(live):
    response = live.client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"] == {"database": "ok", "cache": "ok"}
    assert body["history"] == {"pending": 0, "dropped": 0}
    # The probe entry is removed again after the write.
    assert live.service.code_cache.get(f"readiness-probe-{os.getpid()}") is None


def test_readyz_fails_on_unreadable_database(live):
    live.service.storage.db.execute("DROP TABLE schema_version")
    response = live.client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert "callbacks.db is not readable" in body["checks"]["database"]
    assert "no such table" in body["checks"]["database"]
    assert body["checks"]["cache"] == "ok"
