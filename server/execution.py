"""Running a program with the service's limits and shaping its result."""

from __future__ import annotations

import json
import logging
from zoneinfo import ZoneInfo

from runtime.limits import Limits

logger = logging.getLogger(__name__)


def run_program(
    program,
    arguments: dict,
    *,
    limits: Limits,
    time_zone: str,
    return_type: str | None,
    outbound=None,
    connections=None,
    time_slice: float | None = None,
):
    """Run ``program`` once; the result carries output or error text."""
    return program.run(
        arguments,
        limits=limits,
        tz=ZoneInfo(time_zone),
        return_type=return_type,
        outbound=outbound,
        connections=connections,
        time_slice=time_slice,
    )


def encode_output(output: object, limits: Limits) -> bytes | None:
    """Return ``{"output": ...}`` as UTF-8 JSON, or None past the response cap."""
    body = json.dumps(
        {"output": output}, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    if len(body) > limits.response_bytes:
        return None
    return body


def response_limit_message(limits: Limits) -> str:
    return f"Execution limit exceeded: response size ({limits.response_bytes} bytes)"


def execution_report(result, limits: Limits) -> dict:
    """Shape a test run's result: output or errorMessage, info, statements, time."""
    body: dict[str, object] = {}
    if result.error is not None:
        body["errorMessage"] = result.error
    elif encode_output(result.output, limits) is None:
        body["errorMessage"] = response_limit_message(limits)
    else:
        body["output"] = result.output
    body["info"] = list(result.info)
    body["statements"] = result.statements
    body["duration_ms"] = round(result.duration_ms, 3)
    return body
