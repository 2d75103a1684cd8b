"""The compiler's benchmarks run on tiny sizes and write their results.

These are not timings: they fail only when a benchmark breaks, for example
when a script's output and its Python equivalent's differ.
"""

from benchmarks import compile_throughput, execution_speed
from benchmarks.execution_cases import build_cases


def test_compile_throughput_tiny_corpus(tmp_path):
    output = tmp_path / "result.md"
    figures = compile_throughput.main(
        ["--lines", "60", "--repeats", "2", "--output", str(output)]
    )
    assert figures["deluge_lines"] >= 60
    assert figures["full_lines_per_second"] > 0
    assert figures["ratio_to_python_compile"] > 0
    assert "lines/s" in output.read_text()


def test_execution_speed_tiny_sizes(tmp_path):
    rows = execution_speed.main(
        [
            "--size",
            "3",
            "--rounds",
            "2",
            "--seconds",
            "0.0005",
            "--output",
            str(tmp_path),
        ]
    )
    assert len(rows) == len(build_cases(3)) >= 8
    assert all(row["ratio"] > 0 and row["limits_ratio"] > 0 for row in rows)
    table = (tmp_path / "execution_speed.md").read_text()
    assert "| text building |" in table
    assert (tmp_path / "execution_speed.png").stat().st_size > 1000


def test_execution_cases_agree_with_python():
    for case in build_cases(5):
        on = execution_speed.compile_case(case, count_statements=True)
        off = execution_speed.compile_case(case, count_statements=False)
        expected = case.python(**case.arguments)
        assert on.run(case.arguments).output == expected, case.name
        assert off.run(case.arguments).output == expected, case.name
