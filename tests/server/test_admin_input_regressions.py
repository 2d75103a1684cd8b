"""Admin API inputs that once reached an unexpected exception and a 500."""

import pytest

from tests.server.live import running_server


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        data_dir = tmp_path_factory.mktemp("admin-inputs") / "data"
        with running_server(data_dir, monkeypatch) as server:
            yield server


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/portals/1/callbacks",
        "/api/v1/portals/1/callbacks/1/executions",
    ],
)
@pytest.mark.parametrize("page", ["²", "١", "1.5", "-1", "0", "0" * 40])
def test_page_not_ascii_positive(live, path, page):
    response = live.admin.get(path, params={"page": page})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert "expected a positive integer" in error["message"]


def test_page_with_many_digits_is_capped(live):
    response = live.admin.get(
        "/api/v1/portals/1/callbacks", params={"page": "9" * 5000, "per_page": "9" * 50}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["page"] == 10**9
    assert body["per_page"] == 100
    assert body["callbacks"] == []


def test_page_with_leading_zeros(live):
    response = live.admin.get(
        "/api/v1/portals/1/callbacks", params={"page": "0" * 40 + "2"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["page"] == 2


@pytest.mark.parametrize(
    ("name", "words"),
    [("bad\x00name", "control character"), ("n" * 101, "longer than 100")],
)
def test_portal_name_rejected(live, name, words):
    response = live.admin.post("/api/v1/portals", json={"name": name})
    assert response.status_code == 400, response.text
    assert words in response.json()["error"]["message"]


@pytest.mark.parametrize("suffix", ["9" * 25, "0" * 30 + "1"])
def test_global_function_id_too_long(live, suffix):
    script = f"return global_function_{suffix}(1);"
    response = live.admin.post("/api/v1/portals/1/execute", json={"script": script})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "compile_error"
    assert f"global_function_{suffix}' is not defined" in error["message"]
