"""The generated tree passes the allow-list, and nothing else gets through."""

import ast
import copy
import glob
import json
from pathlib import Path

import pytest

from compiler import compile_function
from compiler.validate import ALLOWED_ATTRIBUTES, UnsafeTreeError, validate

REPOSITORY = Path(__file__).resolve().parents[2]
# Method and variable names that would be dangerous as Python attributes.
ATTACK_SOURCE = """
x = "abc";
__class__ = x;
y = x.toUpperCase();
z = ifNull(__class__, "a");
l = List();
l.add(y);
m = Map();
m.put("__globals__", l);
for each item in l
{
    info item.length();
}
try
{
    throw "boom";
}
catch (e)
{
    info e.message + e.lineNo;
}
return m.get("__globals__");
"""


def conformance_scripts() -> list[str]:
    path = REPOSITORY / "tests" / "data" / "conformance.jsonl"
    scripts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            script = case.get("script") or case.get("source")
            if isinstance(script, str):
                scripts.append(script)
    return scripts


def example_scripts() -> list[str]:
    return [
        Path(p).read_text(encoding="utf-8")
        for p in sorted(
            glob.glob(str(REPOSITORY / "examples" / "**" / "*.dg"), recursive=True)
        )
    ]


def compiled_trees():
    sources = [ATTACK_SOURCE] + conformance_scripts() + example_scripts()
    trees = []
    for source in sources:
        result = compile_function(source)
        if result.ok:
            trees.append(result.tree)
    return trees


def test_corpus_compiles_enough_trees():
    assert len(compiled_trees()) > 50


def test_attributes_only_on_context_counters():
    for tree in compiled_trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                assert node.attr in ALLOWED_ATTRIBUTES
                assert isinstance(node.value, ast.Name)
                assert node.value.id == "ctx"


def test_method_names_are_constants():
    tree = compile_function(ATTACK_SOURCE).tree
    constants = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
    assert {"touppercase", "add", "put", "length", "get"} <= constants
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert "v___class__" in names
    assert "__class__" not in names
    assert "__globals__" not in names


def test_no_generator_lambda_or_import_nodes():
    forbidden = (
        ast.Yield,
        ast.YieldFrom,
        ast.Await,
        ast.Lambda,
        ast.Import,
        ast.ImportFrom,
        ast.Global,
        ast.Nonlocal,
        ast.With,
        ast.While,
        ast.ClassDef,
        ast.Subscript,
        ast.Starred,
        ast.JoinedStr,
    )
    for tree in compiled_trees():
        assert not [n for n in ast.walk(tree) if isinstance(n, forbidden)]


FORBIDDEN_SNIPPETS = {
    "import": "import os",
    "import from": "from os import system",
    "subscript": "v_x[0]",
    "starred call": "call_method(*v_x)",
    "keyword call": "info(ctx, value=v_x)",
    "f-string": "f'{v_x}'",
    "lambda": "lambda: 1",
    "generator": "(v_a for v_a in v_x)",
    "list comprehension": "[v_a for v_a in v_x]",
    "yield": "def fn_g(ctx):\n    yield 1",
    "await": "async def fn_g(ctx):\n    await v_x",
    "with": "with v_x:\n    pass",
    "while": "while True:\n    pass",
    "class": "class fn_C:\n    pass",
    "global": "def fn_g(ctx):\n    global v_x",
    "delete": "del v_x",
    "set": "{1, 2}",
    "power": "2 ** 100",
    "bit shift": "1 << 100",
    "matrix multiply": "v_x @ v_x",
    "slice": "v_x[1:2]",
    "assert": "assert v_x",
    "dunder attribute": "v_x.__class__",
    "attribute of helper": "op_add.__globals__",
    "attribute of context": "ctx.limits",
    "context attribute via name": "ctx.__dict__",
    "builtin getattr": "getattr(v_x, 'y')",
    "builtin type": "type(v_x)",
    "builtin eval": "eval('1')",
    "builtin open": "open('/etc/passwd')",
    "dunder import": "__import__('os')",
    "dunder builtins": "__builtins__",
    "foreign function name": "def evil(ctx):\n    pass",
    "decorated function": "@info\ndef fn_g(ctx):\n    pass",
    "bare except": "try:\n    pass\nexcept:\n    pass",
    "except Exception": "try:\n    pass\nexcept Exception:\n    pass",
    "except BaseException": "try:\n    pass\nexcept BaseException:\n    pass",
    "except LimitExceeded": "try:\n    pass\nexcept LimitExceeded:\n    pass",
    "bytes constant": "b'x'",
    "ellipsis constant": "...",
    "walrus on helper": "(op_add := 1)",
    "assign to helper": "op_add = 1",
    "assign to context": "ctx = 1",
    "assign to generated function": "fn_g = 1",
    "for target helper": "for info in v_x:\n    pass",
    "except as helper": "try:\n    pass\nexcept DelugeError as thrown:\n    pass",
    "parameter named like helper": "def fn_g(ctx, op_add):\n    pass",
    "parameter named tmp": "def fn_g(ctx, tmp_1):\n    pass",
    "parameter annotation": "def fn_g(ctx, v_a: open('x')):\n    pass",
    "return annotation": "def fn_g(ctx) -> open('x'):\n    pass",
    "parameter default": "def fn_g(ctx, v_a=open('x')):\n    pass",
    "keyword-only parameter": "def fn_g(ctx, *, op_add):\n    pass",
    "star parameter": "def fn_g(ctx, *info):\n    pass",
    "nested function": "def fn_g(ctx):\n    def fn_h(ctx):\n        pass",
    "raise from": "raise thrown(v_x) from op_add",
    "try finally": "try:\n    pass\nfinally:\n    pass",
    "try else": "try:\n    pass\nexcept DelugeError:\n    pass\nelse:\n    pass",
}


@pytest.mark.parametrize("label", sorted(FORBIDDEN_SNIPPETS))
def test_validator_rejects_forbidden_snippet(label):
    text = FORBIDDEN_SNIPPETS[label]
    if not text.startswith(("def ", "async ", "class ", "@", "import", "from")):
        text = "def deluge_main(ctx):\n    " + text.replace("\n", "\n    ")
    with pytest.raises(UnsafeTreeError):
        validate(ast.parse(text))


def test_walrus_on_helper_rejected():
    # A helper name is allowed when read; as a store target it would replace
    # the helper for the rest of the module.
    tree = ast.parse("def deluge_main(ctx):\n    op_add = 1\n    return op_add")
    with pytest.raises(UnsafeTreeError):
        validate(tree)


def test_validator_rejects_spliced_node_in_real_tree():
    # Insert a forbidden node into a tree the compiler built and validated.
    result = compile_function('x = "a";\nreturn x;')
    for bad in (
        ast.Attribute(
            value=ast.Name(id="v_x", ctx=ast.Load()), attr="__class__", ctx=ast.Load()
        ),
        ast.Subscript(
            value=ast.Name(id="v_x", ctx=ast.Load()),
            slice=ast.Constant(value=0),
            ctx=ast.Load(),
        ),
        ast.Name(id="getattr", ctx=ast.Load()),
        ast.Constant(value=b"bytes"),
        ast.Lambda(
            args=ast.arguments(
                posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]
            ),
            body=ast.Constant(value=1),
        ),
    ):
        tree = copy.deepcopy(result.tree)
        function = tree.body[0]
        function.body.insert(0, ast.Expr(value=bad))
        with pytest.raises(UnsafeTreeError):
            validate(tree)


def test_validator_accepts_real_trees():
    for tree in compiled_trees():
        validate(tree)
