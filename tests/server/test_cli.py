import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from server.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_compile_prints_python(tmp_path, capsys):
    source = write(tmp_path / "double.dg", "return n * 2;\n")
    assert main(["compile", str(source), "--param", "n:int"]) == 0
    assert "def deluge_main(ctx, v_n)" in capsys.readouterr().out


def test_compile_error_has_location_and_caret(tmp_path, capsys):
    source = write(tmp_path / "bad.dg", "x = 1;\ny = ;\n")
    assert main(["compile", str(source)]) == 1
    error = capsys.readouterr().err.splitlines()
    assert error[0].startswith(f"{source}:2:5: error: ")
    assert error[1].strip() == "y = ;"
    assert error[2].index("^") == error[1].index(";")


def test_run_prints_response_and_info(tmp_path, capsys):
    source = write(tmp_path / "greet.dg", 'info "hi";\nreturn "Hello " + who;\n')
    code = main(
        ["run", str(source), "--param", "who:string", "--arguments", '{"who":"Ann"}']
    )
    assert code == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"output": "Hello Ann"}
    assert "info: hi" in captured.err


def test_run_full_definition_uses_header(capsys):
    arguments = (EXAMPLES / "asset_totals.json").read_text()
    expected = json.loads((EXAMPLES / "asset_totals.expected.json").read_text())
    code = main(["run", str(EXAMPLES / "asset_totals.dg"), "--arguments", arguments])
    assert code == 0
    assert json.loads(capsys.readouterr().out) == expected


def test_run_runtime_error_exits_1(tmp_path, capsys):
    source = write(tmp_path / "fail.dg", "x = 1;\nreturn x / 0;\n")
    assert main(["run", str(source)]) == 1
    body = json.loads(capsys.readouterr().out)
    assert "Line no: 2" in body["errorMessage"]


def test_run_error_body_compact(tmp_path, capsys):
    """An error prints in the service's compact body form, as a success does,
    and a count of one statement is singular."""
    source = write(tmp_path / "fail.dg", "return 1 / 0;\n")
    assert main(["run", str(source)]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith('{"errorMessage":"')
    assert "info: 1 statement in " in captured.err


def test_version_option(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("deluge-callbacks 0.")


def test_serve_rejects_negative_shutdown_timeout(tmp_path, capsys):
    data_dir = str(tmp_path / "data")
    options = ["serve", "--data-dir", data_dir, "--timeout-graceful-shutdown", "-5"]
    assert main(options) == 2
    assert "--timeout-graceful-shutdown must be 0 or more" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()


def test_run_unknown_argument_exits_1(tmp_path, capsys):
    source = write(tmp_path / "one.dg", "return 1;\n")
    assert main(["run", str(source), "--arguments", '{"x": 1}']) == 1
    assert "Unknown argument 'x'" in capsys.readouterr().out


def test_bad_param_option_exits_2(tmp_path, capsys):
    source = write(tmp_path / "one.dg", "return 1;\n")
    assert main(["run", str(source), "--param", "x"]) == 2
    assert "Invalid --param" in capsys.readouterr().err


def test_check_json_lines_and_summary(tmp_path, capsys):
    write(tmp_path / "good.dg", "return 1;\n")
    nested = tmp_path / "nested"
    nested.mkdir()
    write(nested / "bad.dg", "return (;\n")
    write(tmp_path / "ignored.txt", "not deluge")
    assert main(["check", str(tmp_path), "--format", "json"]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line.get("file") for line in lines[:2]] == [
        str(tmp_path / "good.dg"),
        str(nested / "bad.dg"),
    ]
    assert lines[0]["ok"] is True
    assert lines[1]["ok"] is False
    [error] = lines[1]["errors"]
    assert error["line"] == 1
    assert error["kind"] == "syntax"
    assert lines[2] == {"summary": {"files": 2, "ok": 1, "failed": 1}}


def test_check_examples_pass(capsys):
    assert main(["check", str(EXAMPLES)]) == 0
    assert "0 failed" in capsys.readouterr().out


def test_console_script_runs():
    script = Path(sys.executable).with_name("deluge-callbacks")
    result = subprocess.run(
        [str(script), "check", str(EXAMPLES), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1])["summary"]["failed"] == 0


def test_progress_line_fills_bar():
    from server.cli_check import progress_line

    assert progress_line(0, 4, Path("a.dg")).startswith("[" + "-" * 30 + "] 0/4")
    assert progress_line(2, 4, Path("a.dg")) == "[" + "#" * 15 + "-" * 15 + "] 2/4 a.dg"
    assert progress_line(4, 4, Path("a.dg")).startswith("[" + "#" * 30 + "]")


@pytest.fixture
def restore_logging():
    """Undo the handlers that ``serve`` installs on the project's loggers."""
    names = ("server", "cache", "runtime", "compiler")
    saved = {}
    for name in names:
        package_logger = logging.getLogger(name)
        saved[name] = (
            list(package_logger.handlers),
            package_logger.level,
            package_logger.propagate,
        )
    yield
    for name, (handlers, level, propagate) in saved.items():
        package_logger = logging.getLogger(name)
        package_logger.handlers[:] = handlers
        package_logger.setLevel(level)
        package_logger.propagate = propagate


def test_serve_reports_bad_settings(tmp_path, capsys, restore_logging):
    (tmp_path / "settings.toml").write_text("[limits]\nstatements = -1\n")
    assert main(["serve", "--data-dir", str(tmp_path)]) == 1
    assert "greater than zero" in capsys.readouterr().err


def test_serve_rejects_foreign_cache_path(tmp_path, capsys, restore_logging):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "cache").symlink_to(tmp_path / "elsewhere")
    assert main(["serve", "--data-dir", str(tmp_path)]) == 1
    assert "not a directory" in capsys.readouterr().err
