"""The execution history through the admin API of a real loopback service."""

from __future__ import annotations

import sqlite3
import time

import httpx
import pytest

from server.settings import SettingsError, load_settings
from tests.server.live import create_callback, running_server

SECRET_VALUE = "hunter2-password"


def invoke(live, url: str, arguments: str) -> httpx.Response:
    params = dict(httpx.URL(url).params)
    params["arguments"] = arguments
    return live.client.get("/AppIntegrations", params=params)


def executions(live, callback_id: int, portal: int = 1, **query) -> httpx.Response:
    live.service.history.flush()
    return live.admin.get(
        f"/api/v1/portals/{portal}/callbacks/{callback_id}/executions", params=query
    )


@pytest.fixture
def live(tmp_path, monkeypatch):
    environment = {"DELUGE_CALLBACKS_HISTORY_MAX_ROWS": "5"}
    with running_server(tmp_path / "data", monkeypatch, **environment) as server:
        yield server


def publish(live, **fields) -> dict:
    response = create_callback(live, publish=True, **fields)
    assert response.status_code == 201, response.text
    return response.json()


def test_history_records_each_outcome(live):
    record = publish(
        live,
        name="divide",
        api_name="divide",
        return_type="int",
        parameters=[{"name": "n", "type": "int"}],
        script='info "n is " + n;\ninfo "second";\nreturn 100 / n;',
    )
    assert invoke(live, record["url"], '{"n": 4}').status_code == 200
    assert invoke(live, record["url"], '{"n": 0}').status_code == 500
    assert invoke(live, record["url"], '{"n": "four"}').status_code == 400
    listing = executions(live, record["id"]).json()
    assert listing["total"] == 3
    bad, failed, ok = listing["executions"]
    assert ok["status"] == "success"
    assert ok["http_status"] == 200
    assert ok["version"] == 1
    assert ok["info"] == ["n is 4", "second"]
    assert ok["info_lines"] == 2
    assert ok["statements"] >= 3
    assert ok["error_message"] is None
    assert ok["arguments"] == {"n": 4}
    assert failed["status"] == "error"
    assert failed["http_status"] == 500
    assert "Line no: 3" in failed["error_message"]
    assert failed["info"] == ["n is 0", "second"]
    assert bad["status"] == "invalid_arguments"
    assert bad["http_status"] == 400
    assert "four" in bad["error_message"]
    assert bad["statements"] == 0
    assert ok["started_at"] < failed["started_at"] < bad["started_at"]
    one = live.admin.get(
        f"/api/v1/portals/1/callbacks/{record['id']}/executions/{ok['id']}"
    ).json()
    assert one == ok


def test_limit_exceeded_is_its_own_status(live):
    record = publish(
        live,
        name="spin",
        api_name="spin",
        return_type="int",
        parameters=[],
        script=f"items = {{{', '.join(map(str, range(100)))}}};\ntotal = 0;\n"
        "for each a in items\n{\n  for each b in items\n  {\n"
        "    total = total + 1;\n  }\n}\nreturn total;",
    )
    assert invoke(live, record["url"], "{}").status_code == 500
    [row] = executions(live, record["id"]).json()["executions"]
    assert row["status"] == "limit_exceeded"
    assert "statements" in row["error_message"]
    assert row["statements"] >= 5000


def test_secret_values_and_tokens_never_stored(live):
    record = publish(
        live,
        name="login",
        api_name="login",
        return_type="string",
        parameters=[
            {"name": "user", "type": "string"},
            {"name": "password", "type": "string", "secret": True},
            {"name": "pin", "type": "int", "secret": True},
        ],
        script='info "checking " + password + " for " + user;\n'
        'if (pin > 9999) { return password.toLong(); }\nreturn "ok " + user;',
    )
    assert record["parameters"][1] == {
        "name": "password",
        "type": "string",
        "secret": True,
    }
    assert record["parameters"][0] == {"name": "user", "type": "string"}
    arguments = f'{{"user": "ann", "password": "{SECRET_VALUE}", "pin": 123456}}'
    failed = invoke(live, record["url"], arguments)
    assert failed.status_code == 500
    fine = invoke(live, record["url"], arguments.replace("123456", "7"))
    assert fine.json() == {"output": "ok ann"}
    bad = invoke(live, record["url"], f'{{"password": "{SECRET_VALUE}", "pin": "x1"}}')
    assert bad.status_code == 400
    listing = executions(live, record["id"])
    assert SECRET_VALUE not in listing.text
    assert "123456" not in listing.text
    rows = listing.json()["executions"]
    assert rows[2]["arguments"] == {
        "user": "ann",
        "password": "[secret]",
        "pin": "[secret]",
    }
    assert rows[2]["info"] == ["checking [secret] for ann"]
    assert rows[1]["arguments"]["user"] == "ann"
    token = httpx.URL(record["url"]).params["auth_token"]
    database = (live.data_dir / "callbacks.db").read_bytes()
    wal = live.data_dir / "callbacks.db-wal"
    stored = database + (wal.read_bytes() if wal.exists() else b"")
    assert SECRET_VALUE.encode() not in stored
    assert token.encode() not in stored


def test_filters_and_paging(live):
    record = publish(
        live,
        name="check",
        api_name="check",
        return_type="int",
        parameters=[{"name": "n", "type": "int"}],
        script="return 10 / n;",
    )
    for n in (1, 0, 2):
        invoke(live, record["url"], f'{{"n": {n}}}')
    all_rows = executions(live, record["id"]).json()["executions"]
    errors = executions(live, record["id"], status="error").json()
    assert errors["total"] == 1
    assert errors["executions"][0]["arguments"] == {"n": 0}
    page = executions(live, record["id"], per_page=2, page=2).json()
    assert page["total"] == 3
    assert [row["id"] for row in page["executions"]] == [all_rows[2]["id"]]
    middle = all_rows[1]["started_at"]
    since = executions(live, record["id"], since=middle).json()
    assert [row["id"] for row in since["executions"]] == [
        all_rows[0]["id"],
        all_rows[1]["id"],
    ]
    until = executions(live, record["id"], until=middle).json()
    assert [row["id"] for row in until["executions"]] == [all_rows[2]["id"]]
    invalid = executions(live, record["id"], status="broken")
    assert invalid.status_code == 400
    assert "success" in invalid.json()["error"]["message"]
    assert executions(live, record["id"], since="yesterday").status_code == 400
    assert executions(live, record["id"], portal=2).status_code == 404


def test_retention_keeps_newest_rows(live):
    record = publish(
        live,
        name="count",
        api_name="count",
        return_type="int",
        parameters=[{"name": "n", "type": "int"}],
        script="return n;",
    )
    for n in range(8):
        invoke(live, record["url"], f'{{"n": {n}}}')
        if n % 3 == 0:
            live.service.history.flush()
    listing = executions(live, record["id"]).json()
    assert listing["total"] == 5
    assert [row["arguments"]["n"] for row in listing["executions"]] == [
        7,
        6,
        5,
        4,
        3,
    ]


def test_deleting_callback_deletes_history(live):
    record = publish(
        live,
        name="gone",
        api_name="gone",
        return_type="int",
        parameters=[],
        script="return 1;",
    )
    invoke(live, record["url"], "{}")
    assert executions(live, record["id"]).json()["total"] == 1
    assert live.admin.delete(f"/api/v1/portals/1/callbacks/{record['id']}").is_success
    rows = live.service.storage.db.execute(
        "SELECT COUNT(*) FROM executions WHERE callback_id = ?", [record["id"]]
    ).fetchone()
    assert rows[0] == 0


def test_old_rows_pruned_by_age(tmp_path, monkeypatch):
    with running_server(tmp_path / "data", monkeypatch) as live:
        record = publish(
            live,
            name="old",
            api_name="old",
            return_type="int",
            parameters=[],
            script="return 1;",
        )
        invoke(live, record["url"], "{}")
        invoke(live, record["url"], "{}")
        writer = live.service.history
        writer.flush()
        live.service.storage.db.execute(
            "UPDATE executions SET started_at = '2000-01-01T00:00:00.000000+00:00' "
            "WHERE id = (SELECT MIN(id) FROM executions)"
        )
        writer.prune_by_age()
        assert executions(live, record["id"]).json()["total"] == 1


def test_arguments_recorded_as_sent(live):
    record = publish(
        live,
        name="mutate",
        api_name="mutate",
        return_type="map",
        parameters=[{"name": "payload", "type": "map"}],
        script='payload.put("added", 1);\nreturn payload;',
    )
    answer = invoke(live, record["url"], '{"payload": {"a": 2}}')
    assert answer.json() == {"output": {"a": 2, "added": 1}}
    [row] = executions(live, record["id"]).json()["executions"]
    assert row["arguments"] == {"payload": {"a": 2}}


def test_locked_database_delays_rows(live):
    record = publish(
        live,
        name="locked",
        api_name="locked",
        return_type="int",
        parameters=[],
        script="return 1;",
    )
    blocker = sqlite3.connect(live.data_dir / "callbacks.db", isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        # The invocation only queues its row, so the write lock held here
        # does not delay the response.
        started = time.monotonic()
        assert invoke(live, record["url"], "{}").json() == {"output": 1}
        assert time.monotonic() - started < 1.0
        time.sleep(0.5)
        assert live.service.history.pending == 1
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert executions(live, record["id"]).json()["total"] == 1
    assert live.service.history.pending == 0


def test_history_settings_from_file_and_environment(tmp_path):
    (tmp_path / "settings.toml").write_text(
        "history_max_rows = 50\nhistory_max_age_days = 7\n"
    )
    settings = load_settings(tmp_path, environ={})
    assert settings.history_max_rows == 50
    assert settings.history_max_age_days == 7.0
    environment = {"DELUGE_CALLBACKS_HISTORY_MAX_AGE_DAYS": "0.5"}
    assert load_settings(tmp_path, environ=environment).history_max_age_days == 0.5
    for name, value in (("HISTORY_MAX_ROWS", "0"), ("HISTORY_MAX_AGE_DAYS", "-1")):
        with pytest.raises(SettingsError, match=f"setting '{name.lower()}'"):
            load_settings(tmp_path, environ={f"DELUGE_CALLBACKS_{name}": value})


def test_secret_redacted_after_restart(tmp_path, monkeypatch):
    data = tmp_path / "data"
    with running_server(data, monkeypatch) as live:
        record = publish(
            live,
            name="keyed",
            api_name="keyed",
            return_type="string",
            parameters=[{"name": "key", "type": "string", "secret": True}],
            script='info key; return "ok";',
        )
    # The new process loads the program from the disk cache, not the database.
    with running_server(data, monkeypatch) as live:
        answer = invoke(live, record["url"], f'{{"key": "{SECRET_VALUE}"}}')
        assert answer.json() == {"output": "ok"}
        assert live.status()["loader"]["disk_hits"] == 1
        [row] = executions(live, record["id"]).json()["executions"]
        assert row["arguments"] == {"key": "[secret]"}
        assert row["info"] == ["[secret]"]
