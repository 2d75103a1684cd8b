"""Measure generated code against hand-written Python, and limits on against off.

Each case of ``benchmarks/execution_cases.py`` is compiled twice: with the
statement counter (limits on, as the service runs it) and without it
(``count_statements=False``, a switch only benchmarks use). One process runs
alternating rounds. In each round every case times a batch of
``Program.run`` calls with limits on, the same batch of calls of its Python
equivalent, and a batch with limits off, in an order that rotates per
round. The ratios of one round compare runs under the same machine load,
and the report gives their medians. ``Program.run`` includes its fixed cost per
call (a fresh context, converting the result to JSON data).

Run: ``.venv/bin/python benchmarks/execution_speed.py [--size N] [--rounds N]``
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.execution_cases import Case, build_cases
from compiler import compile_function
from runtime import load_program

RESULTS = Path(__file__).with_name("results")
TARGET_RATIO = 2.0
TARGET_LIMITS_RATIO = 1.5


def compile_case(case: Case, count_statements: bool):
    result = compile_function(
        case.source,
        name="bench",
        parameters=case.parameters,
        resolve_global=case.globals.get if case.globals else None,
        count_statements=count_statements,
    )
    if not result.ok:
        raise SystemExit(f"{case.name} does not compile: {result.errors[:3]}")
    return load_program(result.code)


def check_outputs(case: Case, programs: list) -> None:
    expected = case.python(**case.arguments)
    for program in programs:
        outcome = program.run(case.arguments)
        if outcome.error is not None:
            raise SystemExit(f"{case.name} failed: {outcome.error}")
        if outcome.output != expected:
            raise SystemExit(
                f"{case.name}: Deluge output {outcome.output!r:.200} differs from "
                f"Python output {expected!r:.200}"
            )


def batch_size(action, seconds: float) -> int:
    """Return how many calls of ``action`` take about ``seconds``."""
    started = time.perf_counter()
    action()
    once = max(time.perf_counter() - started, 1e-7)
    return max(1, int(seconds / once))


def timed_batch(action, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        action()
    return (time.perf_counter() - started) / calls


def measure(size: int, rounds: int, seconds: float) -> list[dict]:
    cases = build_cases(size)
    prepared = []
    for case in cases:
        limits_on = compile_case(case, count_statements=True)
        limits_off = compile_case(case, count_statements=False)
        check_outputs(case, [limits_on, limits_off])
        arguments = case.arguments
        actions = {
            "deluge": lambda p=limits_on, a=arguments: p.run(a),
            "python": lambda f=case.python, a=arguments: f(**a),
            "limits off": lambda p=limits_off, a=arguments: p.run(a),
        }
        calls = batch_size(actions["deluge"], seconds)
        samples = {key: [] for key in actions}
        prepared.append((case, actions, calls, samples))
    order = list(prepared[0][1]) if prepared else []
    for round_index in range(rounds):
        rotation = order[round_index % len(order) :] + order[: round_index % len(order)]
        for _case, actions, calls, samples in prepared:
            for key in rotation:
                samples[key].append(timed_batch(actions[key], calls))
    rows = []
    for case, _actions, calls, samples in prepared:
        deluge, python, off = (
            samples["deluge"],
            samples["python"],
            samples["limits off"],
        )
        rows.append(
            {
                "case": case.name,
                "description": case.description,
                "calls": calls,
                "deluge_us": statistics.median(deluge) * 1e6,
                "python_us": statistics.median(python) * 1e6,
                "limits_off_us": statistics.median(off) * 1e6,
                "ratio": statistics.median(d / p for d, p in zip(deluge, python)),
                "limits_ratio": statistics.median(d / o for d, o in zip(deluge, off)),
            }
        )
    return rows


def report(rows: list[dict], size: int, rounds: int) -> str:
    lines = [
        "# Execution speed",
        "",
        (
            "Measured by `benchmarks/execution_speed.py` "
            f"(`--size {size} --rounds {rounds}`) on "
            f"{platform.python_implementation()} {platform.python_version()}, "
            f"{platform.machine()}, a machine shared with other work. Each figure "
            "is the median over alternating rounds; a ratio compares batches of "
            "the same round. Deluge times are whole `Program.run` calls with "
            "limits on; Python times call the hand-written equivalent in "
            "`benchmarks/execution_cases.py`."
        ),
        "",
        "| case | work | Deluge µs | Python µs | Deluge / Python | limits on / off |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['case']} | {row['description']} | {row['deluge_us']:,.1f} | "
            f"{row['python_us']:,.1f} | {row['ratio']:.2f}x | "
            f"{row['limits_ratio']:.2f}x |"
        )
    if rows:
        ratios = [row["ratio"] for row in rows]
        limits = [row["limits_ratio"] for row in rows]
        lines += [
            "",
            (
                f"Median Deluge / Python: {statistics.median(ratios):.2f}x (target "
                f"{TARGET_RATIO:g}x or less); worst case {max(ratios):.2f}x."
            ),
            (
                f"Median limits on / off: {statistics.median(limits):.2f}x (target "
                f"{TARGET_LIMITS_RATIO:g}x or less); worst case {max(limits):.2f}x."
            ),
        ]
    return "\n".join(lines) + "\n"


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    names = [row["case"] for row in rows]
    positions = range(len(rows))
    figure, axes = pyplot.subplots(figsize=(9, 4.5))
    width = 0.4
    axes.bar(
        [p - width / 2 for p in positions],
        [r["ratio"] for r in rows],
        width,
        label="Deluge / Python",
    )
    axes.bar(
        [p + width / 2 for p in positions],
        [r["limits_ratio"] for r in rows],
        width,
        label="limits on / off",
    )
    axes.axhline(
        TARGET_RATIO,
        color="grey",
        linestyle="--",
        linewidth=1,
        label=f"target {TARGET_RATIO:g}x",
    )
    axes.axhline(1.0, color="black", linewidth=0.5)
    axes.set_xticks(list(positions))
    axes.set_xticklabels(names, rotation=30, ha="right")
    axes.set_ylabel("time ratio (median of rounds)")
    axes.set_title("Generated code against hand-written Python")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)


def main(argv=None) -> list[dict]:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument(
        "--size", type=int, default=200, help="elements each script walks"
    )
    options.add_argument(
        "--rounds",
        type=int,
        default=7,
        help="alternating rounds; the medians are reported",
    )
    options.add_argument(
        "--seconds",
        type=float,
        default=0.02,
        help="target duration of one timed batch, in seconds",
    )
    options.add_argument(
        "--output",
        type=Path,
        default=RESULTS,
        help="folder for execution_speed.md and execution_speed.png",
    )
    args = options.parse_args(argv)
    rows = measure(args.size, args.rounds, args.seconds)
    text = report(rows, args.size, args.rounds)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "execution_speed.md").write_text(text, encoding="utf-8")
    plot(rows, args.output / "execution_speed.png")
    print(text)
    return rows


if __name__ == "__main__":
    main()
