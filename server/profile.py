"""Profile a compiled program per Deluge line: time and statements executed.

The compiler gives every generated node the Deluge line as its Python line
number, so a ``sys.settrace`` line tracer on the generated frames reads Deluge
lines directly. Only frames whose code comes from the program's file are
traced; calls into the runtime and the built-ins are timed as part of the
Deluge line that made them, never line by line.

Times are exclusive: the time from one line event to the next one in any
generated frame goes to the first line, so a call to a global function is
charged to the callee's lines and not again to the caller's. The tracer's own
work is left out of the figures. Each call into the runtime still pays for
a call of the trace hook, so the traced run takes several times as long as
an untraced one (``untraced_ms``), so compare lines with each other.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field

from runtime.program import MAIN_FUNCTION, Program, RunResult


@dataclass
class LineProfile:
    """The figures of one Deluge line of one function, summed over all runs."""

    function: str
    line: int
    statements: int = 0
    nanoseconds: int = 0

    @property
    def milliseconds(self) -> float:
        return self.nanoseconds / 1e6


@dataclass
class ProfileReport:
    """The per-line profile of ``runs`` runs of one program, slowest line first.

    ``statements`` per line counts how often a statement on that line
    started: a line with several statements counts once, and a ``for each``
    header counts once per element and once more when the list is exhausted.
    ``runtime_statements`` is the runtime's own counter, the figure that the
    statement limit applies to, summed over the runs.
    """

    runs: int
    lines: list[LineProfile]
    traced_ms: float
    untraced_ms: float
    runtime_statements: int
    result: RunResult = field(repr=False)

    def as_dict(self) -> dict:
        body: dict[str, object] = {}
        if self.result.error is not None:
            body["errorMessage"] = self.result.error
        else:
            body["output"] = self.result.output
        body["runs"] = self.runs
        body["traced_ms"] = round(self.traced_ms, 3)
        body["untraced_ms"] = round(self.untraced_ms, 3)
        body["statements_per_run"] = self.runtime_statements // max(self.runs, 1)
        body["lines"] = [
            {
                "function": line.function,
                "line": line.line,
                "statements": line.statements,
                "ms": round(line.milliseconds, 4),
            }
            for line in self.lines
        ]
        return body


class LineTracer:
    """A ``sys.settrace`` hook that times the lines of one program's frames."""

    def __init__(self, filename: str):
        self.filename = filename
        # (code object, line) of the line running now, or None outside the
        # program's frames (before the first line of a called function).
        self.current: tuple | None = None
        self.statements: dict[tuple, int] = defaultdict(int)
        self.nanoseconds: dict[tuple, int] = defaultdict(int)
        self.mark = 0

    def _charge(self, now: int) -> None:
        if self.current is not None:
            self.nanoseconds[self.current] += now - self.mark

    def trace_call(self, frame, event, arg):
        now = time.perf_counter_ns()
        self._charge(now)
        local = None
        if frame.f_code.co_filename == self.filename:
            self.current = None
            local = self.trace_line
        self.mark = time.perf_counter_ns()
        return local

    def trace_line(self, frame, event, arg):
        now = time.perf_counter_ns()
        self._charge(now)
        if event == "line":
            self.current = (frame.f_code, frame.f_lineno)
            self.statements[self.current] += 1
        elif event == "return":
            caller = frame.f_back
            if caller is not None and caller.f_code.co_filename == self.filename:
                self.current = (caller.f_code, caller.f_lineno)
            else:
                self.current = None
        self.mark = time.perf_counter_ns()
        return self.trace_line


def _function_label(program: Program, code, main_label: str) -> str:
    if code.co_name == MAIN_FUNCTION:
        return main_label
    return program.function_names.get(code.co_name, code.co_name)


def profile_program(
    program: Program,
    arguments,
    *,
    repeat: int = 1,
    main_label: str = "main",
    **run_options,
) -> ProfileReport:
    """Run ``program`` ``repeat`` times untraced, then ``repeat`` times traced.

    ``run_options`` go to ``Program.run`` (limits, tz, return_type, ...).
    The report carries the result of the last traced run.
    """
    if repeat < 1:
        raise ValueError(f"repeat must be at least 1, not {repeat}")
    untraced_ns = 0
    for _ in range(repeat):
        started = time.perf_counter_ns()
        program.run(arguments, **run_options)
        untraced_ns += time.perf_counter_ns() - started

    tracer = LineTracer(program.filename)
    runtime_statements = 0
    traced_ns = 0
    previous = sys.gettrace()
    try:
        for _ in range(repeat):
            started = time.perf_counter_ns()
            sys.settrace(tracer.trace_call)
            try:
                result = program.run(arguments, **run_options)
            finally:
                sys.settrace(previous)
            traced_ns += time.perf_counter_ns() - started
            tracer.current = None
            runtime_statements += result.statements
    finally:
        sys.settrace(previous)

    lines = [
        LineProfile(
            function=_function_label(program, code, main_label),
            line=line,
            statements=count,
            nanoseconds=tracer.nanoseconds.get((code, line), 0),
        )
        for (code, line), count in tracer.statements.items()
    ]
    lines.sort(key=lambda item: (-item.nanoseconds, item.function, item.line))
    return ProfileReport(
        runs=repeat,
        lines=lines,
        traced_ms=traced_ns / 1e6,
        untraced_ms=untraced_ns / 1e6,
        runtime_statements=runtime_statements,
        result=result,
    )


def format_report(
    report: ProfileReport, source_lines: list[str], main_label: str, top: int
) -> str:
    """Render the report as a text table; ``top`` lines at most (0: all)."""
    runs = report.runs
    header = (
        f"{runs} run(s): {report.untraced_ms / runs:.3f} ms per run untraced, "
        f"{report.traced_ms / runs:.3f} ms traced, "
        f"{report.runtime_statements // runs} statements per run; "
        "the columns below are totals over the runs"
    )
    total_ns = sum(line.nanoseconds for line in report.lines) or 1
    columns = (
        f"{'function':<20} {'line':>5} {'statements':>11} {'ms':>10} {'%':>6}  source"
    )
    rows = [columns]
    listed = report.lines if top <= 0 else report.lines[:top]
    for line in listed:
        text = ""
        if line.function == main_label and 0 < line.line <= len(source_lines):
            text = source_lines[line.line - 1].strip()
        share = 100.0 * line.nanoseconds / total_ns
        rows.append(
            f"{line.function[:20]:<20} {line.line:>5} {line.statements:>11} "
            f"{line.milliseconds:>10.3f} {share:>6.1f}  {text[:60]}"
        )
    if len(listed) < len(report.lines):
        rows.append(f"({len(report.lines) - len(listed)} more lines; use --top 0)")
    return "\n".join([header, "", *rows])
