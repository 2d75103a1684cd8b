"""The parser reports every independent syntax error of a script in one pass."""

from pathlib import Path

from compiler import SYNTAX, compile_function
from compiler.lalr import MAX_SYNTAX_ERRORS
from compiler.parser import parse

DATA = Path(__file__).with_name("data")


def syntax_errors(source: str) -> list:
    return [d for d in parse(source).diagnostics if d.severity == "error"]


def test_three_independent_errors_in_file():
    source = (DATA / "three_syntax_errors.dg").read_text(encoding="utf-8")
    found = compile_function(source).errors
    assert [(d.line, d.column) for d in found] == [(4, 20), (11, 21), (14, 13)]
    assert [d.kind for d in found] == [SYNTAX] * 3
    assert found[0].message == "Unexpected token found ';'"
    assert found[1].message == "Unexpected token found '*'"
    assert found[2].message == (
        "Improper statement: missing ';' at the end of the line "
        "(expecting ';' but found 'return' on line 15)"
    )
    assert found[0].source_line == 'label = "count: " +;'
    assert found[1].source_line == "    total = total + * 2;"
    assert found[2].source_line == "info message"


def test_valid_script_has_no_errors():
    source = (DATA / "three_syntax_errors.dg").read_text(encoding="utf-8")
    fixed = source.replace(" +;", ' + "x";').replace("+ * 2", "+ 2")
    fixed = fixed.replace("info message\n", "info message;\n")
    assert compile_function(fixed).ok


def test_broken_if_header_skips_its_blocks():
    source = "if (a > ) { b = 1; } else { c = 2; }\nx = ;\ny = 1;"
    found = syntax_errors(source)
    assert [(d.line, d.column) for d in found] == [(1, 9), (2, 5)]


def test_error_inside_block_resumes_in_block():
    source = "x = 1;\nif (x > 0)\n{\n    y = = 2;\n    z = 3\n}\nw = ;"
    found = syntax_errors(source)
    assert [(d.line, d.column) for d in found] == [(4, 9), (5, 10), (7, 5)]


def test_broken_map_literal_skips_to_statement_end():
    source = 'm = {"a": 1,, "b": 2};\nx = ;'
    found = syntax_errors(source)
    assert [(d.line, d.column) for d in found] == [(1, 13), (2, 5)]


def test_unexpected_character_and_later_error():
    source = "q = 5 $ 3;\nr = 1 $ $ 2;\ns = ;"
    found = syntax_errors(source)
    assert [(d.line, d.column) for d in found] == [(1, 7), (2, 7), (3, 5)]
    assert found[0].message == "Unexpected character found '$'"


def test_error_at_end_of_text():
    found = syntax_errors("x = 1;\ny = 2")
    assert [(d.line, d.column) for d in found] == [(2, 6)]
    assert found[0].message == (
        "Improper statement: missing ';' at the end of the line "
        "(expecting ';' but the script ends)"
    )


def test_errors_in_two_function_definitions():
    source = (
        'string a(int n)\n{\n    x = ;\n    return "a";\n}\n'
        'string b(int n)\n{\n    y = n +;\n    return "b";\n}\n'
    )
    found = syntax_errors(source)
    assert [(d.line, d.column) for d in found] == [(3, 9), (8, 12)]


def test_error_count_is_capped():
    source = "x = ;\n" * (MAX_SYNTAX_ERRORS + 10)
    assert len(syntax_errors(source)) == MAX_SYNTAX_ERRORS


def test_build_errors_reported_with_syntax_errors():
    source = "x;\ny = ;\nfor each foo item in {1}\n{\n}\n"
    found = syntax_errors(source)
    assert [d.line for d in found] == [1, 2, 3]
    assert found[0].message.startswith("Improper statement: an expression")
    assert found[2].message.startswith("Expecting 'in' or 'index'")


def test_misspelled_in_skips_loop_body():
    source = "for each item within {1}\n{\n    info item;\n}\nx = ;"
    found = syntax_errors(source)
    assert [(d.line, d.column) for d in found] == [(1, 15), (5, 5)]
    assert found[0].message == (
        "Expecting 'in' or 'index' after 'for each' but found 'within'"
    )


def test_tree_is_none_after_recovered_error():
    result = parse("x = ;\ny = 1;")
    assert result.tree is None


def test_missing_semicolon_points_at_line_end():
    found = syntax_errors('x = 1;\nname = "Ann"\ninfo name;')
    assert [(d.line, d.column) for d in found] == [(2, 13)]
    assert found[0].source_line == 'name = "Ann"'
    assert "missing ';' at the end of the line" in found[0].message
    assert "found 'info' on line 3" in found[0].message


def test_missing_semicolon_after_multi_line_string():
    found = syntax_errors('note = "first\nsecond"\nx = 1;')
    assert [(d.line, d.column) for d in found] == [(2, 8)]


def test_missing_semicolon_on_same_line_names_token():
    found = syntax_errors("x = 1 2;")
    assert [(d.line, d.column) for d in found] == [(1, 7)]
    assert found[0].message == "Improper statement: expecting ';' but found '2'"


def test_else_without_if():
    found = syntax_errors("x = 1;\nelse\n{\n    info x;\n}\ny = ;")
    assert [(d.line, d.column) for d in found] == [(2, 1), (6, 5)]
    assert found[0].message.startswith("'else' without a matching 'if'")


def test_else_if_after_statement_between():
    source = "x = 1;\nif (x > 0) { info 1; }\nx = 2;\nelse if (x > 1) { info 2; }"
    found = syntax_errors(source)
    assert [(d.line, d.column) for d in found] == [(4, 1)]
    assert found[0].message.startswith("'else' without a matching 'if'")


def test_variable_named_else_is_no_stray_else():
    assert syntax_errors("else = 1;\ninfo else;") == []


def test_while_loop_rejected_with_hint():
    found = syntax_errors("x = 1;\nwhile (x < 3)\n{\n    x = x + 1;\n}\ny = ;")
    assert [(d.line, d.column) for d in found] == [(2, 1), (6, 5)]
    assert found[0].message.startswith("Deluge has no 'while' loop")


def test_switch_rejected_with_hint():
    found = syntax_errors('x = 1;\nswitch (x) { case 1: info "one"; }')
    assert [(d.line, d.column) for d in found] == [(2, 1)]
    assert found[0].message.startswith("Deluge has no 'switch' statement")


def test_c_style_for_reported_once():
    found = syntax_errors("for (i = 0; i < 3; i++)\n{\n    info i;\n}\nx = ;")
    assert [(d.line, d.column) for d in found] == [(1, 1), (5, 5)]
    assert found[0].message.startswith("Deluge has no C-style 'for' loop")


def test_word_operators_rejected_with_hint():
    found = syntax_errors("a = true;\nif (a and false) { info 1; }")
    assert [(d.line, d.column) for d in found] == [(2, 7)]
    assert "'&&'" in found[0].message
    found = syntax_errors("a = true;\nb = a or false;")
    assert [(d.line, d.column) for d in found] == [(2, 7)]
    assert "'||'" in found[0].message


def test_ternary_operator_rejected_with_hint():
    found = syntax_errors("a = 1;\nb = a > 0 ? 1 : 2;")
    assert [(d.line, d.column) for d in found] == [(2, 11)]
    assert "if(condition, value1, value2)" in found[0].message


def test_assignment_to_map_key_rejected_with_hint():
    found = syntax_errors("m = Map();\nm.total = 1;\nx = ;")
    assert [(d.line, d.column) for d in found] == [(2, 9), (3, 5)]
    assert 'm.put("key", value)' in found[0].message


def test_only_comments_and_empty_script_compile():
    assert compile_function("").ok
    assert compile_function("// nothing yet\n/* still\nnothing */\n").ok
    assert compile_function("\n\n   \n").ok


def test_for_each_without_in():
    found = syntax_errors("for each x\n{\n    info x;\n}")
    assert [(d.line, d.column) for d in found] == [(2, 1)]
    assert found[0].message == "Expecting 'in' but found '{'"
    found = syntax_errors("for each index i of {1}\n{\n    info i;\n}")
    assert [(d.line, d.column) for d in found] == [(1, 18)]
    assert found[0].message == "Expecting 'in' but found 'of'"


def test_finally_block_rejected_with_hint():
    source = "try\n{\n    x = 1;\n}\ncatch (e)\n{\n    info e;\n}\nfinally\n{\n}"
    found = syntax_errors(source)
    assert [(d.line, d.column) for d in found] == [(9, 1)]
    assert found[0].message.startswith("Deluge has no 'finally' block")


def test_second_else_rejected():
    source = "x = 1;\nif (x > 0) { info 1; }\nelse { info 2; }\nelse { info 3; }"
    found = syntax_errors(source)
    assert [(d.line, d.column) for d in found] == [(4, 1)]
    assert found[0].message.startswith("'else' without a matching 'if'")


def test_script_ending_inside_expression():
    found = syntax_errors("x = 1;\ninfo x +\n")
    assert [(d.line, d.column) for d in found] == [(2, 9)]
    assert found[0].message == "Incomplete statement: the script ends after '+'"


def test_typed_declaration_rejected_with_hint():
    found = syntax_errors('string name = "Ann";\nMap m = Map();\nx = ;')
    assert [(d.line, d.column) for d in found] == [(1, 1), (2, 1), (3, 5)]
    assert found[0].message == (
        "Deluge has no typed variable declarations; write 'name = ...' without 'string'"
    )
    assert found[1].message.endswith("write 'm = ...' without 'Map'")


def test_elseif_written_as_one_word():
    source = "x = 1;\nif (x > 0) { info 1; }\nelseif (x > 2) { info 2; }"
    found = syntax_errors(source)
    assert [(d.line, d.column) for d in found] == [(3, 1)]
    assert found[0].message == "'elseif' is not a Deluge keyword; write 'else if'"


def test_statement_after_function_definitions():
    source = "map f(map m)\n{\n    return m;\n}\ninfo 1;"
    found = syntax_errors(source)
    assert [(d.line, d.column) for d in found] == [(5, 1)]
    assert found[0].message.startswith("Statement outside a function")
    source = "map f(map m)\n{\n    return m;\n}\nx.put(1);"
    assert [(d.line, d.column) for d in syntax_errors(source)] == [(5, 1)]


def test_function_definition_after_statements():
    source = "info 1;\nmap f(map m)\n{\n    return m;\n}"
    found = syntax_errors(source)
    assert [(d.line, d.column) for d in found] == [(2, 1)]
    assert found[0].message.startswith("A function definition cannot follow")


def test_typed_declaration_after_statements():
    found = syntax_errors('x = 1;\nstring s = "a";')
    assert [(d.line, d.column) for d in found] == [(2, 1)]
    assert found[0].message.endswith("write 's = ...' without 'string'")


def test_missing_semicolon_before_closing_brace():
    found = syntax_errors("x = 1;\nif (x > 0) { x = 2 }\ninfo x;")
    assert [(d.line, d.column) for d in found] == [(2, 19)]
    assert found[0].message == "Improper statement: missing ';' before '}'"


def test_error_right_after_recovery_has_no_crash():
    # After recovery empties the value stack, the next error has no
    # statement to name; these token soups once raised IndexError.
    for source in (
        "% string ; m for .clean(1) else throw ; % do switch else else - GET",
        "void g() - ; , + invokeurl : map == and string from 1 else thisapp",
    ):
        found = syntax_errors(source)
        assert found
        assert all(d.line >= 1 and d.column >= 1 for d in found)
