"""Each benchmark on tiny sizes: it runs, checks its own results, writes output.

These are not timings: they only fail when a benchmark breaks.
"""

import pytest

from benchmarks import cold_start, invocation_overhead, run_all, scale


def assert_outputs(directory, name):
    table = directory / f"{name}.md"
    plot = directory / f"{name}.png"
    assert table.exists()
    assert "| measure |" in table.read_text() or "| request |" in table.read_text()
    assert plot.stat().st_size > 1000


def test_invocation_overhead_quick(tmp_path):
    summary = invocation_overhead.run(tmp_path, quick=True, command="test")
    assert summary["callback_rps"] > 0
    assert summary["bare_rps"] > 0
    assert summary["throughput_ratio"] > 0
    assert len(summary["rounds_detail"]) == 2
    assert_outputs(tmp_path, "invocation_overhead")


def test_cold_start_quick(tmp_path):
    summary = cold_start.run(tmp_path, quick=True, command="test", functions=5)
    assert summary["functions"] == 5
    # Each variant checked the loader's counters: disk hits or compiles.
    assert summary["empty_load_total_ms"] > summary["cached_load_total_ms"]
    assert_outputs(tmp_path, "cold_start")


def test_scale_quick(tmp_path):
    summary = scale.run(tmp_path, quick=True, command="test")
    assert summary["sizes"] == [10, 50]
    assert set(summary["results"][50]) == set(scale.requests_for(1, 50))
    assert_outputs(tmp_path, "scale")


@pytest.mark.parametrize(
    "name", ["compile_throughput", "execution_speed", "limits_overhead"]
)
def test_runner_runs_compiler_benchmarks(tmp_path, name):
    headlines = run_all.main(["--quick", "--only", name, "--output-dir", str(tmp_path)])
    assert list(headlines) == [name]
    summary = (tmp_path / "summary.md").read_text()
    assert f"- {name}: " in summary
    assert "not run" not in headlines[name]
    assert not headlines[name].startswith(run_all.FAILED), headlines[name]
    if name != "limits_overhead":
        assert (tmp_path / f"{name}.md").exists()
        assert (tmp_path / f"{name}.png").exists()
