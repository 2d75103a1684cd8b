from tests.compiler.helpers import info_lines, output, run


def test_precedence_of_multiplication():
    assert output("return 1 + 2 * 3 - 4;") == 3


def test_parentheses():
    assert output("return (1 + 2) * 3;") == 9


def test_integer_division_truncates_toward_zero():
    assert output("return 7 / 2;") == 3
    assert output("return -7 / 2;") == -3


def test_modulo_takes_sign_of_dividend():
    assert output("return -7 % 3;") == -1
    assert output("return 7 % -3;") == 1


def test_decimal_operand_gives_decimal():
    assert output("return 7 / 2.0;") == 3.5
    assert info_lines("info 1 + 1.0;") == ["2.0"]


def test_decimal_rendering_like_java():
    assert info_lines("info 0.1 + 0.2;") == ["0.30000000000000004"]


def test_division_by_zero_is_catchable():
    source = """
try
{
    x = 1 / 0;
}
catch (e)
{
    return e.message;
}
"""
    assert output(source) == "Division by zero"


def test_number_overflow_is_runtime_error():
    result = run("x = 9223372036854775807;\ny = x + 1;\nreturn y;")
    assert result.error is not None
    assert "64-bit" in result.error
    assert "(Line no: 2)" in result.error


def test_unary_minus_on_variable():
    assert output("x = 4;\nreturn -x;") == -4
