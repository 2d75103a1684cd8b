"""Turn the Lark parse tree into the nodes of ``compiler.nodes``."""

from __future__ import annotations

import re

from lark import Token, Transformer, v_args

from compiler import nodes as n

_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "'": "'",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)


def unescape(body: str) -> str:
    """Decode the backslash escapes of a double-quoted string body.

    An unknown escape keeps its backslash, so ``"C:\\dir"``-style text that
    real scripts carry stays as written.
    """

    def replace(match: re.Match) -> str:
        code = match.group(1)
        if len(code) == 5 and code[0] == "u":
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, "\\" + code)

    return _ESCAPE.sub(replace, body)


class BuildError(Exception):
    """A construct that parsed but is not valid Deluge, at a position."""

    def __init__(self, line: int, column: int, message: str, kind: str = "syntax"):
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
        self.kind = kind


def _pos(meta, children=()) -> tuple[int, int]:
    if not getattr(meta, "empty", True):
        return meta.line, meta.column
    for child in children:
        if isinstance(child, Token):
            return child.line, child.column
        if isinstance(child, n.Node):
            return child.line, child.column
    return 1, 1


def _exprs(children) -> list:
    return [c for c in children if not isinstance(c, Token)]


@v_args(meta=True)
class TreeBuilder(Transformer):
    """Build ``compiler.nodes`` from a parse tree; one instance per parse."""

    def __init__(self):
        super().__init__()
        self.warnings: list[tuple[int, int, str]] = []

    # Top level

    def functions(self, meta, children):
        return list(children)

    def body(self, meta, children):
        return [c for c in children if c is not None]

    def funcdef(self, meta, children):
        return_type, qualname = children[0], children[1]
        params = [c for c in children[2:-1] if c is not None]
        body = children[-1]
        return n.FunctionDef(
            return_type.line,
            return_type.column,
            str(return_type).lower(),
            qualname,
            params,
            body,
        )

    def qualname(self, meta, children):
        return ".".join(str(c) for c in children)

    def param(self, meta, children):
        type_token, name = children
        return n.Param(str(type_token).lower(), str(name), name.line, name.column)

    def block(self, meta, children):
        return [c for c in children[1:-1] if c is not None]

    # Statements

    def assign(self, meta, children):
        name, value = children
        return n.Assign(name.line, name.column, str(name), value)

    def aug_assign(self, meta, children):
        name, op, value = children
        return n.AugAssign(name.line, name.column, str(name), str(op)[0], value)

    def expr_stmt(self, meta, children):
        (value,) = children
        if not isinstance(value, (n.Call, n.MethodCall, n.Task, n.FormQuery)):
            raise BuildError(
                value.line,
                value.column,
                "Improper statement: an expression on its own must be a call; "
                "assign its value to a variable or remove it",
            )
        return n.ExprStatement(value.line, value.column, value)

    def if_stmt(self, meta, children):
        keyword, condition, body = children[0], children[1], children[2]
        branches = [(condition, body)]
        orelse = None
        if len(children) > 3:
            more_branches, orelse = children[3]
            branches.extend(more_branches)
        return n.If(keyword.line, keyword.column, branches, orelse)

    def else_block(self, meta, children):
        return [], children[1]

    def else_if(self, meta, children):
        condition, body = children[2], children[3]
        branches = [(condition, body)]
        orelse = None
        if len(children) > 4:
            more_branches, orelse = children[4]
            branches.extend(more_branches)
        return branches, orelse

    def condition(self, meta, children):
        return children[0]

    def single_equals(self, meta, children):
        left, right = children
        self.warnings.append(
            (
                left.line,
                left.column,
                "'=' in a condition is read as '=='; write '==' to compare",
            )
        )
        return n.Binary(left.line, left.column, "==", left, right)

    def foreach(self, meta, children):
        keyword, _each, var, _in, iterable, body = children
        return n.ForEach(keyword.line, keyword.column, str(var), iterable, body)

    def foreach_index(self, meta, children):
        keyword, _each, word, var, _in, iterable, body = children
        if str(word).lower() != "index":
            raise BuildError(
                word.line,
                word.column,
                f"Expecting 'in' or 'index' after 'for each' but found '{word}'",
            )
        return n.ForEach(
            keyword.line, keyword.column, str(var), iterable, body, index=True
        )

    def break_stmt(self, meta, children):
        return n.Break(children[0].line, children[0].column)

    def continue_stmt(self, meta, children):
        return n.Continue(children[0].line, children[0].column)

    def return_stmt(self, meta, children):
        keyword = children[0]
        value = children[1] if len(children) > 1 else None
        return n.Return(keyword.line, keyword.column, value)

    def info_stmt(self, meta, children):
        keyword, value = children
        return n.Info(keyword.line, keyword.column, value)

    def throw_stmt(self, meta, children):
        keyword, value = children
        return n.Throw(keyword.line, keyword.column, value)

    def try_stmt(self, meta, children):
        keyword, body, _catch, var, handler = children
        return n.Try(
            keyword.line, keyword.column, body, str(var), handler, var.line, var.column
        )

    def creator_alert(self, meta, children):
        return n.CreatorOnly(children[0].line, children[0].column, "alert")

    def creator_reload(self, meta, children):
        return n.CreatorOnly(children[0].line, children[0].column, "reload")

    def creator_insert(self, meta, children):
        return n.CreatorOnly(children[0].line, children[0].column, "insert into")

    def creator_field(self, meta, children):
        return None

    def empty_stmt(self, meta, children):
        return None

    # Expressions

    def _chain(self, children, node_type):
        result = children[0]
        for i in range(1, len(children), 2):
            op, right = children[i], children[i + 1]
            result = node_type(result.line, result.column, str(op), result, right)
        return result

    def or_expr(self, meta, children):
        return self._chain(children, n.Logic)

    and_expr = or_expr

    def eq_expr(self, meta, children):
        return self._chain(children, n.Binary)

    rel_expr = add_expr = mul_expr = eq_expr

    def unary(self, meta, children):
        op, operand = children
        if str(op) == "-" and isinstance(operand, (n.Number, n.Decimal)):
            operand.value = -operand.value
            operand.line, operand.column = op.line, op.column
            return operand
        return n.Unary(op.line, op.column, str(op), operand)

    def member(self, meta, children):
        receiver, name = children
        return n.Member(receiver.line, receiver.column, receiver, str(name))

    def method_call(self, meta, children):
        receiver, name, args = children
        dotted = _dotted_name(receiver)
        if dotted is not None and dotted.split(".")[0].lower() == "zoho":
            # zoho.encryption.base64Encode(x) is a qualified function, not a
            # method of a value called zoho.
            return n.Call(receiver.line, receiver.column, f"{dotted}.{name}", args)
        return n.MethodCall(name.line, name.column, receiver, str(name), args)

    def call_args(self, meta, children):
        return [c for c in children if c is not None]

    def kv_arg(self, meta, children):
        key, value = children
        return n.KeyValueArg(key.line, key.column, key, value)

    def number(self, meta, children):
        token = children[0]
        return n.Number(token.line, token.column, int(token))

    def decimal(self, meta, children):
        token = children[0]
        text = str(token)
        if text.endswith("."):
            text += "0"
        return n.Decimal(token.line, token.column, float(text))

    def string(self, meta, children):
        token = children[0]
        return n.Text(token.line, token.column, unescape(str(token)[1:-1]))

    def squoted(self, meta, children):
        token = children[0]
        return n.DateLiteral(token.line, token.column, str(token)[1:-1])

    def true(self, meta, children):
        return n.Boolean(children[0].line, children[0].column, True)

    def false(self, meta, children):
        return n.Boolean(children[0].line, children[0].column, False)

    def null(self, meta, children):
        return n.Null(children[0].line, children[0].column)

    def name(self, meta, children):
        token = children[0]
        return n.Name(token.line, token.column, str(token))

    def call(self, meta, children):
        name, args = children
        return n.Call(name.line, name.column, str(name), args)

    def if_expr(self, meta, children):
        keyword, condition, then, otherwise = children
        return n.IfExpr(keyword.line, keyword.column, condition, then, otherwise)

    def typed_list(self, meta, children):
        token, args = children
        element_type = str(token).split(":", 1)[1].strip()
        return n.TypedList(token.line, token.column, element_type, args)

    def brace_literal(self, meta, children):
        opener = children[0]
        inner = children[1] if len(children) > 2 else None
        if inner is None:
            return n.EmptyCollection(opener.line, opener.column)
        kind, items = inner
        if kind == "map":
            return n.MapLiteral(opener.line, opener.column, items)
        return n.ListLiteral(opener.line, opener.column, items)

    def bracket_list(self, meta, children):
        line, column = _pos(meta, children)
        items = children[0] if children and children[0] is not None else None
        return n.ListLiteral(line, column, items[1] if items else [])

    def list_items(self, meta, children):
        return "list", _exprs(children)

    def map_items(self, meta, children):
        return "map", _exprs(children)

    def map_item(self, meta, children):
        key, value = children
        return key, value

    def paren(self, meta, children):
        return children[0]

    def task(self, meta, children):
        name = children[0]
        params = [c for c in children[1:] if c is not None]
        return n.Task(name.line, name.column, str(name).lower(), params)

    def task_param(self, meta, children):
        key, value = children[0], children[1]
        text = " ".join(str(key).rstrip(":").split()).lower()
        return n.TaskParam(key.line, key.column, text, value)

    def form_query(self, meta, children):
        name, criteria = children
        return n.FormQuery(name.line, name.column, str(name), criteria)


def _dotted_name(node) -> str | None:
    """Return ``a.b.c`` for a chain of plain member accesses on a name."""
    if isinstance(node, n.Name):
        return node.name
    if isinstance(node, n.Member):
        base = _dotted_name(node.receiver)
        return None if base is None else f"{base}.{node.name}"
    return None
