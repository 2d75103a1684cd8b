from tests.compiler.helpers import compile_ok, output


def test_assignment_and_return():
    assert output("x = 5;\nreturn x;") == 5


def test_reassign_with_other_type():
    assert output('x = 5;\nx = "five";\nreturn x;') == "five"


def test_compound_operators():
    source = """
a = 10;
a += 5;
a -= 3;
a *= 2;
a /= 5;
b = 17;
b %= 5;
s = "pre";
s += "fix";
return {"a": a, "b": b, "s": s};
"""
    assert output(source) == {"a": 4, "b": 2, "s": "prefix"}


def test_variables_become_prefixed_locals():
    result = compile_ok("total = 1;\nreturn total;")
    assert "v_total = 1" in result.python_source
