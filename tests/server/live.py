"""A real service on a loopback port, for tests that speak HTTP to it."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import uvicorn

from server.app import create_app
from server.settings import load_settings

ADMIN_KEY = "test-admin-key-" + "x" * 32
START_TIMEOUT_SECONDS = 10


class LiveServer:
    """A started uvicorn server with an admin client and its data directory."""

    def __init__(self, data_dir: Path, server: uvicorn.Server, port: int, app):
        self.data_dir = data_dir
        self.server = server
        self.port = port
        self.app = app
        self.base_url = f"http://127.0.0.1:{port}"
        self.admin = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {ADMIN_KEY}"},
            timeout=30,
        )
        self.client = httpx.Client(base_url=self.base_url, timeout=30)

    @property
    def service(self):
        return self.app.state.service

    def status(self) -> dict:
        response = self.admin.get("/api/v1/status")
        response.raise_for_status()
        return response.json()

    def close(self) -> None:
        self.admin.close()
        self.client.close()


@contextmanager
def running_server(data_dir: Path, monkeypatch, **environment: str):
    """Start the app on 127.0.0.1 with a free port; stop it on exit."""
    monkeypatch.setenv("DELUGE_CALLBACKS_ADMIN_KEY", ADMIN_KEY)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    app = create_app(load_settings(data_dir))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True
    )
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server failed to start")
        time.sleep(0.01)
    live = LiveServer(data_dir, server, port, app)
    try:
        yield live
    finally:
        live.close()
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_SECONDS)
        sock.close()


def create_callback(live: LiveServer, portal: int = 1, **fields) -> httpx.Response:
    return live.admin.post(f"/api/v1/portals/{portal}/callbacks", json=fields)


@contextmanager
def loopback_http_server(handler: type[BaseHTTPRequestHandler]):
    """Serve ``handler`` on a free port of 127.0.0.1; yield the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
