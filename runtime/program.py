"""Load a compiled module once and run its callback function with limits."""

from __future__ import annotations

import logging
import re
import sys
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from runtime.context import UTC, ExecutionContext, enter_run, leave_run
from runtime.dispatch import bind_methods
from runtime.errors import DelugeError, LimitExceeded
from runtime.limits import Limits
from runtime.namespace import build_namespace, check_return_type
from runtime.text import to_json_value
from runtime.value_size import CONTAINERS, rendered_size_exceeds

logger = logging.getLogger(__name__)

# The quoted local in "cannot access local variable 'v_x' where ...".
_PYTHON_VARIABLE = re.compile(r"'(v_\w+)'")

MAIN_FUNCTION = "deluge_main"
PARAMETERS_NAME = "deluge_parameters"
FUNCTION_NAMES = "deluge_function_names"


@dataclass
class RunResult:
    """The outcome of one run; ``error`` is None on success."""

    output: object = None
    error: str | None = None
    limit: str | None = None
    info: list = field(default_factory=list)
    statements: int = 0
    duration_ms: float = 0.0
    value: object = None  # the returned Deluge value itself
    line: int | None = None  # the Deluge line of the error
    # True when the run stopped at its time slice, before any real limit;
    # the caller then runs it again without one.
    sliced: bool = False


class Program:
    """A loaded module: run it as often as needed, each run with a fresh context."""

    def __init__(self, code):
        namespace = build_namespace()
        exec(code, namespace)  # noqa: S102  (the code object comes from the compiler)
        bind_methods(namespace)
        self.code = code
        self.filename = code.co_filename
        self.main = namespace[MAIN_FUNCTION]
        self.parameters: tuple = namespace.get(PARAMETERS_NAME, ())
        self.function_names: dict = namespace.get(FUNCTION_NAMES, {})

    def run(
        self,
        arguments=None,
        *,
        limits: Limits | None = None,
        tz: ZoneInfo = UTC,
        date_order: str = "dd-MM",
        outbound=None,
        connections=None,
        return_type: str | None = None,
        time_slice: float | None = None,
    ) -> RunResult:
        """Run the callback; script errors come back as ``error`` text, never raised.

        With ``time_slice`` (seconds), a run that is still going when the slice
        ends stops with ``sliced`` set, so a caller on an event loop can run it
        again in a worker thread. Only scripts without side effects (no
        invokeurl) may be run this way, because the first run is discarded.
        """
        ctx = ExecutionContext(
            limits=limits,
            tz=tz,
            date_order=date_order,
            outbound=outbound,
            connections=connections,
            time_slice=time_slice,
        )
        values = self._argument_values(arguments)
        result = RunResult()
        started = time.perf_counter()
        previous = enter_run(ctx)
        try:
            self._execute(ctx, values, return_type, result)
        finally:
            leave_run(previous)
        result.duration_ms = (time.perf_counter() - started) * 1000.0
        result.info = ctx.info_lines
        result.statements = ctx.statements
        return result

    def _execute(self, ctx, values: list, return_type, result: RunResult) -> None:
        """Run the main function and record its value or error in ``result``."""
        try:
            value = self.main(ctx, *values)
            value = check_return_type(value, return_type)
            result.value = value
            _check_output_size(value, ctx.limits)
            result.output = to_json_value(value)
        except LimitExceeded as exc:
            if exc.limit == "wall time" and ctx.sliced:
                result.sliced = True
            exc.line = exc.line or self._error_line(exc)
            result.limit = exc.limit
            result.error = exc.message
            result.line = exc.line
        except DelugeError as exc:
            exc.with_line(self._error_line(exc) or 0)
            if exc.line == 0:
                exc.line = None
            result.error = self._with_function(str(exc), exc)
            result.line = exc.line
        except NameError as exc:
            line = self._error_line(exc)
            result.error = f"{unassigned_variable_message(exc)} (Line no: {line})"
            result.line = line
        except RecursionError as exc:
            # With the default nested-calls limit (75), calls stop long before
            # Python's stack does, so this is a value that nests too deeply or
            # contains itself, met while rendering or comparing it.
            line = self._error_line(exc)
            result.limit = "nesting depth"
            result.error = LimitExceeded(
                "nesting depth",
                f"{sys.getrecursionlimit()} Python frames; a list or map nests "
                "too deeply or contains itself",
                line,
            ).message
            result.line = line
        except Exception as exc:  # a fault in a built-in or in the runtime
            line = self._error_line(exc)
            logger.exception("internal error while running a script at line %s", line)
            # The caller sees no Python exception name or text: both describe
            # the interpreter, and the log above has the traceback.
            result.error = (
                "Internal error while running the script; the service log has "
                f"the details (Line no: {line})"
            )
            result.line = line

    def _argument_values(self, arguments) -> list:
        if arguments is None:
            return [None] * len(self.parameters)
        if isinstance(arguments, dict):
            return [arguments.get(name) for name in self.parameters]
        values = list(arguments)
        return values + [None] * (len(self.parameters) - len(values))

    def _deepest_frame(self, exc: BaseException):
        found = None
        traceback = exc.__traceback__
        while traceback is not None:
            if traceback.tb_frame.f_code.co_filename == self.filename:
                found = traceback
            traceback = traceback.tb_next
        return found

    def _error_line(self, exc: BaseException) -> int | None:
        frame = self._deepest_frame(exc)
        return frame.tb_lineno if frame is not None else None

    def _with_function(self, text: str, exc: BaseException) -> str:
        frame = self._deepest_frame(exc)
        if frame is None:
            return text
        name = self.function_names.get(frame.tb_frame.f_code.co_name)
        if name is None:
            return text
        return f"{text} in function '{name}'"


def unassigned_variable_message(error: NameError) -> str:
    """Return the Deluge message for reading a variable that has no value.

    The checker rejects a read with no assignment earlier in the text, so
    this is a read whose assignment did not run (an if branch not taken, a
    loop over an empty list). Python raises UnboundLocalError then, whose
    ``name`` is None, so the name is taken from its message.
    """
    name = getattr(error, "name", None)
    if not name:
        match = _PYTHON_VARIABLE.search(str(error))
        name = match.group(1) if match else "?"
    variable = name.removeprefix("v_")
    return (
        f"Variable '{variable}' is not defined: the statements that assign it "
        "did not run; give it a value before the if, for each or try block that "
        "sets it"
    )


def _check_output_size(value: object, limits: Limits) -> None:
    """Raise the response-size limit before converting a value too large to send.

    The JSON text of a value is at least as long as the count the size walk
    makes, so a value past the limit there can never fit the response.
    """
    if type(value) in CONTAINERS and rendered_size_exceeds(
        value, limits.response_bytes
    ):
        raise LimitExceeded("response size", f"{limits.response_bytes} bytes")


def load_program(code) -> Program:
    """Execute a compiled module once and keep its callback function."""
    return Program(code)
