"""The allow-list check that every generated tree passes before ``compile()``.

Only the node types the lowering emits are allowed, attribute access is
allowed only for the counter fields of the execution context, and every
name is either a Deluge variable (``v_`` prefix), a temporary, a generated
function, ``ctx`` or a runtime helper of ``runtime.namespace``. Only Deluge
variables, temporaries and the module tables may be assigned, and only
``ctx`` and Deluge variables may be parameters, so no generated code can
rebind a helper.
"""

from __future__ import annotations

import ast

from runtime.namespace import HELPERS, MINIMAL_BUILTINS

ALLOWED_NODES = (
    ast.Module, ast.FunctionDef, ast.arguments, ast.arg, ast.Return, ast.Assign,
    ast.AugAssign, ast.For, ast.If, ast.Try, ast.ExceptHandler, ast.Raise,
    ast.Expr, ast.Pass, ast.Break, ast.Continue, ast.BoolOp, ast.BinOp,
    ast.UnaryOp, ast.IfExp, ast.NamedExpr, ast.Compare, ast.Call, ast.Constant,
    ast.Attribute, ast.Name, ast.List, ast.Tuple, ast.Dict, ast.Load, ast.Store,
    ast.And, ast.Or, ast.Not, ast.Add, ast.Sub, ast.Mult, ast.Eq, ast.NotEq,
    ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot,
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"statements", "next_check", "tick"}
_FIXED_NAMES = set(HELPERS) | set(MINIMAL_BUILTINS) | {
    "ctx", "deluge_main", "deluge_parameters", "deluge_function_names",
    "deluge_bound_methods", "deluge_bound_functions",
}  # fmt: skip
# bm_ and bf_ names are the call sites that runtime.dispatch.bind_methods
# defines.
_PREFIXES = ("v_", "tmp_", "fn_", "bm_", "bf_")
_TARGET_PREFIXES = ("v_", "tmp_")
_MODULE_TABLES = {
    "deluge_parameters",
    "deluge_function_names",
    "deluge_bound_methods",
    "deluge_bound_functions",
}


class UnsafeTreeError(Exception):
    """The generated tree contains a node the allow-list rejects (a compiler bug)."""


# Fields that hold text, not child nodes, in the allowed node types.
_TEXT_FIELDS = {"name", "type_comment", "arg", "attr", "id", "kind"}
_CHILD_FIELDS = {
    cls: tuple(f for f in cls._fields if f not in _TEXT_FIELDS)
    for cls in ALLOWED_NODES
    if cls is not ast.Constant
}
_CONSTANT_TYPES = (str, int, float, bool, type(None))


def validate(tree: ast.AST) -> None:
    """Raise ``UnsafeTreeError`` unless every node of ``tree`` is allowed.

    The walk is an explicit stack over the fields of the allowed node types,
    because ``ast.walk`` costs as much as ``compile()`` on large modules. A
    node of any other type, a subclass included, is rejected.
    """
    stack = [tree]
    pop = stack.pop
    push = stack.append
    extend = stack.extend
    names_seen: set = set()
    targets_seen: set = set()
    # Functions may only be defined at module level; a nested one is counted
    # against this number when the walk ends.
    module_functions = 0
    if type(tree) is ast.Module:
        module_functions = sum(type(n) is ast.FunctionDef for n in tree.body)
    functions_seen = 0
    while stack:
        node = pop()
        cls = type(node)
        if cls is ast.Name:
            identifier = node.id
            if identifier not in names_seen:
                _check_name(identifier)
                names_seen.add(identifier)
            context = type(node.ctx)
            if context is ast.Store:
                if identifier not in targets_seen:
                    _check_target(identifier)
                    targets_seen.add(identifier)
            elif context is not ast.Load:
                raise UnsafeTreeError(f"name context {context.__name__} is not allowed")
            continue
        if cls is ast.Constant:
            if not isinstance(node.value, _CONSTANT_TYPES):
                raise UnsafeTreeError(f"constant of type {type(node.value).__name__}")
            continue
        fields = _CHILD_FIELDS.get(cls)
        if fields is None:
            raise UnsafeTreeError(f"node type {cls.__name__} is not allowed")
        if cls is ast.Attribute:
            value = node.value
            if node.attr not in ALLOWED_ATTRIBUTES or not (
                type(value) is ast.Name and value.id == "ctx"
            ):
                raise UnsafeTreeError(f"attribute access .{node.attr} is not allowed")
        elif cls is ast.arg:
            if node.arg != "ctx":
                _check_target(node.arg, allowed=("v_",))
        elif cls is ast.FunctionDef:
            functions_seen += 1
            if node.name != "deluge_main" and not node.name.startswith("fn_"):
                raise UnsafeTreeError(f"function name {node.name} is not allowed")
            if node.decorator_list:
                raise UnsafeTreeError("decorators are not allowed")
        elif cls is ast.Try:
            # A return in a finally block would swallow LimitExceeded.
            if node.finalbody or node.orelse:
                raise UnsafeTreeError("try with finally or else is not allowed")
        elif cls is ast.Raise:
            if node.cause is not None:
                raise UnsafeTreeError("raise ... from is not allowed")
        elif cls is ast.ExceptHandler:
            handled = node.type
            if not (type(handled) is ast.Name and handled.id == "DelugeError"):
                raise UnsafeTreeError("only DelugeError may be caught")
            if node.name is not None:
                _check_target(node.name)
        for field in fields:
            value = getattr(node, field, None)
            if type(value) is list:
                extend(value)
            elif value is not None:
                push(value)
    if functions_seen > module_functions:
        raise UnsafeTreeError("nested function definitions are not allowed")


def _check_target(name: str, allowed: tuple = _TARGET_PREFIXES) -> None:
    """Reject binding ``name`` unless it is a variable or temporary."""
    if name in _MODULE_TABLES and allowed is _TARGET_PREFIXES:
        return
    if name.startswith(allowed) and name.isidentifier():
        return
    raise UnsafeTreeError(f"binding the name {name} is not allowed")


def _check_name(name: str) -> None:
    if name in _FIXED_NAMES:
        return
    if name.startswith(_PREFIXES) and name.isidentifier():
        return
    raise UnsafeTreeError(f"name {name} is not allowed")
