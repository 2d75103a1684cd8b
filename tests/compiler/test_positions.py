"""Deluge lines of runtime errors and of generated nodes."""

import ast

from tests.compiler.helpers import compile_ok, run


def test_runtime_error_reports_deluge_line():
    source = "\nx = 1;\n\ny = x / 0;\n"
    result = run(source)
    assert result.line == 4
    assert result.error == "Division by zero (Line no: 4)"


def test_error_inside_loop_reports_its_line():
    source = "\nl = {1, 0};\nfor each d in l\n{\n    r = 10 / d;\n}\n"
    assert run(source).line == 5


def test_generated_statements_carry_deluge_lines():
    source = "\na = 1;\n\nb = a + 2;\ninfo b;\n"
    tree = compile_ok(source).tree
    main = tree.body[0]
    assigned = {
        node.targets[0].id: node.lineno
        for node in ast.walk(main)
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    assert assigned == {"v_a": 2, "v_b": 4}


def test_python_source_tags_deluge_lines():
    source = "\na = 1;\ninfo a;\n"
    text = compile_ok(source).python_source
    assert "v_a = 1  # Deluge line 2" in text
    assert "info(ctx, v_a)  # Deluge line 3" in text


def test_caught_line_number_of_throw():
    source = '\ntry\n{\n    throw "x";\n}\ncatch (e)\n{\n    return e.lineNo;\n}\n'
    assert run(source).output == 4


def test_limit_error_has_line():
    from runtime import Limits

    source = (
        "\nl = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};\nfor each a in l\n{\n    b = a;\n}\n"
    )
    result = run(source, limits=Limits(statements=5))
    assert result.limit == "statements"
    assert result.line == 5
    assert "(Line no:" in result.error
