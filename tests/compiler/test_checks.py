"""Static checks: every error with its exact line and column, all in one pass."""

from tests.compiler.helpers import compile_function, errors


def where(found):
    return [(d.line, d.column) for d in found]


def test_all_errors_collected_in_one_pass():
    source = "a = b;\nc = d;\nbreak;"
    found = errors(source)
    assert where(found) == [(1, 5), (2, 5), (3, 1)]


def test_undefined_variable():
    found = errors("x = 1;\ny = x + z;")
    assert where(found) == [(2, 9)]
    assert found[0].message == "Variable 'z' is not defined"
    assert found[0].kind == "semantic"
    assert found[0].source_line == "y = x + z;"


def test_parameters_are_defined():
    assert compile_function("return who;", parameters=[("who", "string")]).ok


def test_operand_type_mismatch_from_literals():
    found = errors('x = "a" - 1;')
    assert where(found) == [(1, 5)]
    assert found[0].message == (
        "Left expression is of type TEXT and right expression is of type NUMBER "
        "and operator - is not valid"
    )


def test_operand_type_mismatch_from_declared_type():
    found = errors("y = n * true;", parameters=[("n", "int")])
    assert where(found) == [(1, 5)]


def test_non_boolean_condition():
    found = errors("x = 5;\nif (x + 1) { info x; }")
    assert where(found) == [(2, 5)]


def test_unknown_method_with_suggestion():
    from runtime.registry import lookup_method

    if lookup_method("TEXT", "touppercase") is None:
        import pytest

        pytest.skip("text built-ins are not registered")
    found = errors('s = "a";\nt = s.toUperCase();')
    assert where(found) == [(2, 7)]
    assert "did you mean 'toUpperCase'" in found[0].message


def test_unknown_function():
    found = errors("x = noSuchFunction(1);")
    assert where(found) == [(1, 5)]
    assert found[0].message.startswith("Function 'noSuchFunction' is not defined")


def test_wrong_argument_count_of_language_function():
    found = errors("x = ifnull(1);")
    assert where(found) == [(1, 5)]
    assert "expects 2 argument(s) but got 1" in found[0].message


def test_wrong_argument_count_of_builtin():
    from runtime.registry import lookup_method

    if lookup_method("TEXT", "length") is None:
        import pytest

        pytest.skip("text built-ins are not registered")
    found = errors('s = "a";\nn = s.length(1, 2, 3);')
    assert where(found) == [(2, 7)]
    assert "argument(s) but got 3" in found[0].message


def test_return_value_in_void():
    found = errors("return 1;", return_type="void")
    assert where(found) == [(1, 1)]


def test_return_without_value_in_typed():
    found = errors("return;", return_type="string")
    assert where(found) == [(1, 1)]


def test_returned_literal_of_wrong_type():
    found = errors('return "a";', return_type="int")
    assert where(found) == [(1, 8)]
    assert "Invalid return type" in found[0].message


def test_break_and_continue_outside_loop():
    found = errors("break;\ncontinue;\nfor each x in {1} { break; }")
    assert where(found) == [(1, 1), (2, 1)]


def test_unbalanced_brace_points_at_opening():
    found = errors("if (true)\n{\n    x = 1;\n")
    assert where(found) == [(2, 1)]
    assert found[0].message == "Expecting '}' to close this '{' but found '<EOF>'"
    assert found[0].kind == "syntax"


def test_unclosed_block_comment_points_at_start():
    found = errors("x = 1;\n/* note\nreturn x;")
    assert where(found) == [(2, 1)]
    assert found[0].message.startswith("Comment Task is not closed properly")


def test_unterminated_string_points_at_start():
    found = errors('x = 1;\ny = "abc;\nreturn y;')
    assert where(found) == [(2, 5)]


def test_unavailable_zoho_tasks():
    for task in (
        "zoho.crm.getRecordById",
        "zoho.books.getRecords",
        "zoho.creator.getRecords",
    ):
        found = errors(f'x = {task}("a", 1);')
        assert where(found) == [(1, 5)], task
        assert found[0].message == f"{task} is not available in this product"


def test_sendmail_not_available():
    found = errors('sendmail\n[\n    to: "a@example.test"\n    subject: "s"\n];')
    assert where(found) == [(1, 1)]
    assert found[0].message == "'sendmail' is not available in this product"


def test_creator_only_statements():
    found = errors('x = 1;\nalert "hi";\nreload;')
    assert where(found) == [(2, 1), (3, 1)]
    assert all("Zoho Creator" in d.message for d in found)


def test_creator_form_statements_named():
    source = (
        "x = 1;\ncancel submit;\nhide Notes;\ndelete from Orders[ID == x];\n"
        'openUrl("https://a.test/", "new window");'
    )
    found = errors(source)
    assert where(found) == [(2, 1), (3, 1), (4, 1)]
    assert found[0].message == (
        "'cancel submit' is a Zoho Creator statement and is not available in "
        "this product"
    )
    assert found[1].message.startswith("'hide' is a Zoho Creator statement")
    assert found[2].message.startswith("'delete from' is a Zoho Creator statement")
    found = errors('openUrl("https://a.test/", "new window");')
    assert found[0].message == (
        "'openUrl' is a Zoho Creator function and is not available in this product"
    )


def test_creator_query_clauses_named():
    source = 'for each r in Orders[Status == "Open"] sort by Added_Time desc\n{\n}'
    found = errors(source)
    assert where(found) == [(1, 40)]
    assert found[0].message.startswith("'sort ...' belongs to a Zoho Creator")


def test_creator_words_as_variables():
    assert errors("hide = 1;\nshow = hide + 1;\ninfo show;") == []


def test_nesting_deeper_than_cap():
    source = "x = " + "(" * 150 + "1" + ")" * 150 + ";"
    found = errors(source)
    assert len(found) == 1
    assert "deeper than 100" in found[0].message


def test_long_operator_chain_is_no_recursion_error():
    source = "x = 1" + " + 1" * 3000 + ";\nreturn x;"
    result = compile_function(source)
    assert result.ok or all("deeper" in d.message for d in result.errors)


def test_deep_unary_chain_gives_diagnostic():
    source = "x = true;\ny = " + "!" * 20000 + "x;"
    result = compile_function(source)
    assert result.ok or "deeper" in result.errors[0].message


def test_syntax_error_message_and_position():
    found = errors("x = 1\ny = 2;")
    # The ';' is missing at the end of line 1, right after the 1.
    assert where(found) == [(1, 6)]
    assert found[0].kind == "syntax"


def test_message_shown_to_callers_has_line_number():
    found = errors("x = y;")
    assert str(found[0]) == "Variable 'y' is not defined (Line no: 1)"


def test_cli_format_has_caret():
    found = errors("x = 1;\ny = zz;")
    text = found[0].format("greet.dg")
    assert text.splitlines() == [
        "greet.dg:2:5: error: Variable 'zz' is not defined",
        "    y = zz;",
        "        ^",
    ]


def test_cli_caret_keeps_tabs():
    found = errors("x = 1;\nif (x > 0)\n{\n\t\tinfo zz;\n}")
    text = found[0].format("tabs.dg")
    assert text.splitlines() == [
        "tabs.dg:4:8: error: Variable 'zz' is not defined",
        "    \t\tinfo zz;",
        "    \t\t     ^",
    ]


def test_cli_format_cuts_long_line():
    source = "x = " + " + ".join(['"abc"'] * 2000) + " +;"
    found = errors(source)
    assert where(found) == [(1, len(source))]
    source_line, caret = found[0].format("long.dg").splitlines()[1:]
    assert len(source_line) < 120
    assert source_line.startswith("    ...")
    assert source_line.endswith('"abc" +;')
    assert caret.index("^") == source_line.index(";")


def test_creator_input_field_named_once():
    found = errors('if (input.Status == "Open") { info 1; }')
    assert where(found) == [(1, 5)]
    assert found[0].message == (
        "'input.Status' (a form field) is a Zoho Creator reference and is "
        "not available in this product"
    )


def test_creator_thisapp_call_named_once():
    found = errors("x = thisapp.util.format(1);\nthisapp.notify(x);")
    assert where(found) == [(1, 5), (2, 1)]
    assert found[0].message.startswith("'thisapp.util.format()'")
    assert found[1].message.startswith("'thisapp.notify()'")


def test_variable_named_input_is_ordinary():
    assert errors('input = {"a": 1};\ninfo input.get("a");') == []


def test_number_too_large_suggests_decimal():
    found = errors("x = 99999999999999999999;")
    assert where(found) == [(1, 5)]
    assert found[0].message.endswith("such as 99999999999999999999.0")


def test_for_each_over_map_suggests_keys():
    found = errors('m = {"a": 1};\nfor each k in m\n{\n    info k;\n}')
    assert where(found) == [(2, 15)]
    assert found[0].message.endswith("iterate its keys with 'for each key in m.keys()'")


def test_typed_list_of_unknown_type():
    found = errors("l = List:Map();\nm = list:string();")
    assert where(found) == [(1, 5)]
    assert found[0].message == (
        "List:Map is not a list type; use String, Int, Float, Bool or Date"
    )


def test_method_without_parentheses_suggests_call():
    found = errors('x = "a";\ninfo x.toUpperCase;\nm = {"a": 1};\ninfo m.a;')
    assert where(found) == [(2, 6), (4, 6)]
    assert found[0].message == (
        "'.toUpperCase' is a function and needs parentheses; write .toUpperCase()"
    )
    assert found[1].message.endswith('use .get("a") to read a map key')


def test_index_operator_on_variable():
    found = errors("items = {1, 2};\ninfo items[0];\ninfo Leads[ID == 1];")
    assert where(found) == [(2, 6), (3, 6)]
    assert found[0].message == (
        "Deluge has no '[...]' index operator; write items.get(...) to read "
        "an element or a key"
    )
    assert found[1].message.startswith("'Leads[...]' is a Zoho Creator record query")


def test_reserved_words_as_variable_names():
    source = (
        "date = zoho.currentdate;\nfor each map in {1}\n{\n    info 1;\n}\n"
        "try\n{\n    x = 1;\n}\ncatch (string)\n{\n    info 2;\n}\nList += 1;"
    )
    found = [d for d in errors(source) if "reserved word" in d.message]
    assert where(found) == [(1, 1), (2, 10), (10, 8), (14, 1)]
    assert found[0].message == (
        "'date' is a reserved word in Deluge and cannot be a variable name; "
        "rename the variable, for example to 'dateValue'"
    )


def test_words_near_reserved_ones_are_names():
    source = "dateValue = 1;\neach = 2;\nindex = 3;\nlists = 4;\ninfo each + index;"
    assert errors(source) == []
