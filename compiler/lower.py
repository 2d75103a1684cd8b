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
from compiler import pyast as py
from compiler.lower_expressions import LEGACY_HTTP, TASK_WORDS, ExpressionLowering
from compiler.types import LOOSE, infer_variables
from runtime.dispatch import (
    BOUND_FUNCTION_PREFIX,
    BOUND_FUNCTIONS,
    BOUND_METHODS,
    BOUND_PREFIX,
    can_bind,
    is_function_name,
    is_method_name,
)

MAIN_FUNCTION = "deluge_main"
_SIMPLE = (n.Assign, n.AugAssign, n.ExprStatement, n.Info, n.Return, n.Throw,
           n.Break, n.Continue)  # fmt: skip

__all__ = [
    "LEGACY_HTTP",
    "MAIN_FUNCTION",
    "TASK_WORDS",
    "FunctionLowering",
    "ModuleLowering",
    "python_function_name",
]


def python_function_name(name: str) -> str:
    """Return the Python name of the generated function for Deluge ``name``."""
    return "fn_" + name.replace(".", "__")


class FunctionLowering(ExpressionLowering):
    """Lower the body of one Deluge function."""

    def __init__(
        self, module: ModuleLowering, function: n.FunctionDef, is_global: bool = False
    ):
        self.module = module
        self.is_global = is_global
        self.function = function
        self.temp_count = 0
        params = {p.name for p in function.params}
        # Parameters may arrive as null, so their declared types never allow
        # direct Python operations; types derived from literals do. Some
        # built-ins return null despite their declared result type (getPrefix,
        # average), so those types only choose checks that null also passes.
        self.results = module.result_names
        self.types = _known(infer_variables(function, {}, None, True), params)
        self.result_types = _known(
            infer_variables(function, {}, self.results, True), params
        )
        self.type_cache: dict = {}
        self.result_type_cache: dict = {}
        # Keeps synthetic nodes alive: the type cache is keyed by node id.
        self.synthetic: list = []

    def temp(self) -> str:
        self.temp_count += 1
        return f"tmp_{self.temp_count}"

    # Statements

    def lower_function(self, python_name: str) -> ast.FunctionDef:
        function = self.function
        at = py.position(function)
        args = [py.place(ast.arg("ctx"), at)] + [
            py.place(ast.arg("v_" + p.name), (p.line, max(p.column - 1, 0)))
            for p in function.params
        ]
        body = self.typed_arguments() + self.block(function.body, extra=0, entry=True)
        body.append(py.place(ast.Return(py.const(None, at)), self._last_line()))
        arguments = ast.arguments([], args, None, [], [], None, [])
        node = ast.FunctionDef(python_name, arguments, body, [], None)
        return py.place(node, at)

    def typed_arguments(self) -> list:
        """Return the checks of a global function's typed parameters.

        The checker compares argument types only where it can infer them,
        so each typed parameter is checked again on entry, and a NUMBER
        given for a ``float`` parameter becomes a DECIMAL. The callback's own
        parameters are converted by ``runtime.arguments`` before the run.
        """
        if not self.is_global:
            return []
        checks = []
        for param in self.function.params:
            if not param.type_name:
                continue
            at = (param.line, max(param.column - 1, 0))
            value = py.call(
                "argument_value",
                at,
                py.name("v_" + param.name, at),
                py.const(param.type_name.lower(), at),
                py.const(param.name, at),
            )
            checks.append(py.assign("v_" + param.name, value, at))
        return checks

    def _last_line(self):
        last = self.function
        for stmt in self.function.body:
            last = stmt
        return py.position(last)

    def block(self, statements: list, extra: int = 0, entry: bool = False) -> list:
        """Lower a statement list; ``extra`` adds a loop header to the first run."""
        out: list = []
        pending = extra
        i = 0
        total = len(statements)
        while i < total:
            run_start = i
            count = 0
            while i < total and isinstance(statements[i], _SIMPLE):
                count += 1
                i += 1
            if i < total and type(statements[i]) is not n.ForEach:
                # The header of an if or try ending the run; a for-each header
                # counts once per iteration instead.
                count += 1
            count += pending
            pending = 0
            if count:
                out.extend(self.tick(count, py.position(statements[run_start])))
            for stmt in statements[run_start:i]:
                out.append(self.statement(stmt))
            if i < total:
                out.append(self.statement(statements[i]))
                i += 1
        if pending or (entry and not statements):
            source = statements[0] if statements else self.function
            out.extend(self.tick(pending, py.position(source)))
        if not out:
            out.append(py.place(ast.Pass(), py.position(self.function)))
        return out

    def tick(self, count: int, at) -> list:
        """Return ``ctx.statements += count`` and the check against ``next_check``."""
        if not self.module.count_statements:
            return []
        counter = py.attribute(py.name("ctx", at), "statements", at, store_to=True)
        add = py.place(ast.AugAssign(counter, ast.Add(), py.const(count, at)), at)
        test = py.compare(
            py.attribute(py.name("ctx", at), "statements", at),
            ast.Gt(),
            py.attribute(py.name("ctx", at), "next_check", at),
            at,
        )
        call = py.place(
            ast.Call(py.attribute(py.name("ctx", at), "tick", at), [], []), at
        )
        check = py.place(ast.If(test, [py.expression_statement(call, at)], []), at)
        return [add, check]

    def statement(self, stmt) -> ast.stmt:
        return getattr(self, "stmt_" + type(stmt).__name__)(stmt)

    def stmt_Assign(self, stmt: n.Assign):
        return py.assign("v_" + stmt.name, self.expr(stmt.value), py.position(stmt))

    def stmt_AugAssign(self, stmt: n.AugAssign):
        combined = n.Binary(
            stmt.line,
            stmt.column,
            stmt.op,
            n.Name(stmt.line, stmt.column, stmt.name),
            stmt.value,
        )
        self.synthetic.append(combined)
        return py.assign("v_" + stmt.name, self.expr(combined), py.position(stmt))

    def stmt_ExprStatement(self, stmt: n.ExprStatement):
        return py.expression_statement(self.expr(stmt.value), py.position(stmt))

    def stmt_Info(self, stmt: n.Info):
        at = py.position(stmt)
        value = py.call("info", at, py.name("ctx", at), self.expr(stmt.value))
        return py.expression_statement(value, at)

    def stmt_Return(self, stmt: n.Return):
        at = py.position(stmt)
        value = py.const(None, at) if stmt.value is None else self.expr(stmt.value)
        declared = self.function.return_type
        if declared:
            # Checked here so that a wrong type is reported at this line.
            # Program.run checks the callback's value again against the
            # return type it is given.
            value = py.call("returned", at, value, py.const(declared, at))
        return py.place(ast.Return(value), at)

    def stmt_Throw(self, stmt: n.Throw):
        at = py.position(stmt)
        return py.place(
            ast.Raise(py.call("thrown", at, self.expr(stmt.value)), None), at
        )

    def stmt_Break(self, stmt):
        return py.place(ast.Break(), py.position(stmt))

    def stmt_Continue(self, stmt):
        return py.place(ast.Continue(), py.position(stmt))

    def stmt_If(self, stmt: n.If):
        orelse = self.block(stmt.orelse) if stmt.orelse else []
        for condition, body in reversed(stmt.branches):
            test = self.condition(condition)
            node = ast.If(test, self.block(body), orelse)
            orelse = [py.place(node, py.position(condition))]
        return orelse[0]

    def stmt_ForEach(self, stmt: n.ForEach):
        at = py.position(stmt)
        target = py.store("v_" + stmt.var, at)
        if stmt.index:
            iterable = py.call("indexes", at, self.expr(stmt.iterable))
        else:
            # iterate() copies a list, so the body cannot change what it walks.
            iterable = py.call("iterate", at, self.expr(stmt.iterable))
        body = self.block(stmt.body, extra=1)
        return py.place(ast.For(target, iterable, body, []), at)

    def stmt_Try(self, stmt: n.Try):
        at = py.position(stmt)
        error_name = self.temp()
        var_at = (stmt.var_line, max(stmt.var_column - 1, 0))
        bind = py.assign(
            "v_" + stmt.var,
            py.call("caught", var_at, py.name(error_name, var_at)),
            var_at,
        )
        handler = ast.ExceptHandler(
            py.name("DelugeError", at), error_name, [bind] + self.block(stmt.handler)
        )
        py.place(handler, at)
        return py.place(ast.Try(self.block(stmt.body), [handler], [], []), at)


class ModuleLowering:
    """Lower the main function and every reached global function into one module."""

    def __init__(
        self, globals_by_name: dict | None = None, count_statements: bool = True
    ):
        # Deluge name (lower case) -> Python function name, for global functions.
        self.globals_by_name = globals_by_name or {}
        # Built once: a module may define thousands of functions.
        self.result_names = frozenset(self.globals_by_name)
        # False only in benchmarks that measure the cost of the counter.
        self.count_statements = count_statements
        self.blocking = False
        self._assigned: dict[int, set] = {}
        # (receiver type, argument count, method name) -> index of its bm_ name
        self.bound_methods: dict[tuple, int] = {}
        # (argument count, function name) -> index of its bf_ name
        self.bound_functions: dict[tuple, int] = {}

    def bound_method(self, receiver_type, name: str, arity: int) -> str | None:
        """Return the ``bm_`` global for a method call, or None to dispatch.

        The module's ``deluge_bound_methods`` table lists the bound calls. A
        call whose receiver type is known is bound only if that type has the
        method with this many arguments.
        """
        if receiver_type is None:
            if not is_method_name(name):
                return None
        elif not can_bind(receiver_type, name, arity):
            return None
        key = (receiver_type, arity, name)
        index = self.bound_methods.setdefault(key, len(self.bound_methods))
        return f"{BOUND_PREFIX}{index}"

    def bound_function(self, name: str, arity: int) -> str | None:
        """Return the ``bf_`` global for a built-in function call, or None."""
        if not is_function_name(name):
            return None
        key = (arity, name)
        index = self.bound_functions.setdefault(key, len(self.bound_functions))
        return f"{BOUND_FUNCTION_PREFIX}{index}"

    def global_name(self, name: str) -> str | None:
        return self.globals_by_name.get(name.lower())

    def assigned(self, function: n.FunctionDef) -> set:
        key = id(function)
        if key not in self._assigned:
            names: set = {p.name for p in function.params}
            for node in _walk_statements(function.body):
                if isinstance(node, (n.Assign, n.AugAssign)):
                    names.add(node.name)
                elif isinstance(node, (n.ForEach, n.Try)):
                    names.add(node.var)
            self._assigned[key] = names
        return self._assigned[key]

    def lower(self, functions: list[tuple[str, n.FunctionDef]], parameters, names):
        """Return the module for [(python name, function)]; the first is the callback."""
        body: list = []
        for index, (python_name, function) in enumerate(functions):
            lowering = FunctionLowering(self, function, is_global=index > 0)
            body.append(lowering.lower_function(python_name))
        at = (functions[0][1].line if functions else 1, 0)
        parameter_names = py.tuple_of([py.const(p, at) for p in parameters], at)
        body.append(py.assign("deluge_parameters", parameter_names, at))
        function_names = ast.Dict(
            [py.const(k, at) for k in names], [py.const(v, at) for v in names.values()]
        )
        body.append(
            py.assign("deluge_function_names", py.place(function_names, at), at)
        )
        bound = [
            py.tuple_of([py.const(part, at) for part in key], at)
            for key in self.bound_methods
        ]
        body.append(py.assign(BOUND_METHODS, py.tuple_of(bound, at), at))
        functions = [
            py.tuple_of([py.const(part, at) for part in key], at)
            for key in self.bound_functions
        ]
        body.append(py.assign(BOUND_FUNCTIONS, py.tuple_of(functions, at), at))
        return ast.Module(body, [])


def _known(variables: dict, params: set) -> dict:
    return {k: v for k, v in variables.items() if k not in params and v is not LOOSE}


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
