"""A real service on a loopback port, shared by the property-based tests of a module.

Each module starts one server, because a start takes about a second and a
Hypothesis run sends hundreds of requests. The wall-time limit is lowered so
that a generated script that loops cannot hold a test for a minute.
"""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, settings

from tests.server.live import running_server

settings.register_profile(
    "fuzz",
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)

FUZZ_ENVIRONMENT = {
    "DELUGE_CALLBACKS_LIMIT_WALL_TIME_SECONDS": "5",
    "DELUGE_CALLBACKS_LIMIT_INVOKEURL_TIMEOUT_SECONDS": "2",
}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        data_dir = tmp_path_factory.mktemp("fuzz") / "data"
        with running_server(data_dir, monkeypatch, **FUZZ_ENVIRONMENT) as server:
            yield server


def json_body(response: httpx.Response) -> object:
    """Return the parsed JSON body; fail with the status and text if it is not JSON."""
    content_type = response.headers.get("content-type", "")
    assert content_type.startswith("application/json"), (
        f"{response.status_code} with content type {content_type!r}: "
        f"{response.text[:500]}"
    )
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(f"invalid JSON body: {response.text[:500]}") from exc


def assert_admin_error_shape(body: object, status: int) -> None:
    """Check ``{"error": {"code": str, "message": str, ...}}``."""
    assert isinstance(body, dict), body
    assert list(body) == ["error"], body
    error = body["error"]
    assert isinstance(error, dict), body
    assert isinstance(error.get("code"), str), body
    assert isinstance(error.get("message"), str), body
    assert error["message"], body
    assert "Traceback" not in error["message"], body
    if error["code"] == "compile_error":
        assert status == 400, body
        diagnostics = error.get("diagnostics")
        assert isinstance(diagnostics, list), body
        for diagnostic in diagnostics:
            assert isinstance(diagnostic["line"], int), diagnostic
            assert isinstance(diagnostic["column"], int), diagnostic
            assert isinstance(diagnostic["message"], str), diagnostic


def assert_still_serving(live) -> None:
    """Check that an ordinary admin request right after still succeeds."""
    response = live.admin.get("/api/v1/status")
    assert response.status_code == 200, response.text
    assert "compiler_version" in response.json()
