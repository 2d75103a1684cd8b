"""Scripts that try to exhaust time, memory or the stack end at a named limit.

Every test runs the attack, checks the exact error, then runs a normal
script (often the same program with other arguments) to show that the
runtime is unharmed.
"""

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from compiler import compile_function
from runtime import Limits, load_program
from tests.security.scripts import (
    assert_clean_failure,
    assert_deluge_error,
    attempt,
    loop_over,
    run_ok,
)


def program(source, **options):
    result = compile_function(source, **options)
    assert result.ok, [str(d) for d in result.errors]
    return load_program(result.code)


def limit_message(name: str, value: str, line: int) -> str:
    return f"Execution limit exceeded: {name} ({value}) (Line no: {line})"


# Numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        "power(10, 1000000)",
        "(10).power(99999999)",
        "power(2, 9223372036854775807)",
        "power(10.5, 400)",
        "exp(100000)",
    ],
)
def test_huge_power_is_clean_error(call):
    started = time.monotonic()
    result = run_ok(f"x = 1;\nreturn {call};")
    assert time.monotonic() - started < 1
    assert result.output is None
    assert_deluge_error(result.error)
    assert result.error.endswith("(Line no: 2)")
    assert "too large" in result.error


def test_long_digit_literal_is_compile_error():
    outcome = attempt("return " + "9" * 5000 + ";")
    message = assert_clean_failure(outcome)
    assert outcome.compile_errors
    assert "does not fit a 64-bit NUMBER" in message


@pytest.mark.parametrize("method", ["toLong", "toNumber", "toDecimal"])
def test_long_digit_text_is_clean_error(method):
    source = (
        f'd = "9";\nd = d.leftPad(100000).replaceAll(" ", "9");\nreturn d.{method}();'
    )
    started = time.monotonic()
    result = run_ok(source)
    assert time.monotonic() - started < 1
    assert_deluge_error(result.error)
    assert "is not a number" in result.error


def test_repeated_multiplication_overflows_cleanly():
    source = (
        f"x = 3;\nfor each i in {loop_over(100)}\n{{\n    x = x * x;\n}}\nreturn x;"
    )
    result = run_ok(source)
    assert result.output is None
    assert result.error.startswith("Number out of range: the result ")
    assert result.error.endswith("(Line no: 4)")


def test_repeated_decimal_multiplication_stays_bounded():
    # DECIMAL is a float, so repeated squaring ends at Infinity, not at an
    # ever larger number.
    source = (
        f"x = 3.5;\nfor each i in {loop_over(100)}\n{{\n    x = x * x;\n}}\nreturn x;"
    )
    result = run_ok(source)
    assert result.error is None
    assert result.output == "Infinity"


# Text and lists ------------------------------------------------------------


def test_text_doubling_hits_text_limit():
    source = (
        f's = "ab";\nfor each i in {loop_over(40)}\n{{\n    s = s + s;\n}}\n'
        "return s.length();"
    )
    started = time.monotonic()
    result = run_ok(source)
    assert time.monotonic() - started < 2
    assert result.limit == "text length"
    assert result.error == limit_message("text length", "1000000 characters", 4)
    assert run_ok('s = "ab";\nreturn s + s;').output == "abab"


@pytest.mark.parametrize(
    "grow",
    [
        "s = s.concat(s);",
        "s = s + s.toUpperCase();",
        "s = s.leftPad(s.length() * 2);",
        's = s.replaceAll("a", s);',
    ],
)
def test_text_growth_functions_hit_limit(grow):
    source = f's = "ab";\nfor each i in {loop_over(40)}\n{{\n    {grow}\n}}\nreturn 1;'
    result = run_ok(source)
    assert result.limit == "text length"
    assert result.error.startswith(
        "Execution limit exceeded: text length (1000000 characters)"
    )
    assert result.error.endswith("(Line no: 4)")


@pytest.mark.parametrize("grow", ["l.addAll(l);", "l = l.addAll(l);"])
def test_list_doubling_hits_collection_limit(grow):
    source = f"l = {{1}};\nfor each i in {loop_over(40)}\n{{\n    l.addAll(l);\n}}\nreturn l.size();"
    started = time.monotonic()
    result = run_ok(source)
    assert time.monotonic() - started < 2
    assert result.limit == "collection size"
    assert result.error == limit_message("collection size", "100000 elements", 4)


def test_map_growth_hits_collection_limit():
    outer = loop_over(400)
    source = (
        f"m = Map();\nn = 0;\nfor each i in {outer}\n{{\n"
        f"    for each j in {outer}\n    {{\n        n = n + 1;\n"
        "        m.put(n, j);\n    }\n}\nreturn m.size();"
    )
    result = run_ok(source, limits=Limits(statements=10**7))
    assert result.limit == "collection size"
    assert result.error == limit_message("collection size", "100000 elements", 8)


def test_info_flood_is_truncated():
    source = (
        f'for each i in {loop_over(1000)}\n{{\n    info "{"x" * 1000}";\n}}\nreturn 1;'
    )
    result = run_ok(source)
    assert result.error is None
    assert result.output == 1
    assert len(result.info) < 600
    assert result.info[-1] == "(info output truncated at 512000 bytes)"


# Regular expressions -------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        't.matches("(a|aa)+$")',
        't.replaceAll("(a|aa)+$", "x")',
        't.replaceFirst("(a|aa)+$", "x")',
        't.replaceAllIgnoreCase("(a|aa)+$", "x")',
    ],
)
def test_catastrophic_regex_hits_wall_time(call):
    source = f't = "{"a" * 48}b";\nx = 1;\nreturn {call};'
    compiled = program(source)
    limits = Limits(wall_time_seconds=0.5)
    started = time.monotonic()
    result = compiled.run({}, limits=limits)
    assert time.monotonic() - started < 3
    assert result.limit == "wall time"
    assert result.error == limit_message(
        "wall time", "0.5 s, reached in a regular expression", 3
    )
    normal = program('t = "aab";\nreturn t.matches("(a|aa)+b");').run({}, limits=limits)
    assert normal.error is None
    assert normal.output is True


def test_regex_nested_quantifier_plain_form_is_fast():
    # (a+)+$ is the textbook case; the regex engine's own checks keep it fast.
    started = time.monotonic()
    result = run_ok(f't = "{"a" * 5000}b";\nreturn t.matches("(a+)+$");')
    assert time.monotonic() - started < 2
    assert result.output is False


def test_regex_is_not_caught_by_try():
    source = (
        f't = "{"a" * 48}b";\ntry\n{{\n    x = t.matches("(a|aa)+$");\n}}\n'
        'catch (e)\n{\n    return "caught";\n}\nreturn "done";'
    )
    result = program(source).run({}, limits=Limits(wall_time_seconds=0.3))
    assert result.limit == "wall time"
    assert result.output is None


# Statements, calls and recursion -------------------------------------------


def test_statement_limit_on_nested_loops():
    outer = loop_over(1000)
    source = (
        f"n = 0;\nfor each i in {outer}\n{{\n    for each j in {outer}\n    {{\n"
        "        n = n + 1;\n    }\n}\nreturn n;"
    )
    started = time.monotonic()
    result = run_ok(source)
    assert time.monotonic() - started < 2
    assert result.limit == "statements"
    assert result.error.startswith("Execution limit exceeded: statements (5000)")
    assert result.statements <= 5000 + 200


def test_statement_limit_not_caught_by_try():
    outer = loop_over(1000)
    source = (
        f"try\n{{\n    for each i in {outer}\n    {{\n        for each j in {outer}\n"
        "        {\n            x = 1;\n        }\n    }\n}\ncatch (e)\n{\n"
        '    return "caught";\n}\nreturn "done";'
    )
    result = run_ok(source)
    assert result.limit == "statements"
    assert result.output is None


def test_wall_time_on_slow_statements():
    # Each statement copies a large text, so the wall-time limit ends the run
    # long before the statement limit would.
    source = (
        's = "x";\ns = s.leftPad(900000);\n'
        f"for each i in {loop_over(2000)}\n{{\n    t = s.toUpperCase();\n}}\nreturn 1;"
    )
    result = run_ok(source, limits=Limits(wall_time_seconds=0.2))
    assert result.limit == "wall time"
    assert result.error.startswith("Execution limit exceeded: wall time (0.2 s)")


@dataclass
class GlobalSource:
    id: int
    version: int
    name: str
    parameters: list
    return_type: str
    script: str


def recursive_program(script: str):
    functions = {
        "deep": GlobalSource(1, 1, "deep", [("n", "int")], "int", script),
    }
    result = compile_function(
        "return deep(n);", parameters=[("n", "int")], resolve_global=functions.get
    )
    assert result.ok, [str(d) for d in result.errors]
    return load_program(result.code)


def test_unbounded_recursion_hits_nested_calls():
    compiled = recursive_program("return deep(n + 1);")
    result = compiled.run({"n": 0})
    assert result.limit == "nested calls"
    assert result.error == limit_message(
        "nested calls", "75", 1
    ) + " in function 'deep'" or result.error.startswith(
        "Execution limit exceeded: nested calls (75)"
    )


def test_deep_recursion_then_normal_run():
    compiled = recursive_program(
        "if (n <= 0)\n{\n    return 0;\n}\nreturn deep(n - 1);"
    )
    hit = compiled.run({"n": 10_000})
    assert hit.limit == "nested calls"
    assert hit.error.startswith("Execution limit exceeded: nested calls (75)")
    assert compiled.run({"n": 50}).output == 0


def test_recursion_fan_out_hits_statement_limit():
    # Two calls per level stay under the depth cap but multiply the work.
    compiled = recursive_program(
        "if (n <= 0)\n{\n    return 1;\n}\nreturn deep(n - 1) + deep(n - 1);"
    )
    started = time.monotonic()
    result = compiled.run({"n": 60})
    assert time.monotonic() - started < 2
    assert result.limit == "statements"
    assert result.error.startswith("Execution limit exceeded: statements (5000)")
    assert compiled.run({"n": 3}).output == 8


def test_local_function_recursion_hits_nested_calls():
    source = (
        "int main(int n)\n{\n    return again(n);\n}\n"
        "int again(int n)\n{\n    return again(n + 1);\n}"
    )
    result = program(source, parameters=[("n", "int")]).run({"n": 1})
    assert result.limit == "nested calls"
    assert result.error.startswith("Execution limit exceeded: nested calls (75)")


# Nesting -------------------------------------------------------------------


@pytest.mark.parametrize("source", [
    "x = " + "(" * 300 + "1" + ")" * 300 + ";",
    "x = " + "{" * 300 + "}" * 300 + ";",
    "x = " + "[" * 300 + "]" * 300 + ";",
    "if (true) {" * 300 + "x = 1;" + "}" * 300,
    "x = ifNull(" * 300 + "1" + ", 2)" * 300 + ";",
])  # fmt: skip
def test_deep_script_nesting_is_compile_error(source):
    started = time.monotonic()
    outcome = attempt(source)
    assert time.monotonic() - started < 5
    message = assert_clean_failure(outcome)
    assert outcome.compile_errors
    assert "deeper than 100 levels" in message or "nest" in message


@pytest.mark.parametrize("source", [
    "x = 1" + " + 1" * 20000 + ";\nreturn x;",
    's = "a"' + '.trim()' * 3000 + ";\nreturn s;",
    "x = true" + " && true" * 5000 + ";\nreturn x;",
    "x = " + "-" * 5000 + "1;\nreturn x;",
    "x = " + "!" * 5000 + "true;\nreturn x;",
])  # fmt: skip
def test_long_chains_compile_or_fail_cleanly(source):
    started = time.monotonic()
    outcome = attempt(source)
    assert time.monotonic() - started < 20
    if outcome.compile_errors:
        assert_clean_failure(outcome)
    else:
        assert outcome.result.error is None or outcome.result.limit is not None


@pytest.mark.parametrize("tail, error, output", [
    ("return l;", "Execution limit exceeded: response size (10485760 bytes)", None),
    ("return l.toString();", limit_message("text length", "1000000 characters", 3),
     None),
    ("return l == l;", None, True),
    ("m = List();\nm.add(m);\nreturn l == m;", None, True),
])  # fmt: skip
def test_self_containing_list_fails_cleanly(tail, error, output):
    started = time.monotonic()
    result = run_ok(f"l = List();\nl.add(l);\n{tail}")
    assert time.monotonic() - started < 2
    assert result.error == error
    assert result.output == output
    assert run_ok("l = List();\nl.add(1);\nreturn l;").output == [1]


def test_self_containing_list_info_truncated():
    result = run_ok("l = List();\nl.add(l);\ninfo l;\nreturn 1;")
    assert result.error is None
    assert result.info == ["(info output truncated at 512000 bytes)"]


def test_deep_value_nesting_fails_cleanly():
    source = (
        f"l = List();\nfor each i in {loop_over(2000)}\n{{\n"
        "    m = List();\n    m.add(l);\n    l = m;\n}\nreturn l;"
    )
    result = run_ok(source, limits=Limits(statements=100_000))
    assert result.output is None
    assert result.limit == "nesting depth"
    assert result.error.startswith("Execution limit exceeded: nesting depth (")


# Shared inner values -------------------------------------------------------

# Forty levels of a list holding the level below twice: 160 statements build
# a value of 41 lists that renders as 2**40 elements.
SHARED_VALUE = (
    'l = List();\nl.add("x");\nfor each i in ' + loop_over(40) + "\n{\n"
    "    m = List();\n    m.add(l);\n    m.add(l);\n    l = m;\n}\n"
    "k = List();\nk.addAll(l);\n"
)  # fmt: skip
RESPONSE_LIMIT = limit_message("response size", "10485760 bytes", 1)[
    : -len(" (Line no: 1)")
]


@pytest.mark.parametrize("tail, expected", [
    ("return l;", RESPONSE_LIMIT),
    ("info l;\nreturn 1;", None),
    ('x = "a" + l;\nreturn 1;', limit_message("text length", "1000000 characters", 12)),
    ('x = l + "a";\nreturn 1;', limit_message("text length", "1000000 characters", 12)),
    ("return l.toString();", limit_message("text length", "1000000 characters", 12)),
    ("throw l;", limit_message("text length", "1000000 characters", 12)),
    ("return List:String(l).size();", limit_message("text length", "1000000 characters", 12)),
    (('r = invokeurl\n[\n    url: "http://127.0.0.1:9/x"\n    type: POST\n'
     "    parameters: l\n];\nreturn 1;"),
     limit_message("text length", "1000000 characters", 12)),
    ("v = k.get(0);\nif (v)\n{\n    return 1;\n}\nreturn 2;",
     ("A condition must be a BOOLEAN value but got a LIST value (a LIST value too "
     "large to show) (Line no: 13)")),
])  # fmt: skip
def test_shared_inner_lists_stay_bounded(tail, expected):
    started = time.monotonic()
    result = run_ok(SHARED_VALUE + tail)
    assert time.monotonic() - started < 5
    if expected is None:
        assert result.error is None
    else:
        assert result.error == expected
        assert (result.limit is not None) == expected.startswith("Execution limit")


def test_shared_inner_lists_compare_fast():
    twin = (
        'p = List();\np.add("x");\nfor each i in ' + loop_over(40) + "\n{\n"
        "    q = List();\n    q.add(p);\n    q.add(p);\n    p = q;\n}\n"
    )
    source = SHARED_VALUE + twin + "return l == p;"
    started = time.monotonic()
    result = run_ok(source, limits=Limits(statements=20_000))
    assert time.monotonic() - started < 2
    assert result.error is None
    assert result.output is True


def test_self_containing_lists_compare():
    source = "a = List();\na.add(a);\nb = List();\nb.add(b);\nreturn a == b;"
    result = run_ok(source)
    assert result.error is None
    assert result.output is True


# distinct, intersect and removeAll key each distinct inner list once, so
# the forty-level shared value above costs as much as its 41 lists.
SHARED_MAP = (
    'l = Map();\nl.put("a", "x");\nfor each i in ' + loop_over(40) + "\n{\n"
    '    m = Map();\n    m.put("a", l);\n    m.put("b", l);\n    l = m;\n}\n'
    "k = List();\nk.addAll({l, l});\n"
)  # fmt: skip


@pytest.mark.parametrize("prefix, tail, expected", [
    (SHARED_VALUE, "k.add(l);\nreturn k.distinct().size();", 2),
    (SHARED_VALUE, "return k.intersect(l).size();", 1),
    (SHARED_VALUE, "k.removeAll(l);\nreturn k.size();", 0),
    (SHARED_VALUE, "c = Collection(l, l);\nreturn c.distinct().size();", 1),
    (SHARED_VALUE, "c = Collection(l, l);\nn = List();\nn.add(l);\n"
     "return c.intersect(n).size();", 1),
    (SHARED_MAP, "return k.distinct().size();", 1),
    (SHARED_MAP, "n = List();\nn.add(l);\nreturn k.intersect(n).size();", 1),
])  # fmt: skip
def test_shared_inner_values_in_distinct(prefix, tail, expected):
    started = time.monotonic()
    result = run_ok(prefix + tail)
    assert time.monotonic() - started < 2
    assert result.error is None
    assert result.output == expected


@pytest.mark.parametrize("tail, expected", [
    ("l.add(l);\nreturn l.distinct().size();", 1),
    ("l.add(1);\nl.add(l);\nreturn l.distinct().size();", 2),
    ("m = Map();\nm.put(\"self\", m);\nl.add(m);\nl.add(m);\nreturn l.distinct().size();",
     1),
    ("l.add(l);\nk = List();\nk.add(l);\nk.removeAll(l);\nreturn k.size();", 0),
])  # fmt: skip
def test_self_containing_values_in_distinct(tail, expected):
    result = run_ok("l = List();\n" + tail)
    assert result.error is None
    assert result.output == expected


def test_distinct_keeps_equal_maps_once():
    # Maps are equal whatever their key order, as == compares them.
    source = (
        'a = Map();\na.put("x", 1);\na.put("y", {1, 2});\n'
        'b = Map();\nb.put("y", {1, 2.0});\nb.put("x", 1);\n'
        "l = List();\nl.add(a);\nl.add(b);\nreturn l.distinct().size();"
    )
    assert run_ok(source).output == 1


def test_shared_value_as_invokeurl_header():
    # The request is never built: the header text would pass the limit.
    source = (
        SHARED_MAP + 'h = Map();\nh.put("X-Big", l);\nr = invokeurl\n[\n'
        '    url: "http://127.0.0.1:9/x"\n    type: GET\n    headers: h\n];\n'
        "return 1;"
    )
    started = time.monotonic()
    result = run_ok(source)
    assert time.monotonic() - started < 2
    assert result.limit == "text length"
    assert result.error == limit_message("text length", "1000000 characters", 14)


def test_list_of_text_hits_collection_limit():
    source = 's = ",";\ns = s.leftPad(200000).replaceAll(" ", ",");\nl = List(s);\nreturn 1;'
    result = run_ok(source)
    assert result.limit == "collection size"
    assert result.error == limit_message("collection size", "100000 elements", 3)
    assert run_ok('l = List("a,b");\nreturn l.size();').output == 2


# A list of 100,000 texts: each call below on it takes milliseconds, and the
# statement counter checks the time only every 200 statements.
BIG_LIST = (
    'l = List();\nl.add("x");\nfor each i in ' + loop_over(16) + "\n{\n"
    "    l.addAll(l);\n}\nl.addAll(l.subList(0, 34464));\n"
)  # fmt: skip


@pytest.mark.parametrize("call", [
    'x = l.indexOf("y");',
    'x = l.contains("y");',
    "x = l.distinct();",
    "x = l.toString();",
    "x = l == k;",
    "x = List:String(l);",
    'x = "a" + l;',
    "info l;",
])  # fmt: skip
def test_slow_builtin_loop_stops_near_wall_time(call):
    source = (
        BIG_LIST + "k = List(l);\nfor each i in " + loop_over(300) + "\n{\n"
        f"    {call}\n}}\nreturn 1;"
    )
    compiled = program(source)
    started = time.monotonic()
    result = compiled.run({}, limits=Limits(wall_time_seconds=0.2))
    elapsed = time.monotonic() - started
    assert result.limit == "wall time"
    assert result.error == limit_message("wall time", "0.2 s", 11)
    # Without a check after each call, the 100 calls between two statement
    # checks took seconds.
    assert elapsed < 1.0


@pytest.mark.slow
def test_many_local_functions_compile_in_linear_time():
    # Each function used to copy the set of all function names.
    functions = "".join(
        f"int f{i}(int a)\n{{\n    return a;\n}}\n" for i in range(30_000)
    )
    source = "int main()\n{\n    return f29999(1);\n}\n" + functions
    # CPU time, because the machine may be busy: about 5 s now, 30 s before.
    started = time.process_time()
    result = run_ok(source)
    assert time.process_time() - started < 15
    assert result.output == 1


# Run in a fresh interpreter under a 2 GiB address-space cap: the script
# keeps about 1 MB per statement, 3 GB in all without the memory limit.
MEMORY_ATTACK = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from tests.security.scripts import run_ok
from runtime import Limits
loop = "{" + ",".join(["1"] * 3000) + "}"
source = (
    's = "\\\\u00e9";\\ns = s.leftPad(990000);\\nl = List();\\n'
    "for each i in " + loop + "\\n{\\n    l.add(s + i);\\n}\\nreturn l.size();"
)
result = run_ok(source, limits=Limits(memory_mb=64, statements=10**6))
# VmHWM, not ru_maxrss: the latter keeps the parent's size from before exec.
status = open("/proc/self/status").read().split("VmHWM:")[1]
peak_mb = int(status.split()[0]) // 1024
print(json.dumps({"error": result.error, "limit": result.limit, "peak_mb": peak_mb}))
"""


def test_many_large_texts_hit_memory_limit():
    completed = subprocess.run(
        [sys.executable, "-c", MEMORY_ATTACK],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert completed.returncode == 0, completed.stderr
    outcome = json.loads(completed.stdout)
    assert outcome["limit"] == "memory"
    assert outcome["error"] == limit_message("memory", "64 MB", 6)
    # Checks come every 200 statements, so the run may overshoot by about
    # 200 texts of 1 MB.
    assert outcome["peak_mb"] < 600
