"""Measure parse and full compile throughput of the Deluge compiler.

The corpus is generated: copies of a callback-style function body with
assignments, text building, conditions, loops, a try/catch and method calls.
The script reports Deluge lines per second for parsing alone and for the full
``compile_function`` (parse, checks, lowering, validation and ``compile()``).
It also reports the ratio of the full compile to Python's own ``compile()`` of
the generated Python text, measured in the same run. The astor rendering of
``python_source`` is not included, because it happens on first access.

Run: ``.venv/bin/python benchmarks/compile_throughput.py [--lines N]``
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

from compiler import compile_function
from compiler.parser import parse

RESULTS = Path(__file__).with_name("results") / "compile_throughput.md"

BLOCK = """\
total{i} = 0;
names{i} = {{"Ann", "Bo", "Cy"}};
summary{i} = Map();
for each name{i} in names{i}
{{
    if (name{i} == "Bo")
    {{
        continue;
    }}
    label{i} = "Hello " + name{i} + ", you are number " + total{i};
    total{i} = total{i} + 1;
    info label{i};
}}
try
{{
    ratio{i} = total{i} / (total{i} - 2);
}}
catch (err{i})
{{
    info "failed at line " + err{i}.lineNo + ": " + err{i}.message;
}}
flag{i} = total{i} > 1 && total{i} < 10;
text{i} = if(flag{i}, "many", "few");
"""


def generate_corpus(lines: int) -> str:
    """Return a Deluge body of at least ``lines`` lines."""
    parts = []
    count = 0
    i = 0
    block_lines = BLOCK.count("\n")
    while count < lines:
        parts.append(BLOCK.format(i=i))
        count += block_lines
        i += 1
    parts.append("return total0;\n")
    return "".join(parts)


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure(lines: int, rounds: int) -> dict:
    """Time parse, full compile and Python's compile() in alternating rounds.

    Each round times the three once, back to back, so that the ratio of one
    round compares runs under the same machine load. The report gives the
    medians over the rounds.
    """
    source = generate_corpus(lines)
    line_count = source.count("\n")
    compiled = compile_function(source, name="bench")
    if not compiled.ok:
        raise SystemExit(f"corpus does not compile: {compiled.errors[:3]}")
    python_text = compiled.python_source
    parse_times, full_times, python_times, ratios = [], [], [], []
    for _ in range(rounds):
        parse_times.append(timed(lambda: parse(source)))
        full = timed(lambda: compile_function(source, name="bench"))
        python = timed(lambda: compile(python_text, "<bench>", "exec"))
        full_times.append(full)
        python_times.append(python)
        ratios.append(full / python)
    parse_seconds = statistics.median(parse_times)
    full_seconds = statistics.median(full_times)
    return {
        "deluge_lines": line_count,
        "python_lines": python_text.count("\n"),
        "rounds": rounds,
        "parse_seconds": parse_seconds,
        "full_seconds": full_seconds,
        "python_compile_seconds": statistics.median(python_times),
        "parse_lines_per_second": line_count / parse_seconds,
        "full_lines_per_second": line_count / full_seconds,
        "ratio_to_python_compile": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
    }


def report(figures: dict) -> str:
    return "\n".join(
        [
            "# Compile throughput",
            "",
            (
                "Measured by `benchmarks/compile_throughput.py` (median of "
                f"{figures['rounds']} alternating rounds) on "
                f"{platform.python_implementation()} {platform.python_version()}, "
                f"{platform.machine()}, a machine shared with other work, so the "
                "absolute times are estimates; the ratio compares runs of the "
                "same round."
            ),
            "",
            "| measure | value |",
            "|---|---|",
            f"| Deluge lines in the corpus | {figures['deluge_lines']} |",
            f"| generated Python lines | {figures['python_lines']} |",
            f"| parse only | {figures['parse_lines_per_second']:,.0f} lines/s |",
            f"| full compile_function | {figures['full_lines_per_second']:,.0f} lines/s |",
            (
                "| Python compile() of the generated text | "
                f"{figures['python_compile_seconds'] * 1000:.1f} ms |"
            ),
            (
                "| full compile / Python compile() | "
                f"{figures['ratio_to_python_compile']:.2f}x (rounds "
                f"{figures['ratio_min']:.2f}x to {figures['ratio_max']:.2f}x; "
                "target 4x or less) |"
            ),
            "",
        ]
    )


def main(argv=None) -> dict:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument(
        "--lines",
        type=int,
        default=10_000,
        help="minimum number of Deluge lines in the corpus",
    )
    options.add_argument(
        "--repeats",
        type=int,
        default=7,
        help="alternating rounds; the medians are reported",
    )
    options.add_argument(
        "--output",
        type=Path,
        default=RESULTS,
        help="Markdown file the results are written to",
    )
    args = options.parse_args(argv)
    figures = measure(args.lines, args.repeats)
    text = report(figures)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return figures


if __name__ == "__main__":
    main()
