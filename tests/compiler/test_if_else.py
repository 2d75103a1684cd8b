import pytest

from tests.compiler.helpers import output, run

GRADE = """
if (score >= 90)
{
    grade = "A";
}
else if (score >= 75)
{
    grade = "B";
}
else
{
    grade = "C";
}
return grade;
"""


def test_if_else_if_else_branches():
    params = [("score", "int")]
    assert output(GRADE, arguments={"score": 95}, parameters=params) == "A"
    assert output(GRADE, arguments={"score": 80}, parameters=params) == "B"
    assert output(GRADE, arguments={"score": 10}, parameters=params) == "C"


def test_condition_must_be_boolean_at_run_time():
    result = run(
        "if (x) { return 1; }\nreturn 2;", arguments={"x": 1}, parameters=[("x", None)]
    )
    assert result.error is not None
    assert "BOOLEAN" in result.error


def test_and_or_short_circuit():
    source = """
l = List();
ok = l.size() == 0 || l.get(5) == 1;
return ok;
"""
    # size() and get() come from the built-in table; skip if not registered yet.
    from runtime.registry import lookup_method

    if lookup_method("LIST", "size") is None:
        import pytest

        pytest.skip("list built-ins are not registered")
    assert output(source) is True


def test_short_circuit_skips_right_operand():
    source = """
a = false;
b = a && 1 / 0 == 1;
c = true || 1 / 0 == 1;
return {"b": b, "c": c};
"""
    assert output(source) == {"b": False, "c": True}


def test_condition_known_not_boolean_is_compile_error():
    from tests.compiler.helpers import errors

    found = errors("x = 1;\nif (x) { return 1; }")
    assert [(d.line, d.column) for d in found] == [(2, 5)]
    assert "BOOLEAN" in found[0].message


def test_variable_of_branch_not_taken_names_variable():
    result = run("if (false)\n{\n    y = 5;\n}\ninfo y;")
    assert result.error.startswith("Variable 'y' is not defined")
    assert result.line == 5
    assert result.error.endswith("(Line no: 5)")


@pytest.mark.parametrize(
    "source, expected",
    [
        ('return "" == null;', False),
        ('return "" != null;', True),
        ("return 1 == true;", False),
        ("return 0 != false;", True),
        ("return null == null;", True),
        ('return "a" == "a";', True),
        ("return 2 == 2.0;", True),
    ],
)
def test_two_literals_compare_without_warning(source, expected):
    # pytest turns warnings into errors, so a SyntaxWarning from compile()
    # fails this test.
    assert output(source) is expected
