"""Compile and run Deluge snippets with the real compiler and runtime."""

from __future__ import annotations

from compiler import compile_function
from runtime import load_program


def compile_ok(source: str, **options):
    result = compile_function(source, **options)
    errors = [str(d) for d in result.errors]
    assert result.ok, errors
    return result


def run(source: str, arguments=None, parameters=(), return_type=None, **run_options):
    """Compile ``source`` and run it; return the RunResult."""
    result = compile_ok(source, parameters=parameters, return_type=return_type)
    program = load_program(result.code)
    return program.run(arguments or {}, return_type=return_type, **run_options)


def output(source: str, **options):
    """Run ``source`` and return its output, failing on a runtime error."""
    result = run(source, **options)
    assert result.error is None, result.error
    return result.output


def info_lines(source: str, **options) -> list:
    result = run(source, **options)
    assert result.error is None, result.error
    return result.info


def errors(source: str, **options) -> list:
    """Compile ``source`` and return its error diagnostics."""
    return compile_function(source, **options).errors
