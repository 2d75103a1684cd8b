import json
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from tests.server.live import create_callback, loopback_http_server, running_server


class ItemsHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"items": [1, 2, 3]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def upstream():
    with loopback_http_server(ItemsHandler) as base_url:
        yield base_url


def script_for(url: str) -> str:
    return (
        "response = invokeurl\n[\n"
        f'\turl: "{url}/items"\n'
        "\ttype: GET\n];\n"
        'return response.get("items").size();'
    )


def publish_fetch(live, upstream) -> dict:
    response = create_callback(
        live,
        name="fetch",
        api_name="fetch",
        return_type="int",
        script=script_for(upstream),
        publish=True,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_allow_list_setting_opens_loopback(tmp_path, monkeypatch, upstream):
    environment = {"DELUGE_CALLBACKS_OUTBOUND_ALLOW_LIST": "127.0.0.1"}
    with running_server(tmp_path / "data", monkeypatch, **environment) as live:
        record = publish_fetch(live, upstream)
        response = live.client.get(httpx.URL(record["url"]))
        assert response.json() == {"output": 3}
        # invokeurl can block, so the program runs in a worker thread.
        [loaded] = live.service.loader.table.values()
        assert loaded.blocking


def test_loopback_rejected_without_allow_list(live, upstream):
    record = publish_fetch(live, upstream)
    response = live.client.get(httpx.URL(record["url"]))
    assert response.status_code == 500
    message = response.json()["errorMessage"]
    assert "loopback address" in message
    assert "allow-list" in message
