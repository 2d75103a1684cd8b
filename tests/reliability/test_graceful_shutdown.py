"""SIGTERM lets in-flight invocations finish and writes their history rows.

The callback calls a loopback server that responds after ``UPSTREAM_DELAY``
seconds, so the invocation is still running when the service gets SIGTERM.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.reliability.service import ServiceProcess, invocation_params

UPSTREAM_DELAY = 1.5


class SlowHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.arrived.set()
        time.sleep(UPSTREAM_DELAY)
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
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowHandler)
    server.arrived = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_finishes_in_flight_requests(tmp_path, upstream, workers):
    data = tmp_path / "data"
    url = f"http://127.0.0.1:{upstream.server_address[1]}/items"
    service = ServiceProcess(
        data,
        workers=workers,
        graceful_seconds=10,
        environment={"DELUGE_CALLBACKS_OUTBOUND_ALLOW_LIST": "127.0.0.1"},
    )
    with service:
        created = service.admin.post(
            "/api/v1/portals/1/callbacks",
            json={
                "name": "fetch",
                "api_name": "fetch",
                "return_type": "int",
                "parameters": [{"name": "add", "type": "int"}],
                "script": f'r = invokeurl\n[\n\turl: "{url}"\n\ttype: GET\n];\n'
                'info "fetched"; return r.get("items").size() + add;',
                "publish": True,
            },
        )
        assert created.status_code == 201
        record = created.json()
        outcome = {}

        def invoke():
            outcome["response"] = httpx.get(
                f"{service.base_url}/AppIntegrations",
                params=invocation_params(record["url"], '{"add": 10}'),
                timeout=30,
            )

        caller = threading.Thread(target=invoke)
        caller.start()
        assert upstream.arrived.wait(10)
        stopping = time.monotonic()
        service.terminate()
        caller.join(30)
        exit_code = service.stop()
        assert outcome["response"].status_code == 200
        assert outcome["response"].json() == {"output": 13}
        # The service waited for the upstream response instead of dropping it.
        assert time.monotonic() - stopping >= UPSTREAM_DELAY * 0.5
        # uvicorn re-raises the signal after its graceful shutdown, so the
        # exit status may report SIGTERM.
        assert exit_code in (0, -signal.SIGTERM)

    connection = sqlite3.connect(data / "callbacks.db")
    try:
        rows = connection.execute(
            "SELECT status, http_status, info FROM executions WHERE callback_id = ?",
            [record["id"]],
        ).fetchall()
    finally:
        connection.close()
    assert rows == [("success", 200, '["fetched"]')]
