"""Measure the latency of one invokeurl call against a server on 127.0.0.1.

The server is Python's ``http.server`` in a thread of the same process, so
the numbers include its own cost and the GIL contention between the two. Each
call opens a new connection, because every call gets its own connection pool.
The script also times the address check alone (``checked_addresses`` on an IP
literal) and ``invoke_url`` of an address that is rejected before connecting.

Run: ``.venv/bin/python benchmarks/outbound_calls.py [--calls N]``
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from runtime.context import ExecutionContext
from runtime.errors import DelugeError
from runtime.http import invoke_url
from runtime.http_transport import AddressRejected, OutboundClient, OutboundPolicy
from runtime.limits import Limits

RESULTS = Path(__file__).with_name("results") / "outbound_calls.md"
BODY = json.dumps({"id": 7, "fields": {"summary": "x" * 200}}).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _reply(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    do_GET = do_POST = _reply


def time_calls(action, count: int) -> list[float]:
    """Run ``action`` ``count`` times; return each duration in milliseconds."""
    durations = []
    for _ in range(count):
        started = time.perf_counter()
        action()
        durations.append((time.perf_counter() - started) * 1000)
    return durations


def summary(name: str, durations: list[float]) -> str:
    ordered = sorted(durations)
    p95 = ordered[int(len(ordered) * 0.95)]
    return f"| {name} | {len(ordered)} | {statistics.median(ordered):.3f} | {p95:.3f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500, help="calls per case")
    options = parser.parse_args()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/issue"
    limits = Limits(invokeurl_calls=10**9, wall_time_seconds=3600)
    allowed = OutboundClient(OutboundPolicy.from_settings(["127.0.0.1"]))
    policy = OutboundPolicy()

    def get_json():
        invoke_url(ExecutionContext(limits=limits, outbound=allowed), {"url": url})

    def post_form():
        params = {"url": url, "type": "POST", "parameters": {"a": "1", "b": "2"}}
        invoke_url(ExecutionContext(limits=limits, outbound=allowed), params)

    def rejected():
        with contextlib.suppress(DelugeError):
            invoke_url(ExecutionContext(limits=limits), {"url": url})

    def check_only():
        with contextlib.suppress(AddressRejected):
            policy.checked_addresses("127.0.0.1", 80)

    try:
        get_json()  # warm up imports and the SSL context
        rows = [
            summary("GET, JSON object response", time_calls(get_json, options.calls)),
            summary("POST, form body", time_calls(post_form, options.calls)),
            summary(
                "rejected loopback, no connection", time_calls(rejected, options.calls)
            ),
            summary("address check alone", time_calls(check_only, options.calls)),
        ]
    finally:
        httpd.shutdown()
        httpd.server_close()

    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    machine = (
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"{platform.system()}, {os.cpu_count()} CPUs, load average {load} at the "
        "end; server and client in one process on 127.0.0.1."
    )
    command = f"Command: `.venv/bin/python benchmarks/outbound_calls.py --calls {options.calls}`"
    report = "\n".join(
        [
            "# Outbound call latency",
            "",
            machine,
            command,
            "",
            "| case | calls | median ms | p95 ms |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
