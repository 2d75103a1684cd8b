"""A loopback HTTP server for the outbound tests, and contexts that may reach it.

Every server here binds 127.0.0.1 only. The contexts allow-list exactly that
address, so tests can show that other loopback addresses stay unreachable.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpcore
import pytest

from runtime.context import ExecutionContext
from runtime.http_transport import OutboundClient, OutboundPolicy
from runtime.limits import Limits

JSON_OBJECT = {
    "id": 7,
    "name": "Zoë – ünïcode ✓",
    "nested": {"ok": True, "none": None},
    "items": [1, 2.5, "three"],
}
JSON_ARRAY = [1, "two", {"three": 3}]


class LoopbackHandler(BaseHTTPRequestHandler):
    """Serve fixed routes that the tests call; ``_handle`` lists them."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def _send(self, status, body=b"", content_type="application/json", extra=()):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _query(self):
        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

    def _handle(self):
        self.server.hits.append((self.command, self.path))
        route = urlsplit(self.path).path
        query = self._query()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if route == "/json":
            self._send(200, json.dumps(JSON_OBJECT).encode())
        elif route == "/array":
            self._send(200, json.dumps(JSON_ARRAY).encode())
        elif route == "/text":
            self._send(200, "plain text ✓".encode(), "text/plain; charset=utf-8")
        elif route == "/latin1":
            self._send(200, "café".encode("latin-1"), "text/plain; charset=iso-8859-1")
        elif route == "/charset":
            # A charset label of the server's choice, valid or not.
            content_type = f"text/plain; charset={query['name']}"
            self._send(200, "naïve ✓".encode("utf-8"), content_type)
        elif route == "/raw":
            # A fixed body chosen by the test, served as application/json.
            self._send(200, query["body"].encode("utf-8"))
        elif route == "/json-as-text":
            self._send(200, b'{"a": 1}', "text/plain")
        elif route == "/bom-json":
            self._send(200, b'\xef\xbb\xbf{"a": 1}')
        elif route == "/empty":
            self._send(200, b"")
        elif route == "/status":
            code = int(query.get("code", "500"))
            self._send(code, json.dumps({"status": code}).encode())
        elif route == "/binary":
            self._send(
                200,
                b"\x89PNG\r\n\x1a\n\x00\x01",
                "image/png",
                [("Content-Disposition", 'attachment; filename="pixel.png"')],
            )
        elif route == "/headers":
            self._send(200, b"ok", "text/plain", [("X-Trace", "a"), ("X-Trace", "b")])
        elif route == "/redirect":
            code = int(query.get("code", "302"))
            self._send(code, b"", None, [("Location", query["to"])])
        elif route == "/loop":
            self._send(302, b"", None, [("Location", "/loop")])
        elif route == "/slow":
            time.sleep(float(query.get("seconds", "2")))
            self._send(200, b'"late"')
        elif route == "/drip":
            self._drip(float(query.get("seconds", "2")))
        elif route == "/huge":
            self._stream_huge(int(query["bytes"]))
        elif route == "/declared":
            self.send_response(200)
            self.send_header("Content-Length", query["bytes"])
            self.end_headers()
        elif route == "/gzip":
            packed = gzip.compress(b"0" * int(query["bytes"]))
            self._send(200, packed, "text/plain", [("Content-Encoding", "gzip")])
        elif route == "/echo":
            echo = {
                "method": self.command,
                "path": route,
                "query": urlsplit(self.path).query,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", errors="replace"),
            }
            self._send(200, json.dumps(echo).encode())
        else:
            self._send(404, b'{"error": "no such route"}')

    def _drip(self, seconds: float):
        # One byte every 50 ms: each read is quick, the whole body is slow.
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        stop = time.monotonic() + seconds
        try:
            while time.monotonic() < stop:
                self.wfile.write(b".")
                self.wfile.flush()
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _stream_huge(self, size: int):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk = b"x" * 65536
        sent = 0
        try:
            while sent < size:
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


class QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up (timeout, size cap) leaves a broken pipe here.
        pass


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 with a log of the requests it got."""

    def __init__(self):
        self.httpd = QuietHTTPServer(("127.0.0.1", 0), LoopbackHandler)
        self.httpd.hits = []
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def hits(self) -> list[tuple[str, str]]:
        return self.httpd.hits

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def server():
    with LoopbackServer() as running:
        yield running


@pytest.fixture(scope="session")
def other_server():
    """A second loopback server on another port, for allow-list port checks."""
    with LoopbackServer() as running:
        yield running


class ConnectAttempted(BaseException):
    """Raised by ``RefusingBackend``; a BaseException so no handler hides it."""


class RefusingBackend(httpcore.NetworkBackend):
    def __init__(self):
        self.attempts: list[tuple[str, int]] = []

    def connect_tcp(
        self, host, port, timeout=None, local_address=None, socket_options=None
    ):
        self.attempts.append((host, port))
        raise ConnectAttempted(f"connect to {host}:{port} attempted")


def make_context(
    allow=("127.0.0.1",), limits: Limits | None = None, connections=None, **policy
) -> ExecutionContext:
    """Build a context whose outbound policy allow-lists ``allow`` only."""
    client = OutboundClient(OutboundPolicy.from_settings(list(allow), **policy))
    return ExecutionContext(limits=limits, outbound=client, connections=connections)


@pytest.fixture
def ctx():
    return make_context()
