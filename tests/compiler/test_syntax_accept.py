"""Syntax that real scripts use beyond Zoho's documentation, one test each."""

from tests.compiler.helpers import (
    compile_function,
    compile_ok,
    errors,
    info_lines,
    output,
)


def test_null_in_upper_case():
    assert output("x = NULL;\nreturn x == null;") is True


def test_constructors_in_any_case():
    assert output("a = Map();\nb = map();\nc = MAP();\nreturn {a, b, c};") == [
        {},
        {},
        {},
    ]
    assert output("a = List();\nb = LIST();\nc = list();\nreturn {a, b, c};") == [
        [],
        [],
        [],
    ]


def test_invokeurl_in_any_case():
    source = 'r = invokeUrl\n[\n    url: "https://example.test/"\n    type: GET\n];'
    assert compile_ok(source).blocking


def test_type_names_in_headers_in_any_case():
    source = (
        "String standalone.greet(string who, Int times)\n{\n    return who + times;\n}"
    )
    result = compile_ok(source)
    from runtime import load_program

    assert load_program(result.code).run({"who": "a", "times": 2}).output == "a2"


def test_single_equals_condition_with_warning():
    result = compile_ok("flag = true;\nif(flag = true) { info 1; }")
    assert [d.severity for d in result.diagnostics] == ["warning"]


def test_info_with_parentheses_and_without():
    assert info_lines("x = 1;\ninfo (x);\ninfo x;") == ["1", "1"]


def test_return_without_value_in_void_function():
    assert compile_function("info 1;\nreturn;", return_type="void").ok


def test_compound_text_suffix():
    assert output('x = "a";\nx += "suffix";\nreturn x;') == "asuffix"


def test_all_compound_operators():
    assert output("x = 7;\nx += 1;\nx -= 2;\nx *= 3;\nx /= 4;\nx %= 3;\nreturn x;") == 1


def test_list_literal_with_square_brackets():
    assert output("return [1, 2, 3];") == [1, 2, 3]


def test_list_literal_with_braces():
    assert output('return {"a", "b"};') == ["a", "b"]


def test_nested_list_in_map():
    assert output('return {"a": {"b"}};') == {"a": ["b"]}


def test_map_with_expression_keys():
    assert output('k = "x";\nreturn {k + "1": 1, "y": 2};') == {"x1": 1, "y": 2}


def test_typed_list_of_text():
    assert output('return List:String({"a", "b"});') == ["a", "b"]


def test_typed_list_lower_case_empty():
    assert output("return list:int();") == []


def test_typed_list_converts_elements():
    assert output("return List:String({1, true});") == ["1", "true"]
    assert output('return List:Int({"7", 8});') == [7, 8]


def test_collection_with_key_value_arguments():
    assert output('return Collection("a": 1, "b": 2);') == {"a": 1, "b": 2}


def test_collection_with_values():
    assert output('return Collection("p", "q");') == ["p", "q"]


def test_insert_with_key_value_argument_parses():
    result = compile_ok('c = Collection();\nc.insert("k": 1);')
    assert "KeyValue('k', 1)" in result.python_source


def test_for_each_index():
    assert info_lines('for each index i in {"a", "b"} { info i; }') == ["0", "1"]


def test_for_each_over_text():
    assert info_lines('for each x in "p,q" { info x; }') == ["p", "q"]


def test_function_header_with_namespace_and_capital_types():
    source = (
        "string standalone.greet(String who, Int times)\n{\n"
        '    return "Hello " + who + " x" + times;\n}'
    )
    result = compile_ok(source)
    from runtime import load_program

    program = load_program(result.code)
    assert program.parameters == ("who", "times")
    assert program.run({"who": "Ann", "times": 2}).output == "Hello Ann x2"


def test_several_functions_in_one_file():
    source = (
        "string standalone.main(String who)\n{\n    return helper(who);\n}\n\n"
        'string standalone.helper(String name)\n{\n    return "hi " + name;\n}\n'
    )
    result = compile_ok(source, name="main")
    from runtime import load_program

    assert load_program(result.code).run({"who": "Bo"}).output == "hi Bo"


def test_function_called_by_namespaced_name():
    source = (
        "string standalone.main(String who)\n{\n"
        "    return standalone.helper(who) + standalone.count(3);\n}\n\n"
        'string standalone.helper(String name)\n{\n    return "hi " + name;\n}\n\n'
        "int standalone.count(int n)\n{\n"
        "    if (n <= 0)\n    {\n        return 0;\n    }\n"
        "    return n + standalone.count(n - 1);\n}\n"
    )
    result = compile_ok(source, name="main")
    from runtime import load_program

    assert load_program(result.code).run({"who": "Bo"}).output == "hi Bo6"


def test_namespaced_call_of_missing_function():
    source = (
        "string standalone.main(String who)\n{\n    return standalone.nope(who);\n}"
    )
    found = errors(source, name="main")
    assert [(d.line, d.column) for d in found] == [(3, 12)]
    assert found[0].message == "Variable 'standalone' is not defined"


def test_variable_shadows_function_namespace():
    source = (
        "string standalone.main(String who)\n{\n"
        '    standalone = "x";\n    return standalone.length() + standalone.helper(who);\n}\n'
        "string standalone.helper(String name)\n{\n    return name;\n}\n"
    )
    found = errors(source, name="main")
    assert [d.message for d in found] == [
        "Function 'helper' is not applicable to a TEXT value"
    ]


def test_zoho_current_date_and_time_are_values():
    result = compile_ok("d = zoho.currentdate;\nt = zoho.currenttime;\nreturn d;")
    assert "system_value(ctx, 'currentdate')" in result.python_source


def test_methods_on_zoho_current_date():
    source = (
        "due = zoho.currentdate.addDay(7);\n"
        "days = zoho.currentdate.daysBetween(due);\n"
        'return days + " " + zoho.currenttime.toString("yyyy").length();'
    )
    assert output(source) == "7 4"


def test_method_on_other_zoho_value_is_unavailable():
    found = errors("return zoho.loginuser.toUpperCase();")
    assert found[0].message == "zoho.loginuser is not available in this product"


def test_zoho_crm_call_is_unavailable_task():
    found = errors('r = zoho.crm.getRecordById("Leads", 5);')
    assert "not available in this product" in found[0].message


def test_byte_order_mark():
    assert output("\ufeffx = 1;\nreturn x;") == 1


def test_crlf_line_ends():
    result = compile_ok("x = 1;\r\ny = ;\r\n".replace("y = ;", "y = 2;"))
    assert result.ok
    found = errors("x = 1;\r\ny = ;\r\n")
    assert found[0].line == 2


def test_no_break_and_zero_width_spaces():
    assert output("x\u00a0=\u00a01;\nreturn\u200bx;") == 1


def test_typographic_quotes_accepted_with_warning():
    result = compile_function("x = \u201chello\u201d;\nreturn x;")
    assert result.ok
    assert [d.severity for d in result.diagnostics] == ["warning"]
    assert output("x = \u201chello\u201d;\nreturn x;") == "hello"


def test_member_shorthand_rejected_except_catch_fields():
    assert errors("m = Map();\nx = m.name;")
    assert compile_function(
        "try { x = 1; } catch (e) { a = e.message; b = e.lineNo; }"
    ).ok


def test_string_escapes():
    assert output(r'return "a\"b\\c\nd\te";') == 'a"b\\c\nd\te'


def test_multi_line_string_keeps_newline():
    assert output('return "a\nb";') == "a\nb"


def test_decimal_forms():
    assert output("return 5. + .5;") == 5.5


def test_comments_everywhere():
    source = (
        "// leading\nx = 1; // trailing\n/* block\n over lines */\n"
        'r = invokeurl\n[\n    url: "https://example.test/" // the endpoint\n'
        "    /* inner */ type: GET\n];\nreturn x;"
    )
    assert compile_ok(source).ok


def test_negative_literals_and_unary_plus():
    assert output("return -41 + +1;") == -40


def test_literal_compared_with_null_compiles_quietly():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert output('return {"a" != null, 1 == true, "" == null, 0 != false};') == [
            True,
            False,
            False,
            True,
        ]
