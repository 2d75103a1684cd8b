"""The benchmark-only switch that removes the statement counter."""

import ast
from pathlib import Path

from benchmarks import limits_overhead
from compiler import compile_function
from runtime import Limits, load_program

REPOSITORY = Path(__file__).resolve().parents[2]
LOOP = (
    "l = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};\nn = 0;\nfor each a in l\n{\n"
    "    for each b in l\n    {\n        n = n + 1;\n    }\n}\nreturn n;"
)


def counter_nodes(tree) -> list:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in ("statements", "tick")
    ]


def test_default_compile_counts_statements():
    result = compile_function(LOOP)
    assert counter_nodes(result.tree)
    hit = load_program(result.code).run({}, limits=Limits(statements=50))
    assert hit.limit == "statements"


def test_switch_removes_counter():
    result = compile_function(LOOP, count_statements=False)
    assert counter_nodes(result.tree) == []
    run = load_program(result.code).run({}, limits=Limits(statements=50))
    assert run.error is None
    assert run.output == 100


def test_switch_not_reachable_from_service():
    for path in (REPOSITORY / "server").rglob("*.py"):
        assert "count_statements" not in path.read_text(encoding="utf-8"), path


def test_benchmark_quick_run(capsys):
    limits_overhead.main(["--quick"])
    output = capsys.readouterr().out
    assert "| loop-heavy (nested for each, arithmetic) |" in output
    assert "| call-heavy (global function per iteration) |" in output
