"""Every invalid setting raises ``SettingsError`` naming the value and its source."""

import os

import pytest

from server.cli import main
from server.settings import SettingsError, load_settings, prepare_data_dir

ENV_CASES = [
    # (variable, value, words the message must contain)
    ("DELUGE_CALLBACKS_OUTBOUND_ALLOW_LIST", "*", ["'*'", "host name"]),
    ("DELUGE_CALLBACKS_OUTBOUND_ALLOW_LIST", "ok.example, bad host", ["'bad host'"]),
    ("DELUGE_CALLBACKS_OUTBOUND_ALLOW_LIST", "10.0.0.0/33", ["'10.0.0.0/33'"]),
    ("DELUGE_CALLBACKS_PORT", "http", ["'port'", "0 to 65535"]),
    ("DELUGE_CALLBACKS_PORT", "70000", ["'port'", "0 to 65535"]),
    ("DELUGE_CALLBACKS_PORT", "-1", ["'port'"]),
    ("DELUGE_CALLBACKS_HOST", "bad host!", ["'host'", "IP address"]),
    ("DELUGE_CALLBACKS_HOST", "", ["'host'"]),
    ("DELUGE_CALLBACKS_LOG_LEVEL", "LOUD", ["'log_level'", "DEBUG"]),
    ("DELUGE_CALLBACKS_PROGRAM_TABLE_SIZE", "0", ["'program_table_size'"]),
    ("DELUGE_CALLBACKS_HISTORY_MAX_ROWS", "0", ["'history_max_rows'"]),
    ("DELUGE_CALLBACKS_HISTORY_MAX_ROWS", "1e3", ["'history_max_rows'"]),
    ("DELUGE_CALLBACKS_HISTORY_MAX_AGE_DAYS", "nan", ["'history_max_age_days'"]),
    ("DELUGE_CALLBACKS_HISTORY_MAX_AGE_DAYS", "-3", ["greater than zero"]),
    ("DELUGE_CALLBACKS_LIMIT_STATEMENTS", "2.5", ["'limits.statements'"]),
    ("DELUGE_CALLBACKS_LIMIT_STATEMENTS", "9" * 40, ["'limits.statements'"]),
    ("DELUGE_CALLBACKS_LIMIT_WALL_TIME_SECONDS", "inf", ["greater than zero"]),
    ("DELUGE_CALLBACKS_LIMIT_WALL_TIME_SECONDS", "soon", ["wall_time_seconds"]),
    ("DELUGE_CALLBACKS_LIMIT_INTEGER_DIGITS", "100000", ["integer_digits", "to"]),
    ("DELUGE_CALLBACKS_LIMIT_NESTED", "5", ["Unknown limit 'nested'", "nested_calls"]),
]


@pytest.mark.parametrize(("variable", "value", "words"), ENV_CASES)
def test_environment_value_rejected(tmp_path, variable, value, words):
    with pytest.raises(SettingsError) as caught:
        load_settings(tmp_path, environ={variable: value})
    message = str(caught.value)
    assert variable in message
    for word in words:
        assert word in message


FILE_CASES = [
    # (settings.toml text, words the message must contain)
    ('outbound_allow_list = ["*"]\n', ["outbound_allow_list", "'*'"]),
    ("outbound_allow_list = [5]\n", ["list of strings"]),
    ('outbound_allow_list = "a.example"\n', ["list of strings"]),
    ("host = 5\n", ["'host'", "5"]),
    ("port = true\n", ["'port'", "True"]),
    ("port = 80.5\n", ["'port'"]),
    ('log_level = ["INFO"]\n', ["'log_level'"]),
    ("history_max_age_days = nan\n", ["'history_max_age_days'"]),
    ("[limits]\nstatements = 2.5\n", ["'limits.statements'", "[limits] table"]),
    ("[limits]\nstatements = true\n", ["'limits.statements'"]),
    ("[limits]\nstatements = -1\n", ["greater than zero"]),
    ('[limits]\nwall_time_seconds = "fast"\n', ["wall_time_seconds"]),
    ("[limits]\nstatment = 10\n", ["Unknown limit 'statment'", "statements"]),
    ("limits = 5\n", ["'limits'", "[limits] section"]),
    ("colour = 'blue'\n", ["Unknown setting 'colour'", "outbound_allow_list"]),
    ("port = \n", ["line 1", "fix the TOML syntax"]),
    ("[limits\nstatements = 1\n", ["line 1", "fix the TOML syntax"]),
]


@pytest.mark.parametrize(("text", "words"), FILE_CASES)
def test_settings_file_value_rejected(tmp_path, text, words):
    (tmp_path / "settings.toml").write_text(text)
    with pytest.raises(SettingsError) as caught:
        load_settings(tmp_path, environ={})
    message = str(caught.value)
    assert str(tmp_path / "settings.toml") in message
    for word in words:
        assert word in message


def test_settings_file_not_utf8(tmp_path):
    (tmp_path / "settings.toml").write_bytes(b'host = "\xff"\n')
    with pytest.raises(SettingsError, match="not UTF-8 text"):
        load_settings(tmp_path, environ={})


def test_settings_file_is_directory(tmp_path):
    (tmp_path / "settings.toml").mkdir()
    with pytest.raises(SettingsError, match="Cannot read the settings file"):
        load_settings(tmp_path, environ={})


def test_command_line_port_rejected(tmp_path):
    with pytest.raises(SettingsError, match=r"from --port\): expected an integer"):
        load_settings(tmp_path, environ={}, port=70000)


def test_valid_values_accepted(tmp_path):
    (tmp_path / "settings.toml").write_text(
        'host = "::1"\nport = "9000"\nlog_level = "debug"\n'
        'outbound_allow_list = ["*.corp.example", " 10.0.0.0/8 ", ""]\n'
        "history_max_age_days = 2\n[limits]\nwall_time_seconds = 5\n"
    )
    settings = load_settings(tmp_path, environ={})
    assert settings.host == "::1"
    assert settings.port == 9000
    assert settings.log_level == "DEBUG"
    assert settings.outbound_allow_list == ["*.corp.example", "10.0.0.0/8"]
    assert settings.history_max_age_days == 2.0
    assert settings.limits.wall_time_seconds == 5.0


def test_data_dir_that_is_a_file(tmp_path):
    target = tmp_path / "data"
    target.write_text("")
    with pytest.raises(SettingsError, match="not a directory.*--data-dir"):
        load_settings(target, environ={})


def test_data_dir_under_a_file(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(SettingsError, match="Cannot create the data directory"):
        prepare_data_dir(tmp_path / "file" / "data")


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root may write to a directory without write bits"
)
def test_data_dir_not_writable(tmp_path):
    target = tmp_path / "data"
    target.mkdir(mode=0o500)
    try:
        with pytest.raises(SettingsError, match="not writable"):
            prepare_data_dir(target)
    finally:
        target.chmod(0o700)


@pytest.fixture
def restore_logging():
    """Undo the handlers that ``serve`` installs on the project's loggers."""
    import logging

    names = ("server", "cache", "runtime", "compiler")
    saved = {}
    for name in names:
        package_logger = logging.getLogger(name)
        saved[name] = (list(package_logger.handlers), package_logger.level)
    yield
    for name, (handlers, level) in saved.items():
        package_logger = logging.getLogger(name)
        package_logger.handlers[:] = handlers
        package_logger.setLevel(level)
        package_logger.propagate = True


SERVE_CASES = [
    ("DELUGE_CALLBACKS_OUTBOUND_ALLOW_LIST", "*"),
    ("DELUGE_CALLBACKS_LOG_LEVEL", "LOUD"),
    ("DELUGE_CALLBACKS_LIMIT_STATEMENTS", "many"),
]


@pytest.mark.parametrize(("variable", "value"), SERVE_CASES)
def test_serve_prints_one_error_line(
    tmp_path, monkeypatch, capsys, restore_logging, variable, value
):
    monkeypatch.setenv(variable, value)
    assert main(["serve", "--data-dir", str(tmp_path / "data")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("deluge-callbacks: error: ")
    assert variable in err
    assert "Traceback" not in err
    # The settings are checked before the data directory is created.
    assert not (tmp_path / "data").exists()


def test_serve_data_dir_under_file(tmp_path, capsys, restore_logging):
    (tmp_path / "file").write_text("")
    assert main(["serve", "--data-dir", str(tmp_path / "file" / "data")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("deluge-callbacks: error: Cannot create the data directory")
