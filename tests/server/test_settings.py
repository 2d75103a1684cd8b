import pytest

from server.settings import SettingsError, load_settings


def test_defaults(tmp_path):
    settings = load_settings(tmp_path, environ={})
    assert settings.host == "127.0.0.1"
    assert settings.port == 8080
    assert settings.limits.statements == 5000
    assert settings.limits.request_body_bytes == 1024 * 1024
    assert settings.outbound_allow_list == []
    assert settings.cache_dir == tmp_path.resolve() / "cache"


def test_file_then_environment_then_options(tmp_path):
    (tmp_path / "settings.toml").write_text(
        'port = 9000\nhost = "127.0.0.2"\n'
        'outbound_allow_list = ["127.0.0.1"]\n'
        "[limits]\nstatements = 100\nwall_time_seconds = 2.5\n"
    )
    environ = {
        "DELUGE_CALLBACKS_LIMIT_STATEMENTS": "200",
        "DELUGE_CALLBACKS_PORT": "9100",
        "DELUGE_CALLBACKS_OUTBOUND_ALLOW_LIST": "127.0.0.1, ::1/128",
    }
    settings = load_settings(tmp_path, environ=environ, port=9200)
    assert settings.limits.statements == 200
    assert settings.limits.wall_time_seconds == 2.5
    assert settings.host == "127.0.0.2"
    assert settings.port == 9200
    assert settings.outbound_allow_list == ["127.0.0.1", "::1/128"]


def test_unknown_limit_rejected(tmp_path):
    with pytest.raises(SettingsError, match="Unknown limit 'statement'"):
        load_settings(tmp_path, environ={"DELUGE_CALLBACKS_LIMIT_STATEMENT": "1"})


def test_invalid_limit_value_rejected(tmp_path):
    with pytest.raises(SettingsError, match="statements"):
        load_settings(tmp_path, environ={"DELUGE_CALLBACKS_LIMIT_STATEMENTS": "lots"})
    with pytest.raises(SettingsError, match="greater than zero"):
        load_settings(tmp_path, environ={"DELUGE_CALLBACKS_LIMIT_STATEMENTS": "0"})


def test_unknown_file_setting_rejected(tmp_path):
    (tmp_path / "settings.toml").write_text("colour = 'blue'\n")
    with pytest.raises(SettingsError, match="Unknown setting 'colour'"):
        load_settings(tmp_path, environ={})


def test_limit_from_environment_applies(tmp_path, monkeypatch):
    from tests.server.live import create_callback, running_server

    environment = {"DELUGE_CALLBACKS_LIMIT_STATEMENTS": "50"}
    with running_server(tmp_path / "data", monkeypatch, **environment) as live:
        record = create_callback(
            live,
            name="loop",
            api_name="loop",
            return_type="int",
            script=(
                'items = "' + "a," * 60 + 'a".toList(",");\ncount = 0;\n'
                "for each item in items\n{\n\tcount = count + 1;\n}\nreturn count;"
            ),
            publish=True,
        ).json()
        response = live.client.get(record["url"])
        assert response.status_code == 500
        assert "statements (50)" in response.json()["errorMessage"]
