"""Run every benchmark and write its table and plot under benchmarks/results/.

Benchmarks, in order: invocation overhead, execution speed, the cost of the
statement guards, cold start, compile throughput, admin API at scale. The
execution-speed, guard-cost and compile-throughput scripts belong to the
compiler and run here as they are. ``--quick`` runs tiny sizes (for the
smoke tests), ``--only NAME`` runs a subset, ``--output-dir`` writes
elsewhere. ``summary.md`` in the output directory lists the headline figure
of each benchmark; a benchmark left out by ``--only`` keeps its earlier line.
A benchmark that raises is logged and listed as failed, the others still
run, and the exit status is 1.

Run: ``.venv/bin/python -m benchmarks [--quick]`` or
``.venv/bin/python benchmarks/run_all.py [--quick]``
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    # Started as a script: make the repository importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import cold_start, invocation_overhead, scale
from benchmarks.common import RESULTS_DIR, ROOT, machine_description, pyplot

logger = logging.getLogger(__name__)

NAMES = (
    "invocation_overhead",
    "execution_speed",
    "limits_overhead",
    "cold_start",
    "compile_throughput",
    "scale",
)
EXECUTION_SPEED = Path(__file__).with_name("execution_speed.py")
LIMITS_OVERHEAD = Path(__file__).with_name("limits_overhead.py")
FAILED = "failed: "


def run_invocation_overhead(output_dir: Path, quick: bool, command: str) -> str:
    summary = invocation_overhead.run(output_dir, quick, command)
    return (
        f"callback/bare throughput {summary['throughput_ratio']:.2f} "
        f"(target ≥ {invocation_overhead.THROUGHPUT_TARGET:.2f}), p99 ratio "
        f"{summary['p99_ratio']:.2f} (target ≤ {invocation_overhead.P99_TARGET})"
    )


def run_cold_start(output_dir: Path, quick: bool, command: str) -> str:
    summary = cold_start.run(output_dir, quick, command)
    return (
        f"{summary['functions']:,} functions: load step "
        f"{summary['load_ratio']:.1f}x faster from the disk cache (target ≥ "
        f"{cold_start.TARGET_RATIO:.0f}x), first GET {summary['http_ratio']:.1f}x"
    )


def run_scale(output_dir: Path, quick: bool, command: str) -> str:
    summary = scale.run(output_dir, quick, command)
    return (
        f"slowest p95 at {summary['largest']:,} callbacks: "
        f"{summary['worst_p95_ms']:.1f} ms (target < {scale.TARGET_P95_MS:.0f} ms)"
    )


def run_compile_throughput(output_dir: Path, quick: bool, command: str) -> str:
    from benchmarks import compile_throughput

    lines, repeats = (200, 1) if quick else (10_000, 3)
    output = output_dir / "compile_throughput.md"
    figures = compile_throughput.main(
        ["--lines", str(lines), "--repeats", str(repeats), "--output", str(output)]
    )
    with output.open("a", encoding="utf-8") as handle:
        handle.write(f"\nMachine: {machine_description()}.\n\nCommand: `{command}`\n")
    plot_compile_throughput(figures, output_dir / "compile_throughput.png")
    return (
        f"full compile {figures['full_lines_per_second']:,.0f} Deluge lines/s, "
        f"parse only {figures['parse_lines_per_second']:,.0f} lines/s"
    )


def plot_compile_throughput(figures: dict, path: Path) -> None:
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(6, 3.6))
    axes.bar(
        ["parse only", "full compile_function"],
        [figures["parse_lines_per_second"], figures["full_lines_per_second"]],
    )
    axes.set_ylabel("Deluge lines per second")
    axes.set_title(f"Compile throughput, {figures['deluge_lines']:,} lines")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def _supported_options(script: Path) -> str:
    completed = subprocess.run(
        [sys.executable, str(script), "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    return completed.stdout


def _run_script(arguments: list[str], accepted_codes: tuple[int, ...] = (0,)) -> str:
    completed = subprocess.run(
        [sys.executable, *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=3600,
        check=False,
    )
    if completed.returncode not in accepted_codes:
        raise RuntimeError(
            f"{arguments[0]} exited with {completed.returncode}:\n"
            f"{completed.stderr[-2000:]}"
        )
    return completed.stdout


def _ratio_cells(text: str) -> list[float]:
    """Return the last cell of each table row that ends in a ratio like 1.23x."""
    ratios = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells and cells[-1].endswith("x"):
            try:
                ratios.append(float(cells[-1][:-1]))
            except ValueError:
                continue
    return ratios


def _execution_speed_arguments(output_dir: Path, quick: bool) -> list[str]:
    """Build the script's command line from the options its --help lists."""
    options = _supported_options(EXECUTION_SPEED)
    arguments = [str(EXECUTION_SPEED)]
    if quick and "--quick" in options:
        arguments.append("--quick")
    elif quick:
        for flag, value in (
            ("--size", "20"),
            ("--rounds", "2"),
            ("--seconds", "0.002"),
        ):
            if flag in options:
                arguments += [flag, value]
    if "--output-dir" in options or "folder" in options:
        flag = "--output-dir" if "--output-dir" in options else "--output"
        arguments += [flag, str(output_dir)]
    elif "--output" in options:
        arguments += ["--output", str(output_dir / "execution_speed.md")]
    return arguments


def run_execution_speed(output_dir: Path, quick: bool, command: str) -> str:
    """Run the compiler's execution-speed script, which writes its own table."""
    if not EXECUTION_SPEED.exists():
        return "not run: benchmarks/execution_speed.py does not exist"
    _run_script(_execution_speed_arguments(output_dir, quick))
    written = output_dir / "execution_speed.md"
    if not written.exists():
        return "ran, but wrote no execution_speed.md in the output directory"
    text = written.read_text(encoding="utf-8")
    if "Command: `" not in text:
        with written.open("a", encoding="utf-8") as handle:
            handle.write(
                f"\nMachine: {machine_description()}.\n\nCommand: `{command}`\n"
            )
    for line in text.splitlines():
        if line.startswith("Median Deluge / Python"):
            return line.strip()
    return f"table in {written.name}"


def run_limits_overhead(output_dir: Path, quick: bool, command: str) -> str:
    """Run the compiler's guard-cost script; it exits 1 when its target is missed.

    The script writes ``benchmarks/results/limits_overhead.md`` (not with
    ``--quick``); a copy goes to ``output_dir`` when that is elsewhere.
    """
    if not LIMITS_OVERHEAD.exists():
        return "not run: benchmarks/limits_overhead.py does not exist"
    arguments = [str(LIMITS_OVERHEAD)] + (["--quick"] if quick else [])
    stdout = _run_script(arguments, accepted_codes=(0, 1))
    written = RESULTS_DIR / "limits_overhead.md"
    if not quick and written.exists() and output_dir.resolve() != RESULTS_DIR.resolve():
        shutil.copy(written, output_dir / written.name)
    ratios = _ratio_cells(stdout)
    if not ratios:
        return "ran, but printed no guards on / off ratio"
    return f"guards on / off: worst {max(ratios):.2f}x over {len(ratios)} scripts"


RUNNERS = {
    "invocation_overhead": run_invocation_overhead,
    "execution_speed": run_execution_speed,
    "limits_overhead": run_limits_overhead,
    "cold_start": run_cold_start,
    "compile_throughput": run_compile_throughput,
    "scale": run_scale,
}


def previous_headlines(path: Path) -> dict[str, str]:
    """Read the headlines of an earlier ``summary.md``, by benchmark name."""
    headlines = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, separator, text = line.removeprefix("- ").partition(": ")
            if line.startswith("- ") and separator and name in NAMES:
                headlines[name] = text
    return headlines


def write_summary(output_dir: Path, headlines: dict[str, str], command: str) -> Path:
    """Write ``summary.md``; benchmarks that did not run keep their old line."""
    path = output_dir / "summary.md"
    merged = {**previous_headlines(path), **headlines}
    lines = [f"- {name}: {merged[name]}" for name in NAMES if name in merged]
    text = "\n".join(
        [
            "# Benchmark summary",
            "",
            f"Machine: {machine_description()}.",
            "",
            f"Last command: `{command}` (each table names its own command)",
            "",
            *lines,
            "",
            "Where a target is missed, docs/benchmarks.md in the repository "
            "explains the gap and its cause.",
            "",
        ]
    )
    path.write_text(text, encoding="utf-8")
    return path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes")
    parser.add_argument(
        "--only",
        action="append",
        choices=NAMES,
        help="run only this benchmark (repeatable)",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=RESULTS_DIR,
        help="directory of the Markdown tables and PNG plots",
    )
    return parser


def main(argv: list[str] | None = None) -> dict[str, str]:
    options = build_parser().parse_args(argv)

    # Progress lines of the benchmarks only: the service and httpx log every
    # publish and request at INFO.
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logger.setLevel(logging.INFO)

    command = "python -m benchmarks" + (" --quick" if options.quick else "")
    for name in options.only or []:
        command += f" --only {name}"
    options.output_dir.mkdir(parents=True, exist_ok=True)

    headlines: dict[str, str] = {}
    for name in options.only or NAMES:
        started = time.perf_counter()
        logger.info("Running %s", name)
        try:
            headlines[name] = RUNNERS[name](options.output_dir, options.quick, command)
        except Exception as exc:  # one broken benchmark must not stop the others
            logger.exception("Benchmark %s failed", name)
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            headlines[name] = f"{FAILED}{first_line}"
        logger.info(
            "%s: %s (%.0f s)", name, headlines[name], time.perf_counter() - started
        )

    write_summary(options.output_dir, headlines, command)
    print(json.dumps(headlines, ensure_ascii=False, indent=2))
    return headlines


def exit_status(headlines: dict[str, str]) -> int:
    """Return 1 if any benchmark failed, else 0."""
    return int(any(text.startswith(FAILED) for text in headlines.values()))


if __name__ == "__main__":
    sys.exit(exit_status(main()))
