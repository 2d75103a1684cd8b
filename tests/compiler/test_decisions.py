"""One test per row of the project's decisions where Zoho's behaviour is not public."""

import pytest

from runtime.registry import lookup_method
from tests.compiler.helpers import compile_function, errors, info_lines, output, run


def _needs_method(receiver_type, name):
    if lookup_method(receiver_type, name) is None:
        pytest.skip(f"{receiver_type}.{name} is not registered")


def test_number_division_truncates_toward_zero():
    assert output("return 7 / 2;") == 3
    assert output("return -7 / 2;") == -3
    assert output("return 6 / 2;") == 3


def test_decimal_operand_makes_division_decimal():
    assert output("return 7.0 / 2;") == 3.5


def test_modulo_has_sign_of_dividend():
    assert output("return -7 % 3;") == -1


def test_number_outside_64_bits_is_runtime_error():
    result = run("x = 9223372036854775807;\nreturn x * 2;")
    assert result.error.startswith("Number out of range")


def test_number_literal_outside_64_bits_is_compile_error():
    found = errors("return 9223372036854775808;")
    assert len(found) == 1
    assert "64-bit" in found[0].message


def test_decimal_renders_like_java_double():
    assert info_lines("info 2.0;\ninfo 0.1 + 0.2;\ninfo 10000000.0;\ninfo 0.0001;") == [
        "2.0",
        "0.30000000000000004",
        "1.0E7",
        "1.0E-4",
    ]


def test_division_by_zero_is_catchable():
    assert output('try { x = 5 / 0; } catch (e) { return "caught"; }') == "caught"


def test_variable_names_are_case_sensitive():
    found = errors("myVar = 1;\nreturn MYVAR;")
    assert [d.message for d in found] == ["Variable 'MYVAR' is not defined"]


def test_keywords_and_literals_are_case_insensitive():
    source = "x = NULL;\nIF (x == Null) { RETURN TRUE; } ELSE { return False; }"
    assert output(source) is True


def test_empty_text_is_not_null():
    assert output('a = "";\nreturn a == null;') is False


def test_is_null_of_empty_text_is_true():
    assert output('return isNull("");') is True


def test_list_and_map_equality_by_content():
    assert output("return {1, 2} == {1, 2};") is True
    assert output('return {"a": 1} == {"a": 1};') is True
    assert output("return {1, 2} == {2, 1};") is False


def test_number_equals_equal_decimal():
    assert output("return 2 == 2.0;") is True


def test_boolean_is_not_a_number_in_equality():
    assert output("x = true;\ny = 1;\nreturn x == y;") is False


def test_condition_must_be_boolean():
    assert errors('if ("yes") { info 1; }')[0].message.startswith(
        "A condition must be BOOLEAN"
    )
    result = run("if (x) { info 1; }", arguments={"x": "yes"}, parameters=[("x", None)])
    assert "BOOLEAN" in result.error


def test_single_equals_in_condition_compares_with_warning():
    result = compile_function("flag = true;\nif (flag = true) { return 1; }\nreturn 2;")
    assert result.ok
    warnings = [d for d in result.diagnostics if d.severity == "warning"]
    assert [(d.line, d.column) for d in warnings] == [(2, 5)]
    assert output("flag = false;\nif (flag = true) { return 1; }\nreturn 2;") == 2


def test_single_equals_inside_compound_condition():
    source = (
        'a = 1;\nb = 3;\nif (a = 1 && b = 2)\n{\n    return "both";\n}\n'
        'else if (a = 2 || b = 3)\n{\n    return "either";\n}\nreturn "none";'
    )
    result = compile_function(source)
    assert result.ok
    warnings = [d for d in result.diagnostics if d.severity == "warning"]
    assert [(d.line, d.column) for d in warnings] == [(3, 5), (3, 14), (7, 10), (7, 19)]
    assert output(source) == "either"


def test_single_equals_in_if_function_condition():
    assert output('a = 2;\nreturn if(a = 2 && true, "two", "other");') == "two"


def test_single_equals_outside_condition_is_error():
    found = compile_function("a = 1;\nif (a > 0)\n{\n    b = a = 1;\n}").errors
    assert [(d.line, d.column) for d in found] == [(4, 11)]
    assert "one variable per statement" in found[0].message


def test_and_or_short_circuit():
    assert output("a = false;\nreturn a && 1 / 0 == 0;") is False
    assert output("a = true;\nreturn a || 1 / 0 == 0;") is True


def test_word_forms_of_logic_rejected():
    assert errors("a = true;\nb = a and a;")
    assert errors("a = true;\nb = not a;")


def test_if_function_evaluates_only_chosen_branch():
    assert output("return if(true, 1, 1 / 0);") == 1
    assert output("return if(false, 1 / 0, 2);") == 2


def test_empty_braces_become_list_on_add():
    _needs_method("COLLECTION", "add")
    assert output("c = {};\nc.add(1);\nreturn c;") == [1]


def test_empty_braces_become_map_on_put():
    _needs_method("COLLECTION", "put")
    assert output('c = {};\nc.put("k", 1);\nreturn c;') == {"k": 1}


def test_map_keeps_insertion_order():
    assert info_lines('m = {"z": 1, "a": 2, "m": 3};\ninfo m;') == [
        '{"z":1,"a":2,"m":3}'
    ]
    assert list(output('return {"z": 1, "a": 2};')) == ["z", "a"]


def test_reassigning_with_other_type_is_allowed():
    assert output('x = 1;\nx = "one";\nreturn x;') == "one"


def test_member_shorthand_is_compile_error():
    found = errors('m = {"k": 1};\nreturn m.k;')
    assert len(found) == 1
    assert (found[0].line, found[0].column) == (2, 8)
    assert 'get("k")' in found[0].message


def test_member_shorthand_allowed_for_system_values():
    assert compile_function("d = zoho.currentdate;\nt = zoho.currenttime;").ok


def test_read_before_assignment_is_compile_error():
    found = errors("y = x + 1;\nx = 2;")
    assert [(d.line, d.column, d.message) for d in found] == [
        (1, 5, "Variable 'x' is not defined")
    ]


def test_info_rendering_of_each_type():
    source = (
        'info "t";\ninfo 3;\ninfo 2.5;\ninfo {1, 2, 3};\ninfo {"a": 1};\ninfo null;'
    )
    assert info_lines(source) == ["t", "3", "2.5", "1,2,3", '{"a":1}', "null"]


def test_ambiguous_date_literal_reads_day_first():
    assert output("return '08-07-2020' == '08-Jul-2020';") is True


def test_single_quoted_text_that_is_no_date_stays_text():
    assert output("return 'hello';") == "hello"


def test_throw_raises_catchable_error_with_expression_text():
    source = 'try\n{\n    throw "boom " + 1;\n}\ncatch (e)\n{\n    return e.message;\n}'
    assert output(source) == "boom 1"


def test_caught_error_has_message_and_line_number():
    source = "try\n{\n    x = 1;\n    y = x / 0;\n}\ncatch (e)\n{\n    info e;\n    return e.lineNo;\n}"
    result = run(source)
    assert result.output == 4
    assert result.info == ['{"message":"Division by zero","lineNo":4}']


def test_unknown_zoho_integration_task_is_compile_error():
    found = errors('r = zoho.crm.getRecordById("Leads", 1);')
    assert len(found) == 1
    assert found[0].message == "zoho.crm.getRecordById is not available in this product"


def test_creator_only_statements_named_as_creator_only():
    for source in (
        'alert "x";',
        "reload;",
        'insert into Orders [ Name = "a" ];',
        "r = Orders[ID == 1];",
    ):
        found = errors(source)
        assert len(found) == 1, source
        assert "Creator" in found[0].message, source
        assert found[0].kind == "syntax", source


def test_for_each_walks_list_as_it_was_at_start():
    source = "l = {1, 2};\nn = 0;\nfor each x in l\n{\n    l.add(x);\n    n = n + 1;\n}"
    assert output(source + "\nreturn n;") == 2


def test_empty_braces_equal_empty_list_and_map():
    assert output("c = {};\nreturn c == Map();") is True
    assert output("c = {};\nreturn c == List();") is True
    assert output('c = {};\nreturn {"a": c} == {"a": Map()};') is True
    assert output("c = {};\nc.add(1);\nreturn c == Map();") is False
