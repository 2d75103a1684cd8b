"""Run every conformance case through the compiler and the runtime.

Each case in tests/data/conformance.jsonl is a Deluge body with the value
Zoho's documentation gives for it. ``{"error": true}`` means a runtime error.
Numbers compare numerically, because JSON has one number type and Deluge
has two.
"""

import json
import math
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import runtime
from compiler import compile_function

CASES_FILE = Path(__file__).parent / "data" / "conformance.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text().splitlines() if line]

# Cases that do not pass, by id, with the reason (also listed in docs/builtins.md).
EXPECTED_FAILURES: dict[str, str] = {}


def _zone(case: dict) -> ZoneInfo:
    if "America/Los_Angeles" in case.get("note", ""):
        return ZoneInfo("America/Los_Angeles")
    return ZoneInfo("UTC")


def same_value(actual, expected) -> bool:
    """Compare a JSON output with an expected JSON value, numbers by value."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, (int, float)):
        return isinstance(actual, (int, float)) and math.isclose(
            actual, expected, rel_tol=1e-12, abs_tol=1e-12
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(same_value(a, e) for a, e in zip(actual, expected))
        )
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == expected.keys()
            and all(same_value(actual[k], expected[k]) for k in expected)
        )
    return actual == expected


def _params():
    for case in CASES:
        marks = []
        if case["id"] in EXPECTED_FAILURES:
            marks.append(
                pytest.mark.xfail(reason=EXPECTED_FAILURES[case["id"]], strict=True)
            )
        yield pytest.param(case, id=case["id"], marks=marks)


@pytest.mark.parametrize("case", list(_params()))
def test_conformance_case(case):
    compiled = compile_function(
        case["script"], name=case["id"], parameters=[], return_type=None
    )
    assert compiled.ok, [d.message for d in compiled.diagnostics]
    result = runtime.load_program(compiled.code).run({}, tz=_zone(case))
    expected = case["expected"]
    if expected == {"error": True}:
        assert result.error is not None, f"expected an error, got {result.output!r}"
        return
    assert result.error is None, result.error
    assert same_value(result.output, expected), (
        f"got {result.output!r}, expected {expected!r}"
    )


def test_cases_file_is_complete():
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 200


def test_same_value_rules():
    assert same_value(4.0, 4)
    assert same_value({"a": 1}, {"a": 1.0})
    assert not same_value(True, 1)
    assert not same_value(1, True)
    assert not same_value([1], [1, 2])
    assert not same_value("1", 1)
    assert not same_value({"a": 1}, {"b": 1})
