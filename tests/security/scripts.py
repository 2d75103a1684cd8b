"""Run attack scripts through the real compile and load path."""

from __future__ import annotations

import re
from dataclasses import dataclass

from compiler import compile_function
from runtime import Limits, load_program

# Text that would show that a Python exception or traceback reached a caller.
PYTHON_LEAKS = re.compile(
    r"Traceback|File \"|Error\b|Exception\b|<class |<function |<module |"
    r"0x[0-9a-f]{6,}"
)
LINE = re.compile(r"\(Line no: \d+\)")


@dataclass
class Outcome:
    """Either the compile errors of a script or the result of running it."""

    compile_errors: list
    result: object = None


def attempt(source: str, arguments=None, parameters=(), limits=None, **options):
    """Compile ``source`` with ``compile_function`` and run it once if it compiles."""
    compiled = compile_function(source, parameters=parameters, **options)
    if not compiled.ok:
        return Outcome([str(d) for d in compiled.errors])
    program = load_program(compiled.code)
    result = program.run(arguments or {}, limits=limits or Limits())
    return Outcome([], result)


def run_ok(source: str, **options):
    """Run ``source``, which must compile, and return its ``RunResult``."""
    outcome = attempt(source, **options)
    assert outcome.compile_errors == [], outcome.compile_errors
    return outcome.result


def assert_deluge_error(text: str) -> None:
    """Check that an error is Deluge text with a line and no Python internals."""
    assert text, "expected an error message"
    assert LINE.search(text), text
    assert not PYTHON_LEAKS.search(text), text


def assert_clean_failure(outcome: Outcome) -> str:
    """Check that a script failed at compile time or with a clean runtime error."""
    if outcome.compile_errors:
        for message in outcome.compile_errors:
            assert LINE.search(message), message
        return outcome.compile_errors[0]
    result = outcome.result
    assert result.output is None
    assert_deluge_error(result.error)
    return result.error


def loop_over(count: int) -> str:
    """Return a Deluge list literal of ``count`` numbers to drive a for-each."""
    return "{" + ", ".join(str(i) for i in range(count)) + "}"
