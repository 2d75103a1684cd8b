"""Each execution limit is hit cleanly, and the next run is normal."""

import time

from runtime import LimitExceeded, Limits, load_program
from tests.compiler.helpers import compile_ok

LOOP = """
l = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
n = 0;
for each a in l
{
    for each b in l
    {
        n = n + 1;
    }
}
return n;
"""


def program(source, **options):
    return load_program(compile_ok(source, **options).code)


def test_statement_limit_then_normal_run():
    loop = program(LOOP)
    hit = loop.run({}, limits=Limits(statements=50))
    assert hit.limit == "statements"
    assert hit.error.startswith("Execution limit exceeded: statements (50)")
    normal = loop.run({})
    assert normal.error is None
    assert normal.output == 100


def test_statement_count_is_exact_at_limit():
    # 2 assignments + 3 iterations of (header + 1 statement) = 8 statements.
    source = "l = {1, 2, 3};\nn = 0;\nfor each x in l { n = n + x; }"
    compiled = program(source)
    assert compiled.run({}, limits=Limits(statements=8)).error is None
    assert compiled.run({}, limits=Limits(statements=7)).limit == "statements"


def test_limit_is_not_caught_by_try():
    source = (
        "try\n{\n"
        + LOOP.replace("return n;", "")
        + "\n}\ncatch (e)\n{\n    return 0;\n}"
    )
    result = program(source).run({}, limits=Limits(statements=30))
    assert result.limit == "statements"


def test_nested_call_limit_on_recursion():
    functions = {
        "countdown": GlobalSource(
            1,
            1,
            "countdown",
            [("n", "int")],
            "int",
            "if (n == 0) { return 0; }\nreturn countdown(n - 1);",
        )
    }
    result = compile_ok(
        "return countdown(n);", parameters=[("n", "int")], resolve_global=functions.get
    )
    compiled = load_program(result.code)
    hit = compiled.run({"n": 200})
    assert hit.limit == "nested calls"
    assert "(75)" in hit.error
    assert compiled.run({"n": 10}).output == 0


def test_wall_time_limit():
    source = "l = " + "{" + ", ".join(["1"] * 300) + "};\n"
    source += "for each a in l { for each b in l { for each c in l { x = 1; } } }"
    compiled = program(source)
    limits = Limits(wall_time_seconds=0.02, statements=10**9)
    started = time.monotonic()
    hit = compiled.run({}, limits=limits)
    assert hit.limit == "wall time"
    assert time.monotonic() - started < 2
    small = program("l = {1, 2};\nfor each a in l { x = a; }")
    assert small.run({}, limits=limits).error is None


def test_text_length_limit():
    source = 's = "xxxxxxxxxx";\nl = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};\n'
    source += "for each a in l { s = s + s; }\nreturn s.length();"
    compiled = program(source.replace("return s.length();", "return 1;"))
    hit = compiled.run({}, limits=Limits(text_length=1000))
    assert hit.limit == "text length"
    assert compiled.run({}).output == 1


def test_number_size_is_bounded_by_64_bits():
    source = "x = 3037000500;\ny = x * x;"
    result = program(source).run({})
    assert result.error.startswith("Number out of range")


def test_limit_exceeded_is_not_a_deluge_error():
    from runtime.errors import DelugeError

    assert not issubclass(LimitExceeded, Exception)
    assert not issubclass(LimitExceeded, DelugeError)


def test_parse_nesting_cap_is_clean_diagnostic():
    from compiler import compile_function

    source = "x = " + "{" * 500 + "}" * 500 + ";"
    result = compile_function(source)
    assert not result.ok
    assert "deeper than" in result.errors[0].message


def test_info_output_is_truncated_at_cap():
    source = 'l = {1, 2, 3, 4, 5};\nfor each a in l { info "0123456789"; }'
    result = program(source).run({}, limits=Limits(info_bytes=25))
    assert result.error is None
    assert result.info == [
        "0123456789",
        "0123456789",
        "(info output truncated at 25 bytes)",
    ]


class GlobalSource:
    def __init__(self, id, version, name, parameters, return_type, script):
        self.id = id
        self.version = version
        self.name = name
        self.parameters = parameters
        self.return_type = return_type
        self.script = script
