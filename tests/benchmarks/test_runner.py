from benchmarks import run_all


def test_summary_keeps_other_benchmarks(tmp_path):
    run_all.write_summary(tmp_path, {"scale": "p95 9 ms"}, "first")
    run_all.write_summary(tmp_path, {"cold_start": "40x"}, "second")
    text = (tmp_path / "summary.md").read_text()
    assert "- cold_start: 40x" in text
    assert "- scale: p95 9 ms" in text
    assert "`second`" in text
    assert text.index("- cold_start") < text.index("- scale")


def test_summary_replaces_rerun_benchmark(tmp_path):
    run_all.write_summary(tmp_path, {"scale": "old"}, "first")
    run_all.write_summary(tmp_path, {"scale": "new"}, "second")
    text = (tmp_path / "summary.md").read_text()
    assert "- scale: new" in text
    assert "- scale: old" not in text


def test_exit_status_flags_failures():
    assert run_all.exit_status({"scale": "p95 9 ms"}) == 0
    failed = {"scale": "p95 9 ms", "cold_start": run_all.FAILED + "boom"}
    assert run_all.exit_status(failed) == 1


def test_ratio_cells_read_last_column():
    table = "| a | 1.00 ms | 1.20x |\n| b | 2 | 3.5x |\n| c | x |\nMedian 9x"
    assert run_all._ratio_cells(table) == [1.2, 3.5]
