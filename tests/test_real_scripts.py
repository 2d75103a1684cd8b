"""Run the Deluge scripts of tests/data/real_scripts through the real path.

Each ``NAME.dg`` is a function body written in the style of public Zoho
CRM, Creator and Desk scripts. ``cases.json`` gives, by NAME, its declared
parameters, the JSON arguments of the invocation and the expected output,
worked out by hand from Zoho's documented behaviour. An optional ``tz``
names the portal time zone (UTC by default), in which date arguments
are read too.
"""

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import runtime
from compiler import compile_function
from runtime.arguments import convert_arguments
from tests.test_conformance import same_value

SCRIPTS_DIR = Path(__file__).parent / "data" / "real_scripts"
CASES = json.loads((SCRIPTS_DIR / "cases.json").read_text())


@pytest.mark.parametrize("name", sorted(CASES))
def test_real_script(name):
    case = CASES[name]
    parameters = [tuple(pair) for pair in case["parameters"]]
    source = (SCRIPTS_DIR / f"{name}.dg").read_text()
    compiled = compile_function(
        source, name=name, parameters=parameters, return_type=None
    )
    assert compiled.ok, [str(d) for d in compiled.diagnostics]
    tz = ZoneInfo(case.get("tz", "UTC"))
    arguments = convert_arguments(parameters, case["arguments"], tz=tz)
    result = runtime.load_program(compiled.code).run(arguments, tz=tz)
    assert result.error is None, result.error
    assert same_value(result.output, case["expected"]), (
        f"got {json.dumps(result.output, indent=1)}"
    )


def test_every_script_has_a_case():
    scripts = {path.stem for path in SCRIPTS_DIR.glob("*.dg")}
    assert scripts == set(CASES)
