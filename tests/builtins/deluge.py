"""Run Deluge bodies through the real compiler and runtime, for built-in tests."""

from zoneinfo import ZoneInfo

import runtime
from compiler import compile_function
from runtime.limits import Limits


def run_script(script: str, tz: str = "UTC", limits: Limits | None = None):
    """Compile and run ``script``; return the RunResult."""
    compiled = compile_function(script, name="test", parameters=[], return_type=None)
    assert compiled.ok, [d.message for d in compiled.diagnostics]
    result = runtime.load_program(compiled.code).run({}, tz=ZoneInfo(tz), limits=limits)
    assert "Internal error" not in (result.error or ""), result.error
    return result


def value_of(script: str, tz: str = "UTC"):
    """Return the JSON output of ``script``, failing on any runtime error."""
    result = run_script(script, tz)
    assert result.error is None, result.error
    return result.output


def error_of(script: str, tz: str = "UTC") -> str:
    """Return the runtime error text of ``script``, failing if it succeeds."""
    result = run_script(script, tz)
    assert result.error is not None, f"expected an error, got {result.output!r}"
    return result.error
