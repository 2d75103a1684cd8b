"""Constructors for the Python ``ast`` nodes the lowering emits, with positions.

Every node gets its ``lineno`` and ``col_offset`` when it is built, from an
``at`` pair (Deluge line, 0-based column), so the module needs no
``ast.fix_missing_locations`` walk before ``compile()``. End positions stay
unset, which ``compile()`` accepts.
"""

from __future__ import annotations

import ast

LOAD = ast.Load()
STORE = ast.Store()


def position(node) -> tuple[int, int]:
    """Return the ``at`` pair of a Deluge node (1-based column to 0-based)."""
    column = node.column - 1
    return node.line, max(0, column)


def place(node, at):
    node.lineno, node.col_offset = at
    return node


def name(identifier: str, at) -> ast.Name:
    node = ast.Name(identifier, LOAD)
    node.lineno, node.col_offset = at
    return node


def store(identifier: str, at) -> ast.Name:
    node = ast.Name(identifier, STORE)
    node.lineno, node.col_offset = at
    return node


def const(value, at) -> ast.Constant:
    node = ast.Constant(value)
    node.lineno, node.col_offset = at
    return node


def call(helper: str, at, *args) -> ast.Call:
    node = ast.Call(name(helper, at), list(args), [])
    node.lineno, node.col_offset = at
    return node


def call_args(helper: str, at, args: list) -> ast.Call:
    node = ast.Call(name(helper, at), args, [])
    node.lineno, node.col_offset = at
    return node


def tuple_of(items: list, at) -> ast.Tuple:
    node = ast.Tuple(items, LOAD)
    node.lineno, node.col_offset = at
    return node


def attribute(value: ast.expr, attr: str, at, store_to: bool = False) -> ast.Attribute:
    node = ast.Attribute(value, attr, STORE if store_to else LOAD)
    node.lineno, node.col_offset = at
    return node


def assign(target: str, value: ast.expr, at) -> ast.Assign:
    node = ast.Assign([store(target, at)], value)
    node.lineno, node.col_offset = at
    return node


def expression_statement(value: ast.expr, at) -> ast.Expr:
    node = ast.Expr(value)
    node.lineno, node.col_offset = at
    return node


def binary(left: ast.expr, op: ast.operator, right: ast.expr, at) -> ast.BinOp:
    node = ast.BinOp(left, op, right)
    node.lineno, node.col_offset = at
    return node


def compare(left: ast.expr, op: ast.cmpop, right: ast.expr, at) -> ast.Compare:
    node = ast.Compare(left, [op], [right])
    node.lineno, node.col_offset = at
    return node


def if_expression(test, body, orelse, at) -> ast.IfExp:
    node = ast.IfExp(test, body, orelse)
    node.lineno, node.col_offset = at
    return node


def walrus(target: str, value: ast.expr, at) -> ast.NamedExpr:
    node = ast.NamedExpr(store(target, at), value)
    node.lineno, node.col_offset = at
    return node
