"""Lower checked Deluge functions to one Python ``ast.Module``.

Every generated node carries the Deluge line as its Python line, so the
traceback of a runtime error gives the Deluge line. Deluge variable ``x``
becomes the Python local ``v_x``; helper names never start with ``v_``.
Deluge text reaches the tree only as ``ast.Constant`` values: method names
become lower-cased constants passed to ``call_method``, never attributes.

Statements are counted per straight-line run: a run of simple statements,
plus the header of the compound statement that ends it, adds its size to
``ctx.statements`` at once and calls ``ctx.tick()`` only when the counter
passes ``ctx.next_check``. A ``for each`` header counts once per iteration.
"""

from __future__ import annotations

import ast

from compiler import nodes as n
from compiler.types import LOOSE, expression_type, infer_variables
from runtime.values import BOOLEAN, DECIMAL, LIST, NUMBER, TEXT

MAIN_FUNCTION = "deluge_main"

_ARITHMETIC = {"+": "op_add", "-": "op_sub", "*": "op_mul", "/": "op_div", "%": "op_mod"}
_COMPARE = {"==": "op_eq", "!=": "op_ne", "<": "op_lt", "<=": "op_le",
            ">": "op_gt", ">=": "op_ge"}  # fmt: skip
_PY_COMPARE = {"==": ast.Eq, "!=": ast.NotEq, "<": ast.Lt, "<=": ast.LtE,
               ">": ast.Gt, ">=": ast.GtE}  # fmt: skip
_PY_ARITHMETIC = {"+": ast.Add, "-": ast.Sub, "*": ast.Mult}
_SIMPLE = (n.Assign, n.AugAssign, n.ExprStatement, n.Info, n.Return, n.Throw,
           n.Break, n.Continue)  # fmt: skip
# Bare words a task parameter may take as text, as in `type: GET`.
TASK_WORDS = {"get", "post", "put", "patch", "delete", "head", "options", "json",
              "text", "xml", "file", "html"}  # fmt: skip
LEGACY_HTTP = {"geturl", "posturl", "invokeurl"}


def python_function_name(name: str) -> str:
    """Return the Python name of the generated function for Deluge ``name``."""
    return "fn_" + name.replace(".", "__")


def _name(identifier: str, store: bool = False) -> ast.Name:
    return ast.Name(id=identifier, ctx=ast.Store() if store else ast.Load())


def _ctx() -> ast.Name:
    return _name("ctx")


def _const(value) -> ast.Constant:
    return ast.Constant(value=value)


def _call(helper: str, *args) -> ast.Call:
    return ast.Call(func=_name(helper), args=list(args), keywords=[])


def _at(node, source):
    """Give ``node`` the Deluge position of ``source`` (a Deluge node or a pair)."""
    line, column = (source.line, source.column) if hasattr(source, "line") else source
    node.lineno = line
    node.col_offset = max(column - 1, 0)
    node.end_lineno = line
    node.end_col_offset = max(column, 1)
    return node


def _locate_tree(node, line: int, column: int):
    """Set the position on ``node`` and on every descendant that has none."""
    for child in ast.walk(node):
        if isinstance(child, (ast.expr, ast.stmt, ast.excepthandler, ast.arg)):
            if getattr(child, "lineno", None) is None:
                _at(child, (line, column))
    return node


class FunctionLowering:
    """Lower the body of one Deluge function."""

    def __init__(self, module: ModuleLowering, function: n.FunctionDef,
                 is_global: bool = False):
        self.module = module
        self.is_global = is_global
        self.function = function
        self.temp_count = 0
        self.catch_vars: set[str] = set()
        params = {p.name for p in function.params}
        # Parameters may arrive as null, so their declared types never allow
        # direct Python operations; only literal-derived types do.
        variables = infer_variables(function, {})
        self.types = {
            k: v for k, v in variables.items() if k not in params and v is not LOOSE
        }
        self.type_cache: dict = {}
        self.synthetic: list = []

    def type_of(self, node, variables=None) -> str | None:
        # Cached per node: chains like a + b + c ask for the type of each
        # left operand again at every level.
        return expression_type(node, self.types, self.type_cache)

    def temp(self) -> str:
        self.temp_count += 1
        return f"tmp_{self.temp_count}"

    # Statements

    def lower_function(self, python_name: str) -> ast.FunctionDef:
        args = [ast.arg(arg="ctx")] + [
            _at(ast.arg(arg="v_" + p.name), (p.line, p.column))
            for p in self.function.params
        ]
        body = self.block(self.function.body, extra=0, entry=True)
        body.append(_at(ast.Return(value=_const(None)), self._last_line()))
        node = ast.FunctionDef(
            name=python_name,
            args=ast.arguments(
                posonlyargs=[], args=args, vararg=None, kwonlyargs=[],
                kw_defaults=[], kwarg=None, defaults=[],
            ),
            body=body,
            decorator_list=[],
            returns=None,
        )
        return _at(node, self.function)

    def _last_line(self):
        last = self.function
        for stmt in self.function.body:
            last = stmt
        return (last.line, last.column)

    def block(self, statements: list, extra: int = 0, entry: bool = False) -> list:
        """Lower a statement list; ``extra`` adds a loop header to the first run."""
        out: list = []
        pending = extra
        i = 0
        while i < len(statements):
            run_start = i
            count = 0
            while i < len(statements) and isinstance(statements[i], _SIMPLE):
                count += 1
                i += 1
            if i < len(statements) and not isinstance(statements[i], n.ForEach):
                # The header of an if or try ending the run; a for-each header
                # counts once per iteration instead.
                count += 1
            first = statements[run_start]
            count += pending
            pending = 0
            if count:
                out.extend(self.tick(count, first))
            for stmt in statements[run_start:i]:
                out.extend(self.statement(stmt))
            if i < len(statements):
                out.extend(self.statement(statements[i]))
                i += 1
        if pending or (entry and not statements):
            source = statements[0] if statements else self.function
            out.extend(self.tick(pending, source))
        if not out:
            out.append(_at(ast.Pass(), self.function))
        return out

    def tick(self, count: int, source) -> list:
        if not self.module.count_statements:
            return []
        counter = ast.Attribute(value=_ctx(), attr="statements", ctx=ast.Store())
        add = ast.AugAssign(target=counter, op=ast.Add(), value=_const(count))
        check = ast.If(
            test=ast.Compare(
                left=ast.Attribute(value=_ctx(), attr="statements", ctx=ast.Load()),
                ops=[ast.Gt()],
                comparators=[
                    ast.Attribute(value=_ctx(), attr="next_check", ctx=ast.Load())
                ],
            ),
            body=[
                ast.Expr(
                    value=ast.Call(
                        func=ast.Attribute(value=_ctx(), attr="tick", ctx=ast.Load()),
                        args=[],
                        keywords=[],
                    )
                )
            ],
            orelse=[],
        )
        return [_at(add, source), _at(check, source)]

    def statement(self, stmt) -> list:
        method = getattr(self, "stmt_" + type(stmt).__name__)
        result = method(stmt)
        nodes_out = result if isinstance(result, list) else [result]
        for node in nodes_out:
            # Nodes below without a position get this one from
            # ast.fix_missing_locations, which copies the parent's.
            if getattr(node, "lineno", None) is None:
                _at(node, stmt)
        return nodes_out

    def stmt_Assign(self, stmt: n.Assign):
        return ast.Assign(
            targets=[_name("v_" + stmt.name, store=True)], value=self.expr(stmt.value)
        )

    def stmt_AugAssign(self, stmt: n.AugAssign):
        combined = n.Binary(
            stmt.line, stmt.column, stmt.op,
            n.Name(stmt.line, stmt.column, stmt.name), stmt.value,
        )
        # Keep the node alive: the type cache is keyed by node id.
        self.synthetic.append(combined)
        return ast.Assign(
            targets=[_name("v_" + stmt.name, store=True)], value=self.expr(combined)
        )

    def stmt_ExprStatement(self, stmt: n.ExprStatement):
        return ast.Expr(value=self.expr(stmt.value))

    def stmt_Info(self, stmt: n.Info):
        return ast.Expr(value=_call("info", _ctx(), self.expr(stmt.value)))

    def stmt_Return(self, stmt: n.Return):
        value = _const(None) if stmt.value is None else self.expr(stmt.value)
        declared = self.function.return_type
        if self.is_global and declared:
            # The callback's own return value is checked by Program.run.
            value = _at(_call("returned", value, _const(declared)), stmt)
        return ast.Return(value=value)

    def stmt_Throw(self, stmt: n.Throw):
        return ast.Raise(exc=_call("thrown", self.expr(stmt.value)), cause=None)

    def stmt_Break(self, stmt):
        return ast.Break()

    def stmt_Continue(self, stmt):
        return ast.Continue()

    def stmt_If(self, stmt: n.If):
        orelse = self.block(stmt.orelse) if stmt.orelse else []
        for condition, body in reversed(stmt.branches):
            test = self.condition(condition)
            node = _at(ast.If(test=test, body=self.block(body), orelse=orelse), condition)
            orelse = [node]
        return orelse[0]

    def stmt_ForEach(self, stmt: n.ForEach):
        target = _name("v_" + stmt.var, store=True)
        if stmt.index:
            iterable = _call("indexes", self.expr(stmt.iterable))
        else:
            kind = self.type_of(stmt.iterable, self.types)
            value = self.expr(stmt.iterable)
            iterable = value if kind == LIST else _call("iterate", value)
        body = self.block(stmt.body, extra=1)
        return ast.For(target=target, iter=iterable, body=body, orelse=[])

    def stmt_Try(self, stmt: n.Try):
        error_name = self.temp()
        self.catch_vars.add(stmt.var)
        bind = _at(
            ast.Assign(
                targets=[_name("v_" + stmt.var, store=True)],
                value=_call("caught", _name(error_name)),
            ),
            (stmt.var_line, stmt.var_column),
        )
        handler = ast.ExceptHandler(
            type=_name("DelugeError"),
            name=error_name,
            body=[bind] + self.block(stmt.handler),
        )
        return ast.Try(body=self.block(stmt.body), handlers=[handler], orelse=[],
                       finalbody=[])

    # Expressions

    def condition(self, node) -> ast.expr:
        value = self.expr(node)
        if self.type_of(node, self.types) == BOOLEAN and not isinstance(
            node, n.Name
        ):
            return value
        return _at(_call("op_cond", value), node)

    def expr(self, node) -> ast.expr:
        method = getattr(self, "expr_" + type(node).__name__)
        result = method(node)
        if getattr(result, "lineno", None) is None:
            _at(result, node)
        return result

    def expr_Number(self, node):
        return _const(node.value)

    def expr_Decimal(self, node):
        return _const(node.value)

    def expr_Text(self, node):
        return _const(node.value)

    def expr_Boolean(self, node):
        return _const(node.value)

    def expr_Null(self, node):
        return _const(None)

    def expr_DateLiteral(self, node):
        return _call("date_literal", _ctx(), _const(node.text))

    def expr_Name(self, node):
        return _name("v_" + node.name)

    def expr_ListLiteral(self, node):
        return ast.List(elts=[self.expr(i) for i in node.items], ctx=ast.Load())

    def expr_MapLiteral(self, node):
        if all(isinstance(k, (n.Text, n.Number)) for k, _ in node.pairs):
            return ast.Dict(
                keys=[self.expr(k) for k, _ in node.pairs],
                values=[self.expr(v) for _, v in node.pairs],
            )
        pairs = [
            ast.Tuple(elts=[self.expr(k), self.expr(v)], ctx=ast.Load())
            for k, v in node.pairs
        ]
        return _call("make_map_of", ast.Tuple(elts=pairs, ctx=ast.Load()))

    def expr_EmptyCollection(self, node):
        return _call("Collection")

    def expr_Unary(self, node):
        operand = self.expr(node.operand)
        if node.op == "!":
            if self.type_of(node.operand, self.types) == BOOLEAN:
                return ast.UnaryOp(op=ast.Not(), operand=operand)
            return _call("op_not", _ctx(), operand)
        if node.op == "-":
            return _call("op_negate", _ctx(), operand)
        return _call("op_plus", _ctx(), operand)

    def expr_Logic(self, node):
        values = [self.condition(node.left), self.condition(node.right)]
        op = ast.And() if node.op == "&&" else ast.Or()
        return ast.BoolOp(op=op, values=values)

    def expr_Binary(self, node):
        left_type = self.type_of(node.left, self.types)
        right_type = self.type_of(node.right, self.types)
        if node.op in _COMPARE:
            return self._compare(node, left_type, right_type)
        left, right = self.expr(node.left), self.expr(node.right)
        if (
            node.op in _PY_ARITHMETIC
            and left_type == NUMBER
            and right_type == NUMBER
        ):
            return self._checked_number(node, left, right)
        if node.op in ("+", "-", "*", "/") and DECIMAL in (left_type, right_type) and (
            left_type in (NUMBER, DECIMAL) and right_type in (NUMBER, DECIMAL)
        ) and node.op != "/":
            return ast.BinOp(left=left, op=_PY_ARITHMETIC[node.op](), right=right)
        return _call(_ARITHMETIC[node.op], _ctx(), left, right)

    def _checked_number(self, node, left, right):
        # (t if NUMBER_MIN <= (t := a + b) <= NUMBER_MAX else number_overflow(t))
        temp = self.temp()
        value = ast.NamedExpr(
            target=_name(temp, store=True),
            value=ast.BinOp(left=left, op=_PY_ARITHMETIC[node.op](), right=right),
        )
        test = ast.Compare(
            left=_name("NUMBER_MIN"),
            ops=[ast.LtE(), ast.LtE()],
            comparators=[value, _name("NUMBER_MAX")],
        )
        return ast.IfExp(
            test=test, body=_name(temp), orelse=_call("number_overflow", _name(temp))
        )

    def _compare(self, node, left_type, right_type):
        left, right = self.expr(node.left), self.expr(node.right)
        if node.op in ("==", "!=") and (
            isinstance(node.left, n.Null) or isinstance(node.right, n.Null)
        ):
            op = ast.Is() if node.op == "==" else ast.IsNot()
            return ast.Compare(left=left, ops=[op], comparators=[right])
        numeric = (NUMBER, DECIMAL)
        direct = (left_type in numeric and right_type in numeric) or (
            left_type == right_type == TEXT
        )
        if direct:
            return ast.Compare(
                left=left, ops=[_PY_COMPARE[node.op]()], comparators=[right]
            )
        return _call(_COMPARE[node.op], left, right)

    def expr_IfExpr(self, node):
        return ast.IfExp(
            test=self.condition(node.condition),
            body=self.expr(node.then),
            orelse=self.expr(node.otherwise),
        )

    def _args(self, args: list) -> list:
        out = []
        for arg in args:
            if isinstance(arg, n.KeyValueArg):
                out.append(
                    _at(_call("KeyValue", self.expr(arg.key), self.expr(arg.value)), arg)
                )
            else:
                out.append(self.expr(arg))
        return out

    def expr_MethodCall(self, node):
        receiver = self.expr(node.receiver)
        args = ast.Tuple(elts=self._args(node.args), ctx=ast.Load())
        return _call(
            "call_method", _ctx(), receiver, _const(node.name.lower()), args
        )

    def expr_Call(self, node):
        lowered = node.name.lower()
        args = self._args(node.args)
        if lowered == "ifnull" and len(node.args) == 2:
            temp = self.temp()
            value = ast.NamedExpr(target=_name(temp, store=True), value=args[0])
            return ast.IfExp(
                test=ast.Compare(left=value, ops=[ast.IsNot()], comparators=[_const(None)]),
                body=_name(temp),
                orelse=args[1],
            )
        if lowered == "map":
            if not args:
                return ast.Dict(keys=[], values=[])
            return _call("make_map", _ctx(), *args)
        if lowered == "list":
            return _call("make_list", _ctx(), *args)
        if lowered == "collection":
            return _call("make_collection", _ctx(), *args)
        global_function = self.module.global_name(node.name)
        if global_function is not None:
            return _call(
                "call_global",
                _ctx(),
                _name(global_function),
                ast.Tuple(elts=args, ctx=ast.Load()),
            )
        if lowered in LEGACY_HTTP:
            self.module.blocking = True
        return _call(
            "call_function",
            _ctx(),
            _const(lowered),
            ast.Tuple(elts=args, ctx=ast.Load()),
        )

    def expr_Member(self, node):
        receiver = node.receiver
        if isinstance(receiver, n.Name) and receiver.name.lower() == "zoho":
            return _call("system_value", _ctx(), _const(node.name.lower()))
        return _call("catch_field", self.expr(receiver), _const(node.name))

    def expr_TypedList(self, node):
        return _call("typed_list", _ctx(), _const(node.element_type), *self._args(node.args))

    def expr_Task(self, node):
        self.module.blocking = True
        keys = []
        values = []
        for param in node.params:
            keys.append(_at(_const(param.key), param))
            value = param.value
            if (
                isinstance(value, n.Name)
                and value.name.lower() in TASK_WORDS
                and value.name not in self.types
                and value.name not in self.module.assigned(self.function)
            ):
                values.append(_at(_const(value.name.upper()), value))
            else:
                values.append(self.expr(value))
        return _call("invoke_url", _ctx(), ast.Dict(keys=keys, values=values))


class ModuleLowering:
    """Lower the main function and every reached global function into one module."""

    def __init__(self, globals_by_name: dict | None = None,
                 count_statements: bool = True):
        # Deluge name (lower case) -> Python function name, for global functions.
        self.globals_by_name = globals_by_name or {}
        # False only in benchmarks that measure the cost of the counter.
        self.count_statements = count_statements
        self.blocking = False
        self._assigned: dict[int, set] = {}

    def global_name(self, name: str) -> str | None:
        return self.globals_by_name.get(name.lower())

    def assigned(self, function: n.FunctionDef) -> set:
        key = id(function)
        if key not in self._assigned:
            names: set = {p.name for p in function.params}
            for node in _walk_statements(function.body):
                if isinstance(node, (n.Assign, n.AugAssign)):
                    names.add(node.name)
                elif isinstance(node, n.ForEach) or isinstance(node, n.Try):
                    names.add(node.var)
            self._assigned[key] = names
        return self._assigned[key]

    def lower(self, functions: list[tuple[str, n.FunctionDef]], parameters, names):
        """Return the module for [(python name, function)]; the first is the callback."""
        body: list = []
        for index, (python_name, function) in enumerate(functions):
            lowering = FunctionLowering(self, function, is_global=index > 0)
            body.append(lowering.lower_function(python_name))
        first_line = functions[0][1].line if functions else 1
        body.append(
            _locate_tree(
                ast.Assign(
                    targets=[_name("deluge_parameters", store=True)],
                    value=ast.Tuple(elts=[_const(p) for p in parameters], ctx=ast.Load()),
                ),
                first_line,
                1,
            )
        )
        body.append(
            _locate_tree(
                ast.Assign(
                    targets=[_name("deluge_function_names", store=True)],
                    value=ast.Dict(
                        keys=[_const(k) for k in names],
                        values=[_const(v) for v in names.values()],
                    ),
                ),
                first_line,
                1,
            )
        )
        module = ast.Module(body=body, type_ignores=[])
        return module


def _walk_statements(statements):
    for stmt in statements:
        yield stmt
        if isinstance(stmt, n.If):
            for _cond, body in stmt.branches:
                yield from _walk_statements(body)
            if stmt.orelse:
                yield from _walk_statements(stmt.orelse)
        elif isinstance(stmt, n.ForEach):
            yield from _walk_statements(stmt.body)
        elif isinstance(stmt, n.Try):
            yield from _walk_statements(stmt.body)
            yield from _walk_statements(stmt.handler)
