"""A sample directory service for the outbound example, listening on 127.0.0.1.

``requester_team.dg`` calls ``POST /api/v1/people/lookup`` with a JSON body
``{"email": ...}`` and a bearer token. This service responds from the
``PEOPLE`` table below:

- 200 ``{"person": {...}}`` for a known e-mail address,
- 404 ``{"error": ...}`` for an unknown one,
- 401 when the ``Authorization`` header is not ``Bearer <token>``,
- 400 when the body is not a JSON object with a text ``email``.

Run it next to the server with
``python examples/outbound/directory_service.py --port 8091 --token TOKEN``.
The tests start it in a thread with ``start_directory_service``.
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOOKUP_PATH = "/api/v1/people/lookup"
DEFAULT_PORT = 8091
DEFAULT_TOKEN = "directory-demo-token"

PEOPLE = {
    "li.wei@example.com": {
        "name": "Li Wei",
        "title": "Chief Financial Officer",
        "vip": True,
        "team": {"name": "Finance", "escalation_contact": "finance-it@example.com"},
    },
    "ana.silva@example.com": {
        "name": "Ana Silva",
        "title": "Support Engineer",
        "vip": False,
        "team": {"name": "Support", "escalation_contact": "support-leads@example.com"},
    },
}


class DirectoryHandler(BaseHTTPRequestHandler):
    """Serve lookups and record each request in ``server.requests``."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def _reply(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        self.server.requests.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": raw.decode("utf-8", "replace"),
            }
        )
        if self.path != LOOKUP_PATH:
            self._reply(404, {"error": f"no route {self.path}"})
            return
        if self.headers.get("Authorization") != f"Bearer {self.server.token}":
            self._reply(401, {"error": "missing or wrong bearer token"})
            return
        try:
            query = json.loads(raw)
        except ValueError:
            query = None
        if not isinstance(query, dict) or not isinstance(query.get("email"), str):
            self._reply(400, {"error": "expected a JSON object with 'email'"})
            return
        person = PEOPLE.get(query["email"].lower())
        if person is None:
            self._reply(404, {"error": f"no person with e-mail {query['email']}"})
            return
        self._reply(200, {"person": {"email": query["email"].lower(), **person}})


def create_directory_server(port: int, token: str) -> ThreadingHTTPServer:
    """Bind the service to 127.0.0.1 without serving yet. Port 0 picks a free one."""
    server = ThreadingHTTPServer(("127.0.0.1", port), DirectoryHandler)
    server.token = token
    server.requests = []
    return server


def start_directory_service(
    port: int = 0, token: str = DEFAULT_TOKEN
) -> ThreadingHTTPServer:
    """Start the service in a daemon thread and return its server.

    Stop it with ``server.shutdown()`` and ``server.server_close()``.
    """
    server = create_directory_server(port, token)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="TCP port on 127.0.0.1"
    )
    parser.add_argument(
        "--token", default=DEFAULT_TOKEN, help="bearer token that callers must send"
    )
    options = parser.parse_args()
    server = create_directory_server(options.port, options.token)
    print(f"Directory service on http://127.0.0.1:{options.port}{LOOKUP_PATH}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
