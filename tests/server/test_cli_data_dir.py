"""``check``, ``compile`` and ``run`` with ``--data-dir DIR --portal N``.

The data directory comes from a real service that stored a global function
and a connection; the commands read it and must leave it unchanged.
"""

import hashlib
import json
from http.server import BaseHTTPRequestHandler

import pytest

from server.cli import main
from tests.server.live import loopback_http_server, running_server

SCORE = {
    "name": "score",
    "return_type": "int",
    "parameters": [{"name": "n", "type": "int"}],
    "script": "return n * 10;",
}
CALLER = "return global_function_1(n) + 1;\n"


class BearerEchoHandler(BaseHTTPRequestHandler):
    """Return the request's Authorization header as JSON."""

    def do_GET(self):
        body = json.dumps({"auth": self.headers.get("Authorization")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def upstream():
    with loopback_http_server(BearerEchoHandler) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A stopped service's data directory with a global function and a connection."""
    directory = tmp_path_factory.mktemp("cli-data") / "data"
    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        running_server(directory, monkeypatch) as live,
    ):
        created = live.admin.post("/api/v1/portals/1/global-functions", json=SCORE)
        assert created.status_code == 201, created.text
        assert created.json()["call_name"] == "global_function_1"
        connection = live.admin.post(
            "/api/v1/portals/1/connections",
            json={
                "link_name": "echo",
                "name": "Echo",
                "auth_type": "bearer",
                "token": "echo-secret-token",
            },
        )
        assert connection.status_code == 201, connection.text
        other = live.admin.post(
            "/api/v1/portals", json={"name": "Other", "time_zone": "Asia/Tokyo"}
        )
        assert other.status_code == 201, other.text
    (directory / "settings.toml").write_text(
        'outbound_allow_list = ["127.0.0.1"]\n[limits]\nstatements = 40\n'
    )
    return directory


def snapshot(directory) -> dict:
    return {
        path.relative_to(directory): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def caller(tmp_path):
    path = tmp_path / "caller.dg"
    path.write_text("int caller(int n)\n{\n" + CALLER + "}\n")
    return path


def test_check_without_data_dir_explains(caller, capsys):
    assert main(["check", str(caller)]) == 1
    out = capsys.readouterr().out
    assert "Function 'global_function_1' is not defined" in out
    assert "--data-dir DIR --portal N" in out


def test_compile_without_data_dir_explains(caller, capsys):
    assert main(["compile", str(caller)]) == 1
    err = capsys.readouterr().err
    assert "--data-dir DIR --portal N to resolve global functions" in err


def test_check_with_data_dir(caller, data_dir, capsys):
    before = snapshot(data_dir)
    status = main(["check", str(caller), "--data-dir", str(data_dir), "--portal", "1"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert f"{caller}: ok" in out
    assert snapshot(data_dir) == before


def test_check_json_names_missing_function(tmp_path, data_dir, capsys):
    path = tmp_path / "missing.dg"
    path.write_text("return global_function_7(1);\n")
    arguments = ["check", str(path), "--data-dir", str(data_dir), "--format", "json"]
    assert main(arguments) == 1
    report = json.loads(capsys.readouterr().out.splitlines()[0])
    message = report["errors"][0]["message"]
    assert "portal 1 of" in message
    assert "has no global function 7" in message


def test_compile_with_data_dir(caller, data_dir, capsys):
    assert main(["compile", str(caller), "--data-dir", str(data_dir)]) == 0
    assert "def fn_global_function_1(" in capsys.readouterr().out


def test_run_with_data_dir(caller, data_dir, capsys):
    before = snapshot(data_dir)
    arguments = ["run", str(caller), "--arguments", '{"n": 4}']
    assert main([*arguments, "--data-dir", str(data_dir), "--portal", "1"]) == 0
    assert json.loads(capsys.readouterr().out) == {"output": 41}
    assert snapshot(data_dir) == before


def test_run_uses_data_dir_limits(tmp_path, data_dir, capsys):
    path = tmp_path / "loop.dg"
    path.write_text(
        "count = 0;\nfor each item in {1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,"
        "19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41}\n"
        "{\n\tcount = count + 1;\n}\nreturn count;\n"
    )
    assert main(["run", str(path)]) == 0
    assert json.loads(capsys.readouterr().out) == {"output": 41}
    assert main(["run", str(path), "--data-dir", str(data_dir)]) == 1
    assert "statements (40)" in json.loads(capsys.readouterr().out)["errorMessage"]


def test_run_uses_connection(tmp_path, data_dir, upstream, capsys):
    path = tmp_path / "fetch.dg"
    path.write_text(
        "response = invokeurl\n[\n"
        f'\turl: "{upstream}/auth"\n\ttype: GET\n\tconnection: "echo"\n];\n'
        'return response.get("auth");\n'
    )
    assert main(["run", str(path), "--data-dir", str(data_dir)]) == 0
    assert json.loads(capsys.readouterr().out) == {"output": "Bearer echo-secret-token"}


def test_run_uses_portal_time_zone(tmp_path, data_dir, capsys):
    path = tmp_path / "zone.dg"
    path.write_text('now = zoho.currenttime;\nreturn now.toString("Z");\n')
    assert main(["run", str(path), "--data-dir", str(data_dir), "--portal", "2"]) == 0
    assert json.loads(capsys.readouterr().out)["output"] == "+0900"


def test_run_date_in_portal_zone(tmp_path, data_dir, capsys):
    path = tmp_path / "opened.dg"
    path.write_text(
        "string opened(date created)\n{\n"
        '\treturn created.toString("dd-MMM-yyyy HH:mm");\n}\n'
    )
    arguments = ["--arguments", '{"created": "2026-03-02T00:30:00Z"}']
    directory = ["--data-dir", str(data_dir), "--portal", "2"]
    assert main(["run", str(path), *arguments, *directory]) == 0
    assert json.loads(capsys.readouterr().out) == {"output": "02-Mar-2026 09:30"}


def test_profile_date_in_portal_zone(tmp_path, data_dir, capsys):
    path = tmp_path / "opened.dg"
    path.write_text(
        'string opened(date created)\n{\n\treturn created.toString("HH:mm");\n}\n'
    )
    arguments = ["--arguments", '{"created": "2026-03-02T00:30:00Z"}']
    directory = ["--data-dir", str(data_dir), "--portal", "2"]
    command = ["profile", str(path), *arguments, "--format", "json", *directory]
    assert main(command) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["output"] == "09:30"


def test_unknown_portal_rejected(caller, data_dir, capsys):
    assert (
        main(["check", str(caller), "--data-dir", str(data_dir), "--portal", "9"]) == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("deluge-callbacks: error: Portal 9 not found")


def test_data_dir_without_database(caller, tmp_path, capsys):
    assert main(["run", str(caller), "--data-dir", str(tmp_path / "empty")]) == 2
    assert "No database in the data directory" in capsys.readouterr().err
    assert not (tmp_path / "empty").exists()


def test_portal_needs_data_dir(caller, capsys):
    assert main(["compile", str(caller), "--portal", "1"]) == 2
    assert "--portal needs --data-dir" in capsys.readouterr().err
