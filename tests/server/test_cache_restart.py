import os
import sqlite3
import stat

import httpx

from tests.server.live import create_callback, running_server

CALLBACK = {
    "name": "label",
    "api_name": "label",
    "return_type": "string",
    "parameters": [{"name": "id", "type": "int"}],
    "script": 'return "ticket-" + id;',
    "publish": True,
}


def invoke(live, url: str, arguments: str = '{"id": 7}') -> httpx.Response:
    """Send the query of ``url`` to ``live``, which may run on another port."""
    params = dict(httpx.URL(url).params)
    params["arguments"] = arguments
    return live.client.get("/AppIntegrations", params=params)


def test_restart_serves_from_disk_cache(tmp_path, monkeypatch):
    data = tmp_path / "data"
    with running_server(data, monkeypatch) as live:
        url = create_callback(live, **CALLBACK).json()["url"]
    with running_server(data, monkeypatch) as live:
        assert invoke(live, url).json() == {"output": "ticket-7"}
        status = live.status()
        assert status["loader"]["compiles"] == 0
        assert status["loader"]["disk_hits"] == 1
        assert invoke(live, url).json() == {"output": "ticket-7"}
        assert live.status()["loader"]["memory_hits"] == 1


def test_tampered_entry_is_recompiled(tmp_path, monkeypatch):
    data = tmp_path / "data"
    with running_server(data, monkeypatch) as live:
        url = create_callback(live, **CALLBACK).json()["url"]
    marker = tmp_path / "executed"
    evil = compile(f"open({str(marker)!r}, 'w')", "<evil>", "exec")
    import marshal

    payload = marshal.dumps({"code": evil, "metadata": {}})
    connection = sqlite3.connect(data / "cache" / "cache.db")
    with connection:
        [(key, value)] = connection.execute("SELECT key, value FROM Cache")
        forged = bytes(value)[:36] + payload
        connection.execute("UPDATE Cache SET value = ? WHERE key = ?", (forged, key))
    connection.close()
    with running_server(data, monkeypatch) as live:
        assert invoke(live, url).json() == {"output": "ticket-7"}
        status = live.status()
        assert status["disk_cache"]["rejected"] == 1
        assert status["loader"]["compiles"] == 1
    assert not marker.exists()


def test_cache_directory_is_private(live):
    mode = stat.S_IMODE(os.lstat(live.data_dir / "cache").st_mode)
    assert mode == 0o700


def test_key_files_are_private(live):
    for name in ("cache-signing.key", "token-encryption.key"):
        mode = stat.S_IMODE(os.lstat(live.data_dir / name).st_mode)
        assert mode == 0o600, name


def test_database_holds_no_usable_token(live):
    record = create_callback(live, **CALLBACK).json()
    token = httpx.URL(record["url"]).params["auth_token"]
    database = (live.data_dir / "callbacks.db").read_bytes()
    wal = live.data_dir / "callbacks.db-wal"
    contents = database + (wal.read_bytes() if wal.exists() else b"")
    assert token.encode() not in contents
    connection = sqlite3.connect(live.data_dir / "callbacks.db")
    [(stored_hash, encrypted)] = connection.execute(
        "SELECT token_hash, token_encrypted FROM tokens"
    )
    connection.close()
    for candidate in (bytes(stored_hash).hex(), encrypted):
        url = httpx.URL(record["url"]).copy_set_param("auth_token", candidate)
        assert invoke(live, str(url)).status_code == 404


def test_admin_key_generated_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.delenv("DELUGE_CALLBACKS_ADMIN_KEY", raising=False)
    from server.secret_files import admin_key

    key = admin_key(tmp_path)
    path = tmp_path / "admin.key"
    assert stat.S_IMODE(os.lstat(path).st_mode) == 0o600
    assert path.read_text().strip() == key
    assert len(key) >= 43
    assert admin_key(tmp_path) == key
