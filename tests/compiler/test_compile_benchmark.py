"""Smoke test: the compile-throughput benchmark runs on a tiny corpus."""

from benchmarks import compile_throughput


def test_benchmark_runs_on_tiny_corpus(tmp_path):
    output = tmp_path / "result.md"
    figures = compile_throughput.main(["--lines", "60", "--repeats", "1",
                                       "--output", str(output)])
    assert figures["deluge_lines"] >= 60
    assert figures["full_lines_per_second"] > 0
    assert "lines/s" in output.read_text()
