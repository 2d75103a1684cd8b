"""Global functions compiled into the same module through resolve_global."""

from dataclasses import dataclass

from runtime import load_program
from tests.compiler.helpers import compile_function, compile_ok


@dataclass
class GlobalSource:
    id: int
    version: int
    name: str
    parameters: list
    return_type: str
    script: str


def resolver(*sources):
    table = {s.name.lower(): s for s in sources}
    return lambda name: table.get(name.lower())


DOUBLE = GlobalSource(
    12,
    3,
    "global_function_12",
    [("n", "int")],
    "int",
    'info "doubling " + n;\nreturn n * 2;',
)


def test_call_global_function_and_record_dependency():
    result = compile_ok(
        "return global_function_12(a) + 1;",
        parameters=[("a", "int")],
        resolve_global=resolver(DOUBLE),
    )
    assert result.dependencies == [(12, 3)]
    run = load_program(result.code).run({"a": 5})
    assert run.output == 11
    assert run.info == ["doubling 5"]


def test_transitive_and_mutual_recursion():
    is_even = GlobalSource(
        1,
        1,
        "is_even",
        [("n", "int")],
        "bool",
        "if (n == 0) { return true; }\nreturn is_odd(n - 1);",
    )
    is_odd = GlobalSource(
        2,
        1,
        "is_odd",
        [("n", "int")],
        "bool",
        "if (n == 0) { return false; }\nreturn is_even(n - 1);",
    )
    result = compile_ok("return is_even(7);", resolve_global=resolver(is_even, is_odd))
    assert sorted(result.dependencies) == [(1, 1), (2, 1)]
    assert load_program(result.code).run({}).output is False


def test_wrong_argument_count():
    found = compile_function(
        "x = global_function_12(1, 2);", resolve_global=resolver(DOUBLE)
    ).errors
    assert [(d.line, d.column) for d in found] == [(1, 5)]
    assert "expects 1 argument(s) but got 2" in found[0].message


def test_known_argument_type_mismatch():
    found = compile_function(
        'x = global_function_12("a");', resolve_global=resolver(DOUBLE)
    ).errors
    assert "must be NUMBER but this is TEXT" in found[0].message


def test_unknown_global_function():
    found = compile_function(
        "x = global_function_99(1);", resolve_global=resolver(DOUBLE)
    ).errors
    assert found[0].message.startswith("Function 'global_function_99' is not defined")


def test_error_in_global_script_names_function():
    broken = GlobalSource(5, 2, "helper", [], "int", "return missing;")
    found = compile_function("x = helper();", resolve_global=resolver(broken)).errors
    assert found[0].function == "helper"
    assert "in function 'helper'" in str(found[0])


def test_runtime_error_in_global_names_function():
    divide = GlobalSource(6, 1, "divide", [("n", "int")], "int", "return 10 / n;")
    result = compile_ok("return divide(0);", resolve_global=resolver(divide))
    run = load_program(result.code).run({})
    assert run.error == "Division by zero (Line no: 1) in function 'divide'"


def test_global_return_type_checked():
    wrong = GlobalSource(7, 1, "wrong", [("x", None)], "int", "return x;")
    result = compile_ok('return wrong("a");', resolve_global=resolver(wrong))
    run = load_program(result.code).run({})
    assert "Invalid return type" in run.error


def test_number_argument_widens_for_float_parameter():
    half = GlobalSource(8, 1, "half", [("a", "float")], "float", "return a / 4;")
    result = compile_ok("return half(2);", resolve_global=resolver(half))
    run = load_program(result.code).run({})
    assert run.error is None
    assert run.output == 0.5


def test_argument_of_unknown_type_checked_on_entry():
    result = compile_ok(
        'return global_function_12(m.get("k"));',
        parameters=[("m", "map")],
        resolve_global=resolver(DOUBLE),
    )
    run = load_program(result.code).run({"m": {"k": "x"}})
    assert run.error.startswith("Argument 'n' must be NUMBER but the value is of type")
    assert "TEXT" in run.error
    assert run.error.endswith("in function 'global_function_12'")


def test_null_argument_passes_typed_parameter():
    result = compile_ok(
        'return global_function_12(m.get("k"));',
        parameters=[("m", "map")],
        resolve_global=resolver(DOUBLE),
    )
    run = load_program(result.code).run({"m": {}})
    assert "NULL" in run.error
    assert "operator * is not valid" in run.error


def test_empty_braces_pass_list_parameter():
    append = GlobalSource(
        9, 1, "append_one", [("l", "list")], "list", "l.add(1);\nreturn l;"
    )
    result = compile_ok("return append_one({});", resolve_global=resolver(append))
    assert load_program(result.code).run({}).output == [1]


def test_caught_error_of_global_has_call_line():
    divide = GlobalSource(6, 1, "divide", [("n", "int")], "int", "return 10 / n;")
    source = "x = 1;\ntry\n{\n    y = divide(0);\n}\ncatch (e)\n{\n    return e.lineNo;\n}"
    result = compile_ok(source, resolve_global=resolver(divide))
    assert load_program(result.code).run({}).output == 4
