"""Direct Python operations in generated code give the helpers' results."""

import pytest

from compiler import compile_function
from runtime import Limits, load_program, operators
from runtime.context import ExecutionContext
from runtime.values import Collection

VALUES = [True, False, 0, 1, 2, 1.0, 0.0, -1, "1", "", "a", None, [], [1], {},
          {"a": 1}, Collection(), Collection([1])]  # fmt: skip
LITERALS = {"0": 0, "1": 1, "2": 2, "1.0": 1.0, "0.0": 0.0, "-1": -1, '"1"': "1",
            '""': "", "true": True, "false": False, "null": None}  # fmt: skip


def run(source: str, arguments=None, **options):
    names = list(arguments or {})
    result = compile_function(source, parameters=[(name, None) for name in names])
    assert result.ok, [str(d) for d in result.errors]
    return load_program(result.code).run(arguments or {}, **options)


def program_for(source: str, names: list):
    result = compile_function(source, parameters=[(name, None) for name in names])
    assert result.ok, [str(d) for d in result.errors]
    return load_program(result.code)


@pytest.mark.parametrize("literal", sorted(LITERALS))
def test_equality_with_literal_matches_equals(literal):
    expected_value = LITERALS[literal]
    equal = program_for(f"return x == {literal};", ["x"])
    unequal = program_for(f"return {literal} != x;", ["x"])
    for value in VALUES:
        expected = operators.equals(value, expected_value)
        assert equal.run({"x": value}).output is expected, (value, literal)
        assert unequal.run({"x": value}).output is (not expected), (value, literal)


def test_equality_with_zero_evaluates_call_once():
    source = "l = List();\nok = l.add(1) == 0;\nreturn l.size();"
    assert run(source).output == 1


@pytest.mark.parametrize("value", [1, 2.5, "s", True, None, [1, 2], {"k": 1}])
def test_text_chain_matches_add(value):
    add = operators.add
    ctx = ExecutionContext()
    expected = add(ctx, add(ctx, add(ctx, "n=", value), 1), "!")
    assert run('return "n=" + x + 1 + "!";', {"x": value}).output == expected


def test_number_sum_before_text_is_added_first():
    assert run('return 1 + 2 + "a" + 3;').output == "3a3"


@pytest.mark.parametrize("value, expected", [(1, "2a"), ("s", "s1a"), (1.5, "2.5a")])
def test_unknown_sum_before_text(value, expected):
    assert run('return x + 1 + "a";', {"x": value}).output == expected


def test_text_chain_respects_text_limit():
    result = run('return "abc" + x + "def";', {"x": "12"}, limits=Limits(text_length=5))
    assert result.limit == "text length"


def test_accumulator_is_typed_and_counts():
    source = "n = 0;\nfor each i in {1, 2, 3}\n{\n    n = n + 1;\n}\nreturn n;"
    assert run(source).output == 3


def test_typed_accumulator_still_overflows():
    source = "n = 9223372036854775807;\nn = n + 1;\nreturn n;"
    assert run(source).error.startswith("Number out of range")


def test_accumulator_mixing_number_and_decimal():
    assert run("x = 0;\nx = x + 0.5;\nx = x + 1;\nreturn x;").output == 1.5


def test_empty_list_constructor_is_new_list():
    source = "a = List();\nb = List();\na.add(1);\nreturn {a.size(), b.size()};"
    assert run(source).output == [1, 0]


def test_method_on_map_literal_is_bound():
    result = compile_function('m = Map();\nm.put("a", 1);\nreturn m.get("a");')
    names = {"bm_0", "bm_1"}
    python = result.python_source
    assert all(name in python for name in names)
    assert (
        "deluge_bound_methods = ('KEY-VALUE', 2, 'put'), ('KEY-VALUE', 1, 'get')"
        in (python)
    )
    assert load_program(result.code).run({}).output == 1


def test_null_method_result_compares_with_error():
    # getPrefix declares TEXT but returns null when the text is not found.
    source = 'p = "abc".getPrefix("x");\nreturn p < "b";'
    outcome = run(source)
    assert outcome.error.startswith("Left expression is of type NULL")


def test_null_method_result_adds_with_error():
    source = "a = List();\nm = a.average();\nreturn m + 1.0;"
    outcome = run(source)
    assert outcome.error.startswith("Left expression is of type NULL")


def test_method_result_seeds_bound_call():
    source = 's = "abc";\nt = s.toUpperCase();\nreturn t.length();'
    result = compile_function(source)
    assert "call_method" not in result.python_source
    assert load_program(result.code).run({}).output == 3


def test_boolean_method_condition_unchecked():
    source = 'm = {"a": 1};\nif (m.containsKey("a"))\n{\n    return 1;\n}\nreturn 2;'
    result = compile_function(source)
    assert "op_cond" not in result.python_source
    assert load_program(result.code).run({}).output == 1


def test_boolean_variable_condition_unchecked():
    source = "flag = x > 1;\nif (flag)\n{\n    return 1;\n}\nreturn 2;"
    result = compile_function(source, parameters=[("x", None)])
    assert "op_cond" not in result.python_source
    program = load_program(result.code)
    assert program.run({"x": 2}).output == 1
    assert program.run({"x": 0}).output == 2


def test_parameter_condition_checked():
    source = "if (flag)\n{\n    return 1;\n}\nreturn 2;"
    result = compile_function(source, parameters=[("flag", "bool")])
    program = load_program(result.code)
    assert program.run({"flag": True}).output == 1
    assert "must be a BOOLEAN" in program.run({"flag": None}).error


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "%"])
def test_unknown_operands_match_operators(op):
    helpers = {"+": operators.add, "-": operators.sub, "*": operators.mul,
               "/": operators.div, "%": operators.mod}  # fmt: skip
    program = program_for(f"return a {op} b;", ["a", "b"])
    ctx = ExecutionContext()
    numbers = [7, -7, 3, -3, 2.5, -0.5, 0]
    for a in numbers:
        for b in numbers:
            outcome = program.run({"a": a, "b": b})
            try:
                expected = helpers[op](ctx, a, b)
            except Exception as error:  # noqa: BLE001  (compared by message)
                assert outcome.error.startswith(str(error)), (a, op, b)
                continue
            assert outcome.output == expected, (a, op, b)


def test_global_return_fast_path():
    from benchmarks.execution_cases import GlobalSource

    functions = {
        "half": GlobalSource("half", [("n", "int")], "float", "return n / 2.0;"),
        "nothing": GlobalSource("nothing", [], "float", "return null;"),
        "name": GlobalSource("name", [("m", "map")], "string", 'return m.get("k");'),
    }
    source = "return {half(3), nothing()};"
    result = compile_function(source, resolve_global=functions.get)
    assert load_program(result.code).run({}).output == [1.5, None]
    source = 'return name({"k": 4});'
    result = compile_function(source, resolve_global=functions.get)
    outcome = load_program(result.code).run({})
    assert outcome.error.startswith("Invalid return type")
