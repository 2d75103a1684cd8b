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
    assert [(d.line, d.column) for d in found] == [(1, 22), (5, 5)]


def test_tree_is_none_after_recovered_error():
    result = parse("x = ;\ny = 1;")
    assert result.tree is None
