"""Build the nodes of ``compiler.nodes`` on each reduction of the parser."""

from __future__ import annotations

import re
import threading

from lark import Transformer

from compiler import nodes as n
from compiler.lexer import Token
from runtime.surrogates import well_formed

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
_SINGLE_EQUALS = "'=' in a condition is read as '=='; write '==' to compare"
# Digits past which an integer literal is reported without converting it.
_MAX_NUMBER_DIGITS = 100
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

    text = _ESCAPE.sub(replace, body)
    # "\ud83d\ude00" is one character written as two UTF-16 halves.
    return well_formed(text) if "\\u" in body else text


class BuildFindings(threading.local):
    """Errors and warnings of the parse running on this thread.

    The parser, and so the builder, is shared by every thread of the process,
    so ``compiler.parser`` resets these lists before each parse.
    """

    def __init__(self):
        self.errors: list[tuple[int, int, str]] = []
        self.warnings: list[tuple[int, int, str]] = []


def _exprs(children) -> list:
    return [c for c in children if not isinstance(c, Token)]


class TreeBuilder(Transformer):
    """Build ``compiler.nodes`` while Lark parses, with no parse tree between.

    ``compiler.lalr`` calls these methods on each reduction, through the
    callbacks Lark builds from this transformer. A construct that parses but
    is not valid Deluge goes to ``findings.errors``, and the method still
    returns a node so that the parse goes on and reports the errors after it.
    """

    def __init__(self):
        super().__init__()
        self.findings = BuildFindings()

    def error(self, line: int, column: int, message: str) -> None:
        self.findings.errors.append((line, column, message))

    # Top level

    def functions(self, children):
        return list(children)

    def body(self, children):
        return [c for c in children if c is not None]

    def funcdef(self, children):
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

    def qualname(self, children):
        return ".".join(str(c) for c in children)

    def param(self, children):
        type_token, name = children
        return n.Param(str(type_token).lower(), str(name), name.line, name.column)

    def block(self, children):
        return [c for c in children[1:-1] if c is not None]

    # Statements

    def assign(self, children):
        name, value = children
        return n.Assign(name.line, name.column, str(name), value)

    def aug_assign(self, children):
        name, op, value = children
        return n.AugAssign(name.line, name.column, str(name), str(op)[0], value)

    def expr_stmt(self, children):
        (value,) = children
        if not isinstance(value, (n.Call, n.MethodCall, n.Task, n.FormQuery)):
            self.error(
                value.line,
                value.column,
                "Improper statement: an expression on its own must be a call; "
                "assign its value to a variable or remove it",
            )
        return n.ExprStatement(value.line, value.column, value)

    def if_stmt(self, children):
        keyword, condition, body = children[0], children[1], children[2]
        branches = [(condition, body)]
        orelse = None
        if len(children) > 3:
            more_branches, orelse = children[3]
            branches.extend(more_branches)
        return n.If(keyword.line, keyword.column, branches, orelse)

    def else_block(self, children):
        return [], children[1]

    def else_if(self, children):
        condition, body = children[2], children[3]
        branches = [(condition, body)]
        orelse = None
        if len(children) > 4:
            more_branches, orelse = children[4]
            branches.extend(more_branches)
        return branches, orelse

    def condition(self, children):
        return children[0]

    def foreach(self, children):
        keyword, _each, var, _in, iterable, body = children
        return n.ForEach(
            keyword.line, keyword.column, str(var), iterable, body,
            var_line=var.line, var_column=var.column,
        )  # fmt: skip

    def foreach_index(self, children):
        keyword, _each, word, var, _in, iterable, body = children
        if str(word).lower() != "index":
            self.error(
                word.line,
                word.column,
                f"Expecting 'in' or 'index' after 'for each' but found '{word}'",
            )
        return n.ForEach(
            keyword.line, keyword.column, str(var), iterable, body, index=True,
            var_line=var.line, var_column=var.column,
        )  # fmt: skip

    def break_stmt(self, children):
        return n.Break(children[0].line, children[0].column)

    def continue_stmt(self, children):
        return n.Continue(children[0].line, children[0].column)

    def return_stmt(self, children):
        keyword = children[0]
        value = children[1] if len(children) > 1 else None
        return n.Return(keyword.line, keyword.column, value)

    def info_stmt(self, children):
        keyword, value = children
        return n.Info(keyword.line, keyword.column, value)

    def throw_stmt(self, children):
        keyword, value = children
        return n.Throw(keyword.line, keyword.column, value)

    def try_stmt(self, children):
        keyword, body, _catch, var, handler = children
        return n.Try(
            keyword.line, keyword.column, body, str(var), handler, var.line, var.column
        )

    def creator_alert(self, children):
        return n.CreatorOnly(children[0].line, children[0].column, "alert")

    def creator_reload(self, children):
        return n.CreatorOnly(children[0].line, children[0].column, "reload")

    def creator_insert(self, children):
        return n.CreatorOnly(children[0].line, children[0].column, "insert into")

    def creator_field(self, children):
        return None

    def empty_stmt(self, children):
        return None

    # Expressions

    def _chain(self, children, node_type):
        result = children[0]
        for i in range(1, len(children), 2):
            op, right = children[i], children[i + 1]
            result = node_type(result.line, result.column, str(op), result, right)
        return result

    def or_expr(self, children):
        return self._chain(children, n.Logic)

    and_expr = or_expr

    def eq_expr(self, children):
        for i in range(1, len(children), 2):
            op = children[i]
            if op.type == "EQOP" and op.value == "=":
                # The parser passes `=` as EQOP inside an `if` condition; the
                # warning points at the left operand of that `=`.
                left = children[i - 1]
                self.findings.warnings.append((left.line, left.column, _SINGLE_EQUALS))
                op.value = "=="
        return self._chain(children, n.Binary)

    def rel_expr(self, children):
        return self._chain(children, n.Binary)

    add_expr = mul_expr = rel_expr

    def unary(self, children):
        op, operand = children
        if str(op) == "-" and isinstance(operand, (n.Number, n.Decimal)):
            operand.value = -operand.value
            operand.line, operand.column = op.line, op.column
            return operand
        return n.Unary(op.line, op.column, str(op), operand)

    def member(self, children):
        receiver, name = children
        return n.Member(receiver.line, receiver.column, receiver, str(name))

    def method_call(self, children):
        receiver, name, args = children
        dotted = _dotted_name(receiver)
        if dotted is not None and _is_zoho_task(dotted):
            # zoho.encryption.base64Encode(x) is a qualified function, not a
            # method of a value called zoho.
            return n.Call(receiver.line, receiver.column, f"{dotted}.{name}", args)
        return n.MethodCall(name.line, name.column, receiver, str(name), args)

    def call_args(self, children):
        return [c for c in children if c is not None]

    def kv_arg(self, children):
        key, value = children
        return n.KeyValueArg(key.line, key.column, key, value)

    def number(self, children):
        token = children[0]
        text = str(token)
        if len(text) > _MAX_NUMBER_DIGITS:
            # int() of thousands of digits is slow and may raise, and no such
            # literal fits a NUMBER anyway.
            self.error(
                token.line,
                token.column,
                f"The number {text[:20]}... ({len(text)} digits) does not fit a "
                "64-bit NUMBER; write it as a decimal, with a '.0' at its end",
            )
            return n.Number(token.line, token.column, 0)
        return n.Number(token.line, token.column, int(text))

    def decimal(self, children):
        token = children[0]
        text = str(token)
        if text.endswith("."):
            text += "0"
        return n.Decimal(token.line, token.column, float(text))

    def string(self, children):
        token = children[0]
        return n.Text(token.line, token.column, unescape(str(token)[1:-1]))

    def squoted(self, children):
        token = children[0]
        return n.DateLiteral(token.line, token.column, str(token)[1:-1])

    def true(self, children):
        return n.Boolean(children[0].line, children[0].column, True)

    def false(self, children):
        return n.Boolean(children[0].line, children[0].column, False)

    def null(self, children):
        return n.Null(children[0].line, children[0].column)

    def name(self, children):
        token = children[0]
        return n.Name(token.line, token.column, str(token))

    def call(self, children):
        name, args = children
        return n.Call(name.line, name.column, str(name), args)

    def if_expr(self, children):
        keyword, condition, then, otherwise = children
        return n.IfExpr(keyword.line, keyword.column, condition, then, otherwise)

    def typed_list(self, children):
        token, args = children
        element_type = str(token).split(":", 1)[1].strip()
        return n.TypedList(token.line, token.column, element_type, args)

    def brace_literal(self, children):
        opener = children[0]
        inner = children[1] if len(children) > 2 else None
        if inner is None:
            return n.EmptyCollection(opener.line, opener.column)
        kind, items = inner
        if kind == "map":
            return n.MapLiteral(opener.line, opener.column, items)
        return n.ListLiteral(opener.line, opener.column, items)

    def bracket_list(self, children):
        opener, items = children[0], children[1]
        return n.ListLiteral(opener.line, opener.column, items[1] if items else [])

    def list_items(self, children):
        return "list", _exprs(children)

    def map_items(self, children):
        return "map", _exprs(children)

    def map_item(self, children):
        key, value = children
        return key, value

    def paren(self, children):
        return children[0]

    def task(self, children):
        name = children[0]
        params = [c for c in children[1:] if c is not None]
        return n.Task(name.line, name.column, str(name).lower(), params)

    def task_param(self, children):
        key, value = children[0], children[1]
        text = " ".join(str(key).rstrip(":").split()).lower()
        return n.TaskParam(key.line, key.column, text, value)

    def form_query(self, children):
        name, criteria = children
        return n.FormQuery(name.line, name.column, str(name), criteria)


def _is_zoho_task(dotted: str) -> bool:
    """Tell whether ``dotted.fn(...)`` names a zoho.* task.

    ``zoho.currentdate.addDay(1)`` is a method of a system value instead.
    """
    parts = dotted.lower().split(".")
    if parts[0] != "zoho":
        return False
    return not (len(parts) == 2 and parts[1] in n.ZOHO_SYSTEM_VALUES)


def _dotted_name(node) -> str | None:
    """Return ``a.b.c`` for a chain of plain member accesses on a name."""
    if isinstance(node, n.Name):
        return node.name
    if isinstance(node, n.Member):
        base = _dotted_name(node.receiver)
        return None if base is None else f"{base}.{node.name}"
    return None
