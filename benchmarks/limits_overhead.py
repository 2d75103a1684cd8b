"""Measure what the statement and wall-time guards cost generated code.

Each script is compiled twice from the same source: once as the service
compiles it, and once with ``count_statements=False``, which leaves out the
statement counter and its ``ctx.tick()`` checks. Everything else is the same
code: operators, built-ins, the nested-call check of global function calls,
and the text and collection size checks run in both. The two programs run
in one process in alternating rounds (the order flips every round), so drift
of a shared machine hits both alike. The guarded run uses the default limits
except a statement limit high enough for the scripts to finish.

Target: the guarded run takes at most 1.5 times the unguarded run.

Run: ``.venv/bin/python benchmarks/limits_overhead.py [--rounds N] [--quick]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    # Started as a script: make the repository importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import machine_description
from compiler import compile_function
from runtime import Limits, load_program

RESULTS = Path(__file__).with_name("results") / "limits_overhead.md"
TARGET_RATIO = 1.5
GUARDED_LIMITS = Limits(statements=10**9)

ITEMS = "{" + ", ".join(str(i) for i in range(120)) + "}"

LOOP_HEAVY = f"""
items = {ITEMS};
total = 0;
count = 0;
for each a in items
{{
    for each b in items
    {{
        total = total + a * b;
        count = count + 1;
        if (total > 1000000)
        {{
            total = total % 1000;
        }}
    }}
}}
return total + count;
"""

CALL_HEAVY = f"""
items = {ITEMS};
total = 0;
for each a in items
{{
    for each b in {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
    {{
        total = add_weighted(total, a, b);
    }}
}}
return total;
"""

ADD_WEIGHTED = """
weighted = value * weight;
if (weighted > 100)
{
    weighted = weighted % 100;
}
return total + weighted;
"""

TEXT_HEAVY = f"""
items = {ITEMS};
parts = List();
for each a in items
{{
    label = "item-" + a;
    if (label.startsWith("item-1"))
    {{
        label = label.toUpperCase();
    }}
    parts.add(label.length());
}}
return parts.size();
"""


@dataclass(frozen=True)
class GlobalSource:
    """A global function as the compiler's ``resolve_global`` returns it."""

    id: int
    version: int
    name: str
    parameters: list
    return_type: str
    script: str


GLOBALS = {
    "add_weighted": GlobalSource(
        1, 1, "add_weighted",
        [("total", "int"), ("value", "int"), ("weight", "int")], "int", ADD_WEIGHTED,
    ),
}  # fmt: skip
SCRIPTS = {
    "loop-heavy (nested for each, arithmetic)": LOOP_HEAVY,
    "call-heavy (global function per iteration)": CALL_HEAVY,
    "text-heavy (built-in methods per iteration)": TEXT_HEAVY,
}


def load(source: str, count_statements: bool):
    result = compile_function(
        source, resolve_global=GLOBALS.get, count_statements=count_statements
    )
    if not result.ok:
        raise SystemExit(f"benchmark script does not compile: {result.errors}")
    return load_program(result.code)


def time_runs(program, runs: int, limits: Limits) -> float:
    """Return the mean seconds per run over ``runs`` runs."""
    started = time.perf_counter()
    for _ in range(runs):
        result = program.run({}, limits=limits)
    elapsed = time.perf_counter() - started
    if result.error is not None:
        raise SystemExit(f"benchmark script failed: {result.error}")
    return elapsed / runs


def measure(source: str, rounds: int, runs: int) -> dict:
    """Time the guarded and unguarded programs of ``source`` in alternating rounds."""
    guarded = load(source, count_statements=True)
    unguarded = load(source, count_statements=False)
    statements = guarded.run({}, limits=GUARDED_LIMITS).statements
    same = guarded.run({}, limits=GUARDED_LIMITS).output
    if unguarded.run({}, limits=GUARDED_LIMITS).output != same:
        raise SystemExit("the two programs disagree on the output")
    on_times: list[float] = []
    off_times: list[float] = []
    for round_number in range(rounds):
        order = [(guarded, on_times), (unguarded, off_times)]
        if round_number % 2:
            order.reverse()
        for program, times in order:
            times.append(time_runs(program, runs, GUARDED_LIMITS))
    on = statistics.median(on_times)
    off = statistics.median(off_times)
    return {
        "statements": statements,
        "on_ms": on * 1000,
        "off_ms": off * 1000,
        "ratio": on / off,
    }


def write_report(rows: dict, rounds: int, runs: int) -> str:
    lines = [
        "# Cost of the statement and wall-time guards",
        "",
        (
            f"Measured by `benchmarks/limits_overhead.py --rounds {rounds}` on "
            f"{machine_description()}, so treat the numbers as estimates."
        ),
        "",
        (
            "Each script runs as compiled for the service (guards on) and compiled "
            "with `count_statements=False` (no statement counter, no `ctx.tick()`), "
            f"in {rounds} alternating rounds of {runs} runs; the table shows the "
            "median time per run. Target: guarded / unguarded at most "
            f"{TARGET_RATIO}x."
        ),
        "",
        "| script | statements per run | guards on | guards off | on / off |",
        "|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {row['statements']:,} | {row['on_ms']:.3f} ms | "
            f"{row['off_ms']:.3f} ms | {row['ratio']:.2f}x |"
        )
    lines += [
        "",
        (
            "Both variants keep the nested-call check of global function calls and "
            "the size checks inside built-ins, so the ratio covers the statement "
            "counter and the periodic wall-time check only."
        ),
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds",
        type=int,
        default=15,
        help="alternating rounds per script (default 15)",
    )
    parser.add_argument(
        "--runs", type=int, default=20, help="runs of a program per round (default 20)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="3 rounds of 2 runs, and no results file"
    )
    options = parser.parse_args(argv)
    rounds, runs = (3, 2) if options.quick else (options.rounds, options.runs)
    rows = {name: measure(source, rounds, runs) for name, source in SCRIPTS.items()}
    report = write_report(rows, rounds, runs)
    print(report)
    if not options.quick:
        RESULTS.write_text(report, encoding="utf-8")
    worst = max(row["ratio"] for row in rows.values())
    return 0 if worst <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
