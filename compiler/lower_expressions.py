"""Lower Deluge expressions to Python ``ast`` expressions.

Operators on values whose Deluge types are known statically become Python
operators where Python gives the same result (see ``expr_Binary``). All
others call the helpers of ``runtime.operators``, which check the types at
run time. Method and function calls go through the dispatch table of
``runtime.registry``: a method name is only ever a string constant.
"""

from __future__ import annotations

import ast

from compiler import nodes as n
from compiler import pyast as py
from compiler.types import expression_type
from runtime.values import (
    BOOLEAN,
    DATETIME,
    DECIMAL,
    NUMBER,
    NUMBER_MAX,
    NUMBER_MIN,
    TEXT,
)

_ARITHMETIC = {
    "+": "op_add",
    "-": "op_sub",
    "*": "op_mul",
    "/": "op_div",
    "%": "op_mod",
}
_COMPARE = {"==": "op_eq", "!=": "op_ne", "<": "op_lt", "<=": "op_le",
            ">": "op_gt", ">=": "op_ge"}  # fmt: skip
_PY_COMPARE = {"==": ast.Eq, "!=": ast.NotEq, "<": ast.Lt, "<=": ast.LtE,
               ">": ast.Gt, ">=": ast.GtE}  # fmt: skip
_PY_ARITHMETIC = {"+": ast.Add, "-": ast.Sub, "*": ast.Mult}
_NUMERIC = (NUMBER, DECIMAL)
# Bare words a task parameter may take as text, as in `type: GET`.
TASK_WORDS = {"get", "post", "put", "patch", "delete", "head", "options", "json",
              "text", "xml", "file", "html"}  # fmt: skip
LEGACY_HTTP = {"geturl", "posturl", "invokeurl"}


class ExpressionLowering:
    """The expression half of ``compiler.lower.FunctionLowering``."""

    types: dict
    type_cache: dict
    result_types: dict
    result_type_cache: dict
    results: frozenset

    def type_of(self, node) -> str | None:
        """Return the type of ``node`` as far as literals tell, or None."""
        # Cached per node: chains like a + b + c ask for the type of each
        # left operand again at every level.
        return expression_type(node, self.types, self.type_cache)

    def result_type_of(self, node) -> str | None:
        """Return the type of ``node`` with the declared results of built-ins.

        The value may still be null where a built-in breaks its declaration.
        """
        return expression_type(
            node, self.result_types, self.result_type_cache, self.results
        )

    def condition(self, node) -> ast.expr:
        value = self.expr(node)
        # A variable has a type only if every assignment gives it that type
        # (parameters, loop and catch variables have none), so a BOOLEAN
        # variable or built-in result needs no check.
        # NOTE: a BOOLEAN built-in that returned null would read as false
        # here instead of raising; none is known to.
        if self.result_type_of(node) == BOOLEAN:
            return value
        return py.call("op_cond", py.position(node), value)

    def expr(self, node) -> ast.expr:
        return getattr(self, "expr_" + type(node).__name__)(node)

    def expr_Number(self, node):
        return py.const(node.value, py.position(node))

    expr_Decimal = expr_Text = expr_Boolean = expr_Number

    def expr_Null(self, node):
        return py.const(None, py.position(node))

    def expr_DateLiteral(self, node):
        at = py.position(node)
        return py.call("date_literal", at, py.name("ctx", at), py.const(node.text, at))

    def expr_Name(self, node):
        at = py.position(node)
        if node.system is not None:
            return py.call(
                "system_value", at, py.name("ctx", at), py.const(node.system, at)
            )
        return py.name("v_" + node.name, at)

    def expr_ListLiteral(self, node):
        items = [self.expr(item) for item in node.items]
        return py.place(ast.List(items, py.LOAD), py.position(node))

    def expr_MapLiteral(self, node):
        at = py.position(node)
        # make_map_of turns list keys into ListKey and gives dates a time part;
        # constant keys and values known not to be dates need neither.
        if all(
            (type(k) is n.Text or type(k) is n.Number)
            and self.type_of(v) not in (None, DATETIME)
            for k, v in node.pairs
        ):
            keys = [self.expr(k) for k, _ in node.pairs]
            values = [self.expr(v) for _, v in node.pairs]
            return py.place(ast.Dict(keys, values), at)
        pairs = [
            py.tuple_of([self.expr(k), self.expr(v)], py.position(k))
            for k, v in node.pairs
        ]
        return py.call("make_map_of", at, py.tuple_of(pairs, at))

    def expr_EmptyCollection(self, node):
        return py.call("Collection", py.position(node))

    def expr_Unary(self, node):
        at = py.position(node)
        operand = self.expr(node.operand)
        if node.op == "!":
            if self.type_of(node.operand) == BOOLEAN:
                return py.place(ast.UnaryOp(ast.Not(), operand), at)
            return py.call("op_not", at, py.name("ctx", at), operand)
        helper = "op_negate" if node.op == "-" else "op_plus"
        return py.call(helper, at, py.name("ctx", at), operand)

    def expr_Logic(self, node):
        values = [self.condition(node.left), self.condition(node.right)]
        op = ast.And() if node.op == "&&" else ast.Or()
        return py.place(ast.BoolOp(op, values), py.position(node))

    def expr_Binary(self, node):
        op = node.op
        left_type = self.type_of(node.left)
        right_type = self.type_of(node.right)
        if op in _COMPARE:
            return self._compare(node, left_type, right_type)
        if op == "+" and self.type_of(node) == TEXT:
            return self._concatenation(node)
        at = py.position(node)
        left, right = self.expr(node.left), self.expr(node.right)
        if op in _PY_ARITHMETIC and left_type == NUMBER and right_type == NUMBER:
            return self._checked_number(op, left, right, at)
        if (
            op in _PY_ARITHMETIC
            and DECIMAL in (left_type, right_type)
            and left_type in _NUMERIC
            and right_type in _NUMERIC
        ):
            return py.binary(left, _PY_ARITHMETIC[op](), right, at)
        return py.call(_ARITHMETIC[op], at, py.name("ctx", at), left, right)

    def _checked_number(self, op, left, right, at):
        # (t if NUMBER_MIN <= (t := a + b) <= NUMBER_MAX else number_overflow(t))
        temp = self.temp()
        value = py.walrus(temp, py.binary(left, _PY_ARITHMETIC[op](), right, at), at)
        test = py.place(
            ast.Compare(
                py.const(NUMBER_MIN, at),
                [ast.LtE(), ast.LtE()],
                [value, py.const(NUMBER_MAX, at)],
            ),
            at,
        )
        overflow = py.call("number_overflow", at, py.name(temp, at))
        return py.if_expression(test, py.name(temp, at), overflow, at)

    def _concatenation(self, node):
        """Lower a ``+`` chain that builds TEXT as one ``concat`` call.

        ``a + b + c`` is ``(a + b) + c``. From the first TEXT operand on,
        each ``+`` renders its right operand as text and appends it. So the
        operands from there are joined at once, and the text-length limit is
        checked once, on the result.
        """
        operands = []
        current = node
        while type(current) is n.Binary and current.op == "+":
            operands.append(current.right)
            current = current.left
        operands.append(current)
        operands.reverse()
        # `head` is the value before the first TEXT operand: one operand, or
        # a number sum lowered as usual.
        first_text = next(
            i for i, operand in enumerate(operands) if self.type_of(operand) == TEXT
        )
        head = current
        index = 1
        if first_text > 1:
            head = node
            for _ in range(len(operands) - first_text):
                head = head.left
            index = first_text
        at = py.position(node)
        parts = [self.expr(head)] + [self.expr(o) for o in operands[index:]]
        return py.call_args("concat", at, [py.name("ctx", at), *parts])

    def _compare(self, node, left_type, right_type):
        at = py.position(node)
        op = node.op
        left, right = self.expr(node.left), self.expr(node.right)
        if op in ("==", "!="):
            literal = _equality_literal(node)
            both_literal = _is_literal(node.left) and _is_literal(node.right)
            if both_literal:
                # `"" is None` and `1 is True` would make compile() warn (an
                # error under -W error), so two literals go to the helper.
                return py.call(_COMPARE[op], at, left, right)
            if literal is not None:
                direct = _literal_equality(op, left, right, literal, at)
                if direct is not None:
                    return direct
                return self._zero_or_one_equality(node, op, literal, at)
        direct = (left_type in _NUMERIC and right_type in _NUMERIC) or (
            left_type == right_type == TEXT
        )
        if direct:
            return py.compare(left, _PY_COMPARE[op](), right, at)
        return py.call(_COMPARE[op], at, left, right)

    def _zero_or_one_equality(self, node, op, literal, at):
        """``x == 0`` as ``x == 0 and x is not True and x is not False``.

        ``x`` is evaluated once, through a temporary unless it is a name.
        """
        other_node = node.left if literal is node.right else node.right
        other = self.expr(other_node)
        if type(other_node) is n.Name:
            first, again = other, lambda: self.expr(other_node)
        else:
            temp = self.temp()
            first, again = py.walrus(temp, other, at), lambda: py.name(temp, at)
        value = py.const(literal.value, at)
        if op == "==":
            parts = [
                py.compare(first, ast.Eq(), value, at),
                py.compare(again(), ast.IsNot(), py.const(True, at), at),
                py.compare(again(), ast.IsNot(), py.const(False, at), at),
            ]
            return py.place(ast.BoolOp(ast.And(), parts), at)
        parts = [
            py.compare(first, ast.NotEq(), value, at),
            py.compare(again(), ast.Is(), py.const(True, at), at),
            py.compare(again(), ast.Is(), py.const(False, at), at),
        ]
        return py.place(ast.BoolOp(ast.Or(), parts), at)

    def expr_IfExpr(self, node):
        return py.if_expression(
            self.condition(node.condition),
            self.expr(node.then),
            self.expr(node.otherwise),
            py.position(node),
        )

    def _args(self, args: list) -> list:
        out = []
        for arg in args:
            if type(arg) is n.KeyValueArg:
                value = py.call(
                    "KeyValue",
                    py.position(arg),
                    self.expr(arg.key),
                    self.expr(arg.value),
                )
                out.append(value)
            else:
                out.append(self.expr(arg))
        return out

    def expr_MethodCall(self, node):
        path = n.call_path(node)
        if path is not None:
            root, dotted = path
            if self.module.global_name(dotted) is not None and root not in (
                self.module.assigned(self.function)
            ):
                # `standalone.clean(x)` calls a function of the same script.
                call = n.Call(
                    node.receiver.line, node.receiver.column, dotted, node.args
                )
                self.synthetic.append(call)
                return self.expr_Call(call)
        at = py.position(node)
        receiver = self.expr(node.receiver)
        lowered = node.name.lower()
        args = self._args(node.args)
        bound = None
        if not any(type(arg) is n.KeyValueArg for arg in node.args):
            receiver_type = self.result_type_of(node.receiver)
            bound = self.module.bound_method(receiver_type, lowered, len(args))
        if bound is not None:
            return py.call_args(bound, at, [py.name("ctx", at), receiver, *args])
        name = py.const(lowered, at)
        return py.call(
            "call_method", at, py.name("ctx", at), receiver, name, py.tuple_of(args, at)
        )

    def expr_Call(self, node):
        at = py.position(node)
        lowered = node.name.lower()
        args = self._args(node.args)
        if lowered == "ifnull" and len(node.args) == 2:
            temp = self.temp()
            test = py.compare(
                py.walrus(temp, args[0], at), ast.IsNot(), py.const(None, at), at
            )
            return py.if_expression(test, py.name(temp, at), args[1], at)
        if lowered == "map":
            if not args:
                return py.place(ast.Dict([], []), at)
            return py.call_args("make_map", at, [py.name("ctx", at), *args])
        if lowered == "list":
            if not args:
                return py.place(ast.List([], py.LOAD), at)
            return py.call_args("make_list", at, [py.name("ctx", at), *args])
        if lowered == "collection":
            return py.call_args("make_collection", at, [py.name("ctx", at), *args])
        global_function = self.module.global_name(node.name)
        if global_function is not None:
            return py.call(
                "call_global",
                at,
                py.name("ctx", at),
                py.name(global_function, at),
                py.tuple_of(args, at),
            )
        if lowered in LEGACY_HTTP:
            self.module.blocking = True
        elif not any(type(arg) is n.KeyValueArg for arg in node.args):
            bound = self.module.bound_function(lowered, len(args))
            if bound is not None:
                return py.call_args(bound, at, [py.name("ctx", at), *args])
        return py.call(
            "call_function",
            at,
            py.name("ctx", at),
            py.const(lowered, at),
            py.tuple_of(args, at),
        )

    def expr_Member(self, node):
        at = py.position(node)
        receiver = node.receiver
        if type(receiver) is n.Name and receiver.name.lower() == "zoho":
            return py.call(
                "system_value", at, py.name("ctx", at), py.const(node.name.lower(), at)
            )
        return py.call("catch_field", at, self.expr(receiver), py.const(node.name, at))

    def expr_TypedList(self, node):
        at = py.position(node)
        args = [py.name("ctx", at), py.const(node.element_type, at)]
        return py.call_args("typed_list", at, args + self._args(node.args))

    def expr_Task(self, node):
        at = py.position(node)
        self.module.blocking = True
        keys = []
        values = []
        assigned = self.module.assigned(self.function)
        for param in node.params:
            keys.append(py.const(param.key, py.position(param)))
            value = param.value
            if (
                type(value) is n.Name
                and value.name.lower() in TASK_WORDS
                and value.name not in self.types
                and value.name not in assigned
            ):
                values.append(py.const(value.name.upper(), py.position(value)))
            else:
                values.append(self.expr(value))
        params = py.place(ast.Dict(keys, values), at)
        return py.call("invoke_url", at, py.name("ctx", at), params)


_LITERALS = (n.Null, n.Boolean, n.Text, n.Number, n.Decimal)


def _is_literal(node) -> bool:
    return type(node) in _LITERALS


def _equality_literal(node):
    """Return the literal side of ``a == b`` or ``a != b`` if Python's operator
    gives Deluge's result for it, else None."""
    for side in (node.right, node.left):
        if _is_literal(side):
            return side
    return None


def _literal_equality(op, left, right, literal, at):
    """Compare with a literal directly, as ``runtime.operators.equals`` would.

    Returns None where a BOOLEAN on the other side needs a check. NULL and
    BOOLEAN literals compare by identity (``x is True``). Against a TEXT
    literal, Python's ``==`` is false for every other Deluge type, as
    Deluge's is. Against a number, Python's ``==`` matches Deluge's except
    that ``True == 1`` and ``False == 0``.
    """
    cls = type(literal)
    if cls is n.Null or cls is n.Boolean:
        return py.compare(left, ast.Is() if op == "==" else ast.IsNot(), right, at)
    if cls is n.Text or literal.value not in (0, 1):
        return py.compare(left, _PY_COMPARE[op](), right, at)
    return None
