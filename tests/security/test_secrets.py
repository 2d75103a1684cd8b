"""Tokens and the admin key never reach a log, and the database alone is no key.

The log test raises every project and uvicorn logger to DEBUG, with the
access log on, and records what each one emits while tokens and keys are
used correctly and wrongly.
"""

import logging
import sqlite3

import pytest

from tests.security.api import ECHO_SCRIPT, invoke, publish, query_of
from tests.server.live import ADMIN_KEY, running_server

# The service's loggers, the root included. Records of httpx and httpcore
# are dropped because in this test they log the test client's own requests.
CLIENT_LOGGERS = ("httpx", "httpcore")
LOGGERS = ("", "server", "cache", "runtime", "compiler", "uvicorn", "uvicorn.access",
           "uvicorn.error")  # fmt: skip


class Recorder(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record):
        if not record.name.startswith(CLIENT_LOGGERS):
            self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def recorded_logs():
    recorder = Recorder()
    saved = []
    for name in LOGGERS:
        target = logging.getLogger(name)
        saved.append((target, target.level))
        target.setLevel(logging.DEBUG)
        target.addHandler(recorder)
    try:
        yield recorder
    finally:
        for target, level in saved:
            target.removeHandler(recorder)
            target.setLevel(level)


@pytest.fixture
def own_live(tmp_path):
    monkeypatch = pytest.MonkeyPatch()
    try:
        with running_server(tmp_path / "data", monkeypatch) as server:
            yield server
    finally:
        monkeypatch.undo()


def test_tokens_and_admin_key_not_logged(own_live, recorded_logs):
    live = own_live
    # uvicorn set its access logger to the test server's WARNING level when
    # it started, so raise it again for this test.
    logging.getLogger("uvicorn.access").setLevel(logging.DEBUG)
    record = publish(live, ECHO_SCRIPT)
    failing = publish(live, "x = 1;\ny = text.toLong();\nreturn y;")
    query = query_of(record)
    token = query["auth_token"]
    failing_token = query_of(failing)["auth_token"]

    assert invoke(live, query, {"text": "get"}).json() == {"output": "echo get"}
    live.client.post("/AppIntegrations", json={**query, "arguments": {"text": "j"}})
    live.client.post("/AppIntegrations", data={**query, "arguments": '{"text": "f"}'})
    invoke(live, dict(query, auth_token=token[:-2] + "xx"), {"text": "wrong"})
    invoke(live, dict(query, PORTALID="77"), {"text": "other portal"})
    invoke(live, query_of(failing), {"text": "abc"})
    invoke(live, query, "{not json")
    live.client.get("/api/v1/status", headers={"Authorization": f"Bearer {token}"})
    live.client.get("/api/v1/status", headers={"Authorization": f"Bearer {ADMIN_KEY}x"})
    live.admin.get(f"/api/v1/portals/1/callbacks/{record['id']}")
    live.client.post("/signin", data={"admin_key": ADMIN_KEY + "y"})

    text = recorded_logs.text
    assert "GET /AppIntegrations?" in text
    assert "auth_token=[redacted]" in text
    assert "failed" in text
    for secret in (token, token[:-2] + "xx", failing_token, ADMIN_KEY):
        assert secret not in text
        assert secret[:20] not in text


def database_copy(live, destination) -> None:
    """Copy the live database with SQLite's backup API, as an attacker might."""
    source = sqlite3.connect(live.service.settings.database_path)
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def test_database_copy_holds_no_token(live, tmp_path):
    record = publish(live, ECHO_SCRIPT)
    token = query_of(record)["auth_token"]
    copy = tmp_path / "stolen.db"
    database_copy(live, copy)
    raw = copy.read_bytes()
    assert token.encode() not in raw
    with sqlite3.connect(copy) as connection:
        for (table,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        ):
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, str):
                        assert token not in value
                    elif isinstance(value, bytes):
                        assert token.encode() not in value


def test_database_copy_alone_shows_no_url(live, tmp_path, monkeypatch):
    # A service started on the stolen database, without the original key
    # files, cannot decrypt the stored tokens.
    record = publish(live, ECHO_SCRIPT)
    token = query_of(record)["auth_token"]
    stolen_dir = tmp_path / "stolen"
    stolen_dir.mkdir(mode=0o700)
    database_copy(live, stolen_dir / "callbacks.db")
    with running_server(stolen_dir, monkeypatch) as stolen:
        response = stolen.admin.get(f"/api/v1/portals/1/callbacks/{record['id']}")
        assert response.status_code == 200
        assert token not in response.text
        listing = stolen.admin.get("/api/v1/portals/1/callbacks")
        assert token not in listing.text
    assert (stolen_dir / "token-encryption.key").read_bytes() != (
        live.data_dir / "token-encryption.key"
    ).read_bytes()


def test_key_files_are_owner_only(live):
    for name in ("admin.key", "cache-signing.key", "token-encryption.key"):
        path = live.data_dir / name
        if path.exists():
            assert path.stat().st_mode & 0o077 == 0, name
    assert live.data_dir.stat().st_mode & 0o077 == 0
