"""The generated tree and namespace give a script no way into Python."""

import ast

import pytest

from compiler.validate import UnsafeTreeError, validate
from runtime.namespace import build_namespace
from tests.compiler.helpers import compile_ok, run


def test_method_names_never_become_attributes():
    result = compile_ok(
        "y = x.__class__();\nz = x.toUpperCase();", parameters=[("x", None)]
    )
    attributes = {n.attr for n in ast.walk(result.tree) if isinstance(n, ast.Attribute)}
    assert attributes <= {"statements", "next_check", "tick"}


def test_dunder_method_is_a_deluge_error():
    result = run("y = x.__class__();", parameters=[("x", None)], arguments={"x": "a"})
    assert result.error is not None
    assert "__class__" in result.error


def test_namespace_has_no_dangerous_builtins():
    namespace = build_namespace()
    for name in (
        "getattr",
        "type",
        "eval",
        "exec",
        "open",
        "__import__",
        "compile",
        "globals",
        "vars",
        "setattr",
    ):
        assert name not in namespace["__builtins__"]
        assert name not in namespace


def test_no_helper_starts_with_variable_prefix():
    assert not [n for n in build_namespace() if n.startswith("v_")]


def test_variable_named_like_helper_cannot_shadow_it():
    result = run("op_add = 2;\nctx = 5;\nreturn op_add + ctx;")
    assert result.output == 7


def test_validator_rejects_unknown_node_types():
    tree = ast.parse("import os")
    with pytest.raises(UnsafeTreeError):
        validate(tree)


def test_validator_rejects_attribute_from_anywhere():
    tree = ast.parse("def deluge_main(ctx):\n    return v_x.__class__")
    with pytest.raises(UnsafeTreeError):
        validate(tree)


def test_validator_rejects_foreign_names():
    tree = ast.parse("def deluge_main(ctx):\n    return getattr")
    with pytest.raises(UnsafeTreeError):
        validate(tree)


def test_validator_rejects_lambda_and_comprehension():
    for text in (
        "def deluge_main(ctx):\n    return lambda: 1",
        "def deluge_main(ctx):\n    return [v_a for v_a in v_b]",
    ):
        with pytest.raises(UnsafeTreeError):
            validate(ast.parse(text))


def test_text_reaches_tree_only_as_constants():
    result = compile_ok("x = \"__import__('os')\";\nreturn x;")
    constants = [n.value for n in ast.walk(result.tree) if isinstance(n, ast.Constant)]
    assert "__import__('os')" in constants
    names = {n.id for n in ast.walk(result.tree) if isinstance(n, ast.Name)}
    assert "__import__" not in names


def test_python_errors_never_reach_caller_as_traceback():
    result = run("return x;", parameters=[("x", None)], arguments={"x": None})
    assert result.error is None
