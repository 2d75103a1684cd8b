import re

import httpx
import pytest

from tests.web.live_server import start_server

ADMIN_KEY = "page-tests-admin-key-0123456789"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_server(tmp_path_factory.mktemp("pages") / "data", ADMIN_KEY)
    yield live
    live.stop()


def csrf_of(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "the page has no CSRF token field"
    return match.group(1)


def signed_in_client(server) -> httpx.Client:
    client = httpx.Client(base_url=server.base_url, timeout=30.0)
    page = client.get("/admin/sign-in")
    response = client.post(
        "/admin/sign-in",
        data={"csrf_token": csrf_of(page.text), "admin_key": server.admin_key},
    )
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def client(server):
    signed_in = signed_in_client(server)
    yield signed_in
    signed_in.close()
