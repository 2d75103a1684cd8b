import json
import subprocess
import sys
from pathlib import Path

from compiler import compile_function
from runtime import load_program
from server.cli import main
from server.profile import profile_program
from server.programs import GlobalFunctionSource

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

LOOP = """\
total = 0;
for each x in items
{
    total = total + x;
}
return total;
"""

# Line 4 builds text once per element, so it takes far longer than the lines
# that run once, even when the machine is busy.
HOT_LINE = """\
label = "";
for each n in items
{
    label = label + "item " + n + ", ";
}
return label.length();
"""
HOT_ITEMS = list(range(1000))
HOT_ARGUMENTS = [
    "--param",
    "items:list",
    "--arguments",
    json.dumps({"items": HOT_ITEMS}),
]
HOT_LENGTH = sum(len(f"item {n}, ") for n in HOT_ITEMS)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def profile_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["profile", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def line_of(report: dict, number: int) -> dict:
    [line] = [item for item in report["lines"] if item["line"] == number]
    return line


def test_profile_counts_statements_per_line(tmp_path, capsys):
    source = write(tmp_path / "sum.dg", LOOP)
    code, report = profile_json(
        capsys,
        str(source),
        "--param",
        "items:list",
        "--return-type",
        "int",
        "--arguments",
        '{"items": [1, 2, 3]}',
    )
    assert code == 0
    assert report["output"] == 6
    assert line_of(report, 1)["statements"] == 1
    # The header starts once per element and once more at the end.
    assert line_of(report, 2)["statements"] == 4
    assert line_of(report, 4)["statements"] == 3
    assert line_of(report, 6)["statements"] == 1
    assert {item["line"] for item in report["lines"]} == {1, 2, 4, 6}


def test_profile_repeat_sums_runs(tmp_path, capsys):
    source = write(tmp_path / "sum.dg", LOOP)
    arguments = ["--param", "items:list", "--arguments", '{"items": [5, 6]}']
    code, report = profile_json(capsys, str(source), *arguments, "--repeat", "3")
    assert code == 0
    assert report["runs"] == 3
    assert line_of(report, 4)["statements"] == 6
    assert report["statements_per_run"] > 0


def test_profile_lists_slowest_line_first(tmp_path, capsys):
    source = write(tmp_path / "hot.dg", HOT_LINE)
    code, report = profile_json(capsys, str(source), *HOT_ARGUMENTS, "--repeat", "3")
    assert code == 0
    assert report["output"] == HOT_LENGTH
    times = [item["ms"] for item in report["lines"]]
    assert times == sorted(times, reverse=True)
    assert report["lines"][0]["line"] == 4
    assert report["lines"][0]["statements"] == 3000


def test_profile_text_shows_deluge_source(tmp_path, capsys):
    source = write(tmp_path / "hot.dg", HOT_LINE)
    code = main(["profile", str(source), *HOT_ARGUMENTS, "--repeat", "2", "--top", "2"])
    assert code == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"output: {HOT_LENGTH}"
    assert "2 run(s)" in out[1]
    table = out[3:]
    assert table[0].split()[:4] == ["function", "line", "statements", "ms"]
    assert table[1].split()[:3] == ["hot", "4", "2000"]
    assert table[1].endswith('label = label + "item " + n + ", ";')
    assert table[-1] == "(2 more lines; use --top 0)"


def test_profile_full_definition_uses_header(capsys):
    arguments = (EXAMPLES / "asset_totals.json").read_text()
    code, report = profile_json(
        capsys, str(EXAMPLES / "asset_totals.dg"), "--arguments", arguments
    )
    expected = json.loads((EXAMPLES / "asset_totals.expected.json").read_text())
    assert code == 0
    assert {"output": report["output"]} == expected
    assert {item["function"] for item in report["lines"]} == {"departmentTotals"}
    # The header is line 3 and the body starts on line 5.
    assert min(item["line"] for item in report["lines"]) == 5


def test_profile_runtime_error_exits_1(tmp_path, capsys):
    source = write(tmp_path / "fail.dg", "x = 1;\ny = x / 0;\nreturn y;\n")
    code, report = profile_json(capsys, str(source))
    assert code == 1
    assert "Line no: 2" in report["errorMessage"]
    lines = sorted(item["line"] for item in report["lines"])
    assert lines == [1, 2]


def test_profile_rejects_zero_repeat(tmp_path, capsys):
    source = write(tmp_path / "one.dg", "return 1;\n")
    assert main(["profile", str(source), "--repeat", "0"]) == 2
    assert "--repeat must be at least 1" in capsys.readouterr().err


def test_profile_charges_global_function_lines():
    double = GlobalFunctionSource(
        id=12,
        version=1,
        name="global_function_12",
        parameters=[("n", "int")],
        return_type="int",
        script="twice = n * 2;\nreturn twice;",
    )
    compiled = compile_function(
        "a = 0;\nfor each n in {1, 2, 3}\n{\n    a = a + global_function_12(n);\n}"
        "\nreturn a;",
        name="caller",
        parameters=[],
        return_type="int",
        resolve_global=lambda name: double if name == double.name else None,
    )
    assert compiled.ok, compiled.diagnostics
    report = profile_program(load_program(compiled.code), {}, main_label="caller")
    assert report.result.output == 12
    counts = {(line.function, line.line): line.statements for line in report.lines}
    assert counts[("caller", 4)] == 3
    assert counts[("global_function_12", 1)] == 3
    assert counts[("global_function_12", 2)] == 3


def test_profile_console_script_runs(tmp_path):
    source = write(tmp_path / "sum.dg", LOOP)
    script = Path(sys.executable).with_name("deluge-callbacks")
    result = subprocess.run(
        [
            str(script),
            "profile",
            str(source),
            "--param",
            "items:list",
            "--arguments",
            '{"items": [1]}',
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "output: 1"


def test_profile_data_dir_resolves_globals(live, tmp_path, capsys):
    created = live.admin.post(
        "/api/v1/portals/1/global-functions",
        json={
            "name": "addTax",
            "return_type": "float",
            "parameters": [{"name": "amount", "type": "float"}],
            "script": "taxed = amount * 1.5;\nreturn taxed;",
        },
    )
    assert created.status_code == 201, created.text
    call_name = created.json()["call_name"]
    source = write(
        tmp_path / "total.dg",
        f"sum = 0.0;\nfor each a in amounts\n{{\n    sum = sum + {call_name}(a);\n}}"
        "\nreturn sum;\n",
    )
    code, report = profile_json(
        capsys,
        str(source),
        "--param",
        "amounts:list",
        "--arguments",
        '{"amounts": [2, 4]}',
        "--data-dir",
        str(live.data_dir),
    )
    assert code == 0
    assert report["output"] == 9.0
    callee = [item for item in report["lines"] if item["function"] != "total"]
    assert {item["line"] for item in callee} == {1, 2}
    assert all(item["statements"] == 2 for item in callee)
