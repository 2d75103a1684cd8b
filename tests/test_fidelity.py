"""Run the documented examples of tests/data/fidelity.jsonl through the real path.

Each case is a Deluge body built from an example or a stated rule on the
Zoho help page in its ``source`` field, with the value that page gives.
``{"error": true}`` means the script must fail, either when it is saved
(a compile diagnostic) or when it runs. A case may name a portal time zone
in ``tz``; the default is UTC. Numbers compare numerically, as in the
conformance test.
"""

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import runtime
from compiler import compile_function
from tests.test_conformance import CASES as CONFORMANCE_CASES
from tests.test_conformance import same_value

CASES_FILE = Path(__file__).parent / "data" / "fidelity.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text().splitlines() if line]
REQUIRED_FIELDS = {"id", "category", "script", "expected", "source", "note"}


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_fidelity_case(case):
    compiled = compile_function(
        case["script"], name=case["id"], parameters=[], return_type=None
    )
    expected = case["expected"]
    if expected == {"error": True} and not compiled.ok:
        return
    assert compiled.ok, [d.message for d in compiled.diagnostics]
    result = runtime.load_program(compiled.code).run(
        {}, tz=ZoneInfo(case.get("tz", "UTC"))
    )
    assert "Internal error" not in (result.error or ""), result.error
    if expected == {"error": True}:
        assert result.error is not None, f"expected an error, got {result.output!r}"
        return
    assert result.error is None, result.error
    assert same_value(result.output, expected), (
        f"got {result.output!r}, expected {expected!r}"
    )


def test_fidelity_cases_are_well_formed():
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 150
    for case in CASES:
        assert REQUIRED_FIELDS <= case.keys(), case["id"]
        assert case["source"].startswith("https://"), case["id"]
        assert "zoho.com" in case["source"], case["id"]


def test_fidelity_cases_are_new():
    known = {case["script"] for case in CONFORMANCE_CASES}
    repeated = [case["id"] for case in CASES if case["script"] in known]
    assert repeated == []
