"""Static checks run before lowering; they collect every error in one pass.

Each finding is a ``Diagnostic`` with line, column, message, kind and the
source line. The checks follow Deluge's save-time errors. They report a
variable read before any assignment in the text, operand types that cannot fit
an operator, non-BOOLEAN conditions, unknown built-ins and wrong argument
counts. They also report return values that do not fit the declared type,
``break``/``continue`` outside a loop, and constructs this product lacks.
"""

from __future__ import annotations

from compiler import nodes as n
from compiler.diagnostics import SEMANTIC, SYNTAX, WARNING, Diagnostic
from compiler.lower import TASK_WORDS
from compiler.types import (
    LOOSE,
    declared_type,
    expression_type,
    infer_variables,
    is_valid_binary,
)
from runtime.http import parameter_key, parameter_key_problem
from runtime.namespace import TYPE_ALIASES
from runtime.values import (
    BOOLEAN,
    DATETIME,
    DECIMAL,
    LIST,
    MAP,
    NUMBER,
    NUMBER_MAX,
    NUMBER_MIN,
    TEXT,
)

# zoho.* task families of other Zoho products.
UNAVAILABLE_TASKS = ("zoho.crm.", "zoho.books.", "zoho.creator.", "zoho.desk.",
                     "zoho.cliq.", "zoho.projects.", "zoho.recruit.")  # fmt: skip
# System variables of other Zoho products; a script may not read them here.
ZOHO_SYSTEM_VARIABLES = {"loginuser", "loginuserid", "adminuser", "adminuserid",
                         "appname", "appuri", "ipaddress", "currentuser"}  # fmt: skip
# The date-time variables of Zoho's function list, unless the script assigns them.
DATE_VARIABLES = {"now": "currenttime", "today": "currentdate"}
CATCH_FIELDS = {"message", "lineno"}
# Deluge's reserved words, which its keyword page restricts from use as
# variable names (https://www.zoho.com/deluge/help/keywords.html).
RESERVED_WORDS = frozenset({
    "bool", "collection", "date", "else", "false", "float", "from", "if",
    "ifnull", "in", "int", "is", "list", "map", "null", "permissions", "portal",
    "reload", "return", "string", "thisapp", "true", "void", "zoho",
})  # fmt: skip
# Element types of typed lists (List:String() and the like).
LIST_ELEMENT_TYPES = (TEXT, NUMBER, DECIMAL, BOOLEAN, DATETIME)
# Names that only Zoho Creator scripts have, and what a reference through
# them reads: `input.Email` reads a form field, `thisapp.ns.fn()` calls a
# function of the application.
# Functions that only Zoho Creator pages and forms have.
CREATOR_FUNCTIONS = {"openurl"}
CREATOR_NAMES = {"input": "(a form field)", "thisapp": "(an application function)"}
LANGUAGE_FUNCTIONS = {"ifnull": (2, 2), "map": (0, 1), "list": (0, 1),
                      "collection": (0, None)}  # fmt: skip
AVAILABLE_TASKS = {"invokeurl"}


def is_other_zoho_task(lowered_name: str) -> bool:
    """Tell whether a lower-cased call name is a zoho.* task this product lacks.

    Of the zoho.* names, only the zoho.encryption tasks and methods of the
    system values are built in. Every other zoho.* call comes from another
    Zoho product (CRM, Creator, Cliq and so on) or reads a value of one
    (zoho.loginuser).
    """
    return lowered_name.startswith("zoho.") and not lowered_name.startswith(
        "zoho.encryption."
    )


def unavailable_zoho_name(name: str) -> str:
    """Return the part of a zoho.* call name to name in an error.

    ``zoho.loginuser.toUpperCase`` names the value ``zoho.loginuser``; a task
    such as ``zoho.cliq.postToChannel`` is named whole.
    """
    parts = name.split(".")
    if len(parts) == 3 and parts[1].lower() in ZOHO_SYSTEM_VARIABLES:
        return ".".join(parts[:2])
    return name


def walk_statements(statements):
    """Yield every statement of ``statements``, nested ones included."""
    for stmt in statements:
        yield stmt
        if isinstance(stmt, n.If):
            for _cond, body in stmt.branches:
                yield from walk_statements(body)
            if stmt.orelse:
                yield from walk_statements(stmt.orelse)
        elif isinstance(stmt, n.ForEach):
            yield from walk_statements(stmt.body)
        elif isinstance(stmt, n.Try):
            yield from walk_statements(stmt.body)
            yield from walk_statements(stmt.handler)


def assigned_names(function: n.FunctionDef) -> set:
    """Return the parameters and every variable that ``function`` assigns."""
    names = {p.name for p in function.params}
    for stmt in walk_statements(function.body):
        if isinstance(stmt, (n.Assign, n.AugAssign)):
            names.add(stmt.name)
        elif isinstance(stmt, (n.ForEach, n.Try)):
            names.add(stmt.var)
    return names


def statement_expressions(stmt) -> list:
    """Return the expressions that belong to ``stmt`` itself (not nested blocks)."""
    cls = type(stmt)
    if cls in (n.Assign, n.AugAssign, n.ExprStatement, n.Info, n.Throw):
        return [stmt.value]
    if cls is n.Return:
        return [stmt.value] if stmt.value is not None else []
    if cls is n.If:
        return [cond for cond, _ in stmt.branches]
    if cls is n.ForEach:
        return [stmt.iterable]
    return []


def children(expr) -> list:
    """Return the sub-expressions of ``expr`` in source order."""
    cls = type(expr)
    if cls in (n.Binary, n.Logic):
        return [expr.left, expr.right]
    if cls is n.Unary:
        return [expr.operand]
    if cls in (n.Call, n.TypedList):
        return list(expr.args)
    if cls is n.MethodCall:
        return [expr.receiver, *expr.args]
    if cls is n.Member:
        return [expr.receiver]
    if cls is n.KeyValueArg:
        return [expr.key, expr.value]
    if cls is n.ListLiteral:
        return list(expr.items)
    if cls is n.MapLiteral:
        return [x for pair in expr.pairs for x in pair]
    if cls is n.IfExpr:
        return [expr.condition, expr.then, expr.otherwise]
    if cls is n.Task:
        return [p.value for p in expr.params]
    if cls is n.FormQuery:
        return [expr.criteria]
    return []


def walk_expressions(stmt):
    """Yield every expression of one statement, outermost first."""
    stack = list(reversed(statement_expressions(stmt)))
    while stack:
        expr = stack.pop()
        yield expr
        stack.extend(reversed(children(expr)))


class Checker:
    def __init__(
        self, function: n.FunctionDef, lines: list, signatures: dict, out: list
    ):
        self.function = function
        self.lines = lines
        self.signatures = signatures
        self.out = out
        self.defined: set = {p.name for p in function.params}
        self.assigned = assigned_names(function)
        self.catch_vars: set = set()
        parameter_types = {
            p.name: declared_type(p.type_name)
            for p in function.params
            if declared_type(p.type_name) is not None
        }
        self.types = {
            k: v
            for k, v in infer_variables(function, parameter_types).items()
            if v is not LOOSE
        }
        self.return_type = function.return_type
        self.type_cache: dict = {}

    def type_of(self, node, variables=None) -> str | None:
        return expression_type(node, self.types, self.type_cache)

    def report(self, node, message: str, kind: str = SEMANTIC, severity="error"):
        line, column = node.line, node.column
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        self.out.append(Diagnostic(line, column, message, kind, severity, text))

    def run(self) -> None:
        self.block(self.function.body, loop_depth=0)

    def block(self, statements: list, loop_depth: int) -> None:
        for stmt in statements:
            self.statement(stmt, loop_depth)

    def statement(self, stmt, loop_depth: int) -> None:
        cls = type(stmt)
        if cls is n.Assign or cls is n.AugAssign:
            self.check_variable_name(stmt, stmt.name)
        elif cls is n.ForEach:
            where = n.Name(stmt.var_line, stmt.var_column, stmt.var)
            self.check_variable_name(where, stmt.var)
        if cls is n.Assign:
            self.expression(stmt.value)
            self.defined.add(stmt.name)
        elif cls is n.AugAssign:
            self.read(n.Name(stmt.line, stmt.column, stmt.name))
            self.expression(stmt.value)
            left = expression_type(n.Name(0, 0, stmt.name), self.types)
            right = self.type_of(stmt.value, self.types)
            self._binary_types(stmt, stmt.op, left, right)
        elif cls in (n.ExprStatement, n.Info, n.Throw):
            self.expression(stmt.value)
        elif cls is n.Return:
            self.check_return(stmt)
        elif cls is n.If:
            for condition, body in stmt.branches:
                self.expression(condition)
                self.check_condition(condition)
                self.block(body, loop_depth)
            if stmt.orelse:
                self.block(stmt.orelse, loop_depth)
        elif cls is n.ForEach:
            self.expression(stmt.iterable)
            kind = self.type_of(stmt.iterable, self.types)
            allowed = (LIST,) if stmt.index else (LIST, TEXT)
            if kind is not None and kind not in allowed:
                what = "'for each index'" if stmt.index else "'for each'"
                message = f"{what} cannot iterate a {kind} value"
                if kind == MAP:
                    message += "; iterate its keys with 'for each key in m.keys()'"
                self.report(stmt.iterable, message)
            self.defined.add(stmt.var)
            self.block(stmt.body, loop_depth + 1)
        elif cls is n.Try:
            self.check_variable_name(
                n.Name(stmt.var_line, stmt.var_column, stmt.var), stmt.var
            )
            self.block(stmt.body, loop_depth)
            self.defined.add(stmt.var)
            self.catch_vars.add(stmt.var)
            self.block(stmt.handler, loop_depth)
        elif cls is n.Break or cls is n.Continue:
            if loop_depth == 0:
                word = "break" if cls is n.Break else "continue"
                self.report(stmt, f"'{word}' is only allowed inside a 'for each' loop")
        elif cls is n.CreatorOnly:
            self.report(
                stmt,
                f"'{stmt.construct}' is a Zoho Creator statement and is not "
                "available in this product",
                SYNTAX,
            )

    def check_variable_name(self, node, name: str) -> None:
        if name.lower() in RESERVED_WORDS:
            self.report(
                node,
                f"'{name}' is a reserved word in Deluge and cannot be a variable "
                f"name; rename the variable, for example to '{name}Value'",
            )

    def check_return(self, stmt: n.Return) -> None:
        declared = self.return_type
        if stmt.value is not None:
            self.expression(stmt.value)
        if declared is None:
            return
        if declared == "void":
            if stmt.value is not None:
                self.report(
                    stmt, "A 'void' function cannot return a value; write 'return;'"
                )
            return
        if stmt.value is None:
            self.report(
                stmt, f"The function returns {declared}; 'return' needs a value"
            )
            return
        expected = declared_type(declared)
        actual = self.type_of(stmt.value, self.types)
        if expected is None or actual is None or actual == expected:
            return
        if expected == DECIMAL and actual == NUMBER:
            return
        if actual == LIST:
            return
        self.report(
            stmt.value,
            f"Invalid return type: the function returns {declared.upper()} but "
            f"the value is of type {actual}",
        )

    def check_condition(self, condition) -> None:
        kind = self.type_of(condition, self.types)
        if kind is not None and kind != BOOLEAN:
            self.report(condition, f"A condition must be BOOLEAN but this is {kind}")

    def read(self, name: n.Name) -> None:
        if name.name in self.defined:
            return
        system = DATE_VARIABLES.get(name.name.lower())
        if system is not None:
            name.system = system
            return
        self.report(name, f"Variable '{name.name}' is not defined")

    def expression(self, root) -> None:
        stack = [root]
        while stack:
            expr = stack.pop()
            cls = type(expr)
            if cls is n.Name:
                self.read(expr)
            elif cls is n.Number and not NUMBER_MIN <= expr.value <= NUMBER_MAX:
                self.report(
                    expr,
                    f"The number {expr.value} does not fit a 64-bit NUMBER; "
                    f"write it as a decimal such as {expr.value}.0",
                )
            elif cls is n.Binary:
                left = self.type_of(expr.left, self.types)
                right = self.type_of(expr.right, self.types)
                self._binary_types(expr, expr.op, left, right)
            elif cls is n.Logic:
                for side in (expr.left, expr.right):
                    self.check_condition(side)
            elif cls is n.Unary and expr.op == "!":
                self.check_condition(expr.operand)
            elif cls is n.IfExpr:
                self.check_condition(expr.condition)
            elif cls is n.Call:
                self.check_call(expr)
            elif cls is n.MethodCall:
                local = self.local_call(expr)
                if local is not None:
                    self.check_call(local)
                    stack.extend(reversed(expr.args))
                    continue
                if self.check_creator_reference(expr, expr.receiver):
                    stack.extend(reversed(expr.args))
                    continue
                self.check_method(expr)
            elif cls is n.Member:
                if self.check_creator_reference(expr, expr):
                    continue
                if self.check_member(expr):
                    continue
            elif cls is n.Task:
                self.check_task(expr)
                for param in reversed(expr.params):
                    value = param.value
                    if not (
                        isinstance(value, n.Name)
                        and value.name.lower() in TASK_WORDS
                        and value.name not in self.defined
                    ):
                        stack.append(value)
                continue
            elif cls is n.FormQuery:
                if expr.form in self.assigned:
                    # `items[0]` or `m["key"]` on a variable, not a form.
                    self.report(
                        expr,
                        f"Deluge has no '[...]' index operator; write "
                        f"{expr.form}.get(...) to read an element or a key",
                    )
                    stack.append(expr.criteria)
                    continue
                self.report(
                    expr,
                    f"'{expr.form}[...]' is a Zoho Creator record query and is "
                    "not available in this product",
                    SYNTAX,
                )
                continue
            elif cls is n.TypedList:
                kind = TYPE_ALIASES.get(expr.element_type.lower())
                if kind not in LIST_ELEMENT_TYPES:
                    self.report(
                        expr,
                        f"List:{expr.element_type} is not a list type; use "
                        "String, Int, Float, Bool or Date",
                    )
            elif cls is n.MapLiteral:
                for key, _value in expr.pairs:
                    kind = self.type_of(key, self.types)
                    if kind == MAP:
                        self.report(key, f"A {kind} value cannot be a map key")
            stack.extend(reversed(children(expr)))

    def _binary_types(self, node, op, left, right) -> None:
        if not is_valid_binary(op, left, right):
            self.report(
                node,
                f"Left expression is of type {left} and right expression is of "
                f"type {right} and operator {op} is not valid",
            )

    def local_call(self, expr: n.MethodCall) -> n.Call | None:
        """Return ``ns.fn(...)`` as a call if the script defines ``ns.fn``."""
        path = n.call_path(expr)
        if path is None:
            return None
        root, dotted = path
        if dotted.lower() not in self.signatures or root in self.assigned:
            return None
        return n.Call(expr.receiver.line, expr.receiver.column, dotted, expr.args)

    def check_creator_reference(self, expr, reference) -> bool:
        """Report ``input.Field`` and ``thisapp.fn()``, Creator-only names.

        Returns True if ``reference`` starts with such a name, so that its
        receiver is not also reported as an undefined variable.
        """
        root = reference
        while isinstance(root, n.Member):
            root = root.receiver
        if not isinstance(root, n.Name):
            return False
        word = root.name.lower()
        if word not in CREATOR_NAMES or root.name in self.defined:
            return False
        dotted = _dotted(reference) or root.name
        if isinstance(expr, n.MethodCall):
            dotted = f"{dotted}.{expr.name}()"
        self.report(
            root,
            f"'{dotted}' {CREATOR_NAMES[word]} is a Zoho Creator reference and "
            "is not available in this product",
            SYNTAX,
        )
        return True

    def check_member(self, expr: n.Member) -> bool:
        """Check ``a.b``; return True if the receiver needs no further checks."""
        receiver = expr.receiver
        if isinstance(receiver, n.Name) and receiver.name.lower() == "zoho":
            if expr.name.lower() not in n.ZOHO_SYSTEM_VALUES:
                self.report(expr, f"zoho.{expr.name} is not available in this product")
            return True
        if isinstance(receiver, n.Member):
            dotted = _dotted(receiver)
            if dotted and dotted.lower().startswith("zoho."):
                self.report(
                    expr, f"{dotted}.{expr.name} is not available in this product"
                )
                return True
        if (
            isinstance(receiver, n.Name)
            and receiver.name in self.catch_vars
            and expr.name.lower() in CATCH_FIELDS
        ):
            return False
        from runtime.dispatch import is_method_name

        if is_method_name(expr.name.lower()):
            message = (
                f"'.{expr.name}' is a function and needs parentheses; "
                f"write .{expr.name}()"
            )
        else:
            message = (
                f"'.{expr.name}' without parentheses is not supported; use "
                f'.get("{expr.name}") to read a map key'
            )
        self.report(expr, message)
        return False

    def check_task(self, expr: n.Task) -> None:
        if expr.name == "sendmail":
            self.report(expr, "'sendmail' is not available in this product")
        elif expr.name not in AVAILABLE_TASKS:
            self.report(expr, f"'{expr.name}' is not available in this product")
        elif not any(parameter_key(p.key) == "url" for p in expr.params):
            self.report(expr, "'invokeurl' needs a 'url' parameter")
        else:
            keys = [p.key for p in expr.params]
            problem = parameter_key_problem(keys)
            if problem is not None:
                # Point at the first key line that makes the list invalid.
                wrong = next(
                    param
                    for count, param in enumerate(expr.params, 1)
                    if parameter_key_problem(keys[:count]) is not None
                )
                self.report(wrong, problem)

    def check_call(self, expr: n.Call) -> None:
        lowered = expr.name.lower()
        count = len(expr.args)
        if lowered != "collection":
            # Only Collection() and collection methods take pairs. Anywhere
            # else the pair would reach a value or a parameter.
            for arg in expr.args:
                if type(arg) is n.KeyValueArg:
                    self.report(
                        arg,
                        f"'{expr.name}' does not take a key: value pair; only "
                        "Collection() and collection methods take pairs",
                    )
                    return
        if lowered.startswith(UNAVAILABLE_TASKS):
            self.report(expr, f"{expr.name} is not available in this product")
            return
        if lowered in LANGUAGE_FUNCTIONS:
            low, high = LANGUAGE_FUNCTIONS[lowered]
            self._count(expr, expr.name, count, low, high)
            return
        signature = self.signatures.get(lowered)
        if signature is not None:
            self._count(
                expr, expr.name, count, len(signature.params), len(signature.params)
            )
            for arg, param in zip(expr.args, signature.params):
                expected = declared_type(param.type_name)
                actual = self.type_of(arg, self.types)
                if (
                    expected
                    and actual
                    and actual != expected
                    and not (expected == DECIMAL and actual == NUMBER)
                ):
                    self.report(
                        arg,
                        f"Argument '{param.name}' of '{expr.name}' must be "
                        f"{expected} but this is {actual}",
                    )
            return
        from runtime.registry import FUNCTIONS, lookup_function, suggest

        by_type = lookup_function(expr.name)
        if by_type is None and is_other_zoho_task(lowered):
            self.report(
                expr,
                f"{unavailable_zoho_name(expr.name)} is not available in this product",
            )
            return
        if by_type is None and lowered in CREATOR_FUNCTIONS:
            self.report(
                expr,
                f"'{expr.name}' is a Zoho Creator function and is not available "
                "in this product",
            )
            return
        if by_type is None:
            message = f"Function '{expr.name}' is not defined"
            hint = suggest(
                expr.name, (b.name for d in FUNCTIONS.values() for b in d.values())
            )
            if hint:
                message += f"; did you mean '{hint}'?"
            self.report(expr, message)
            return
        if None in by_type:
            entry = by_type[None]
            self._count(expr, entry.name, count, entry.min_args, entry.max_args)
            return
        if count == 0:
            self.report(expr, f"Function '{expr.name}' expects a value to act on")
            return
        receiver_type = self.type_of(expr.args[0], self.types)
        entry = by_type.get(receiver_type) if receiver_type else None
        if entry is None:
            from runtime.registry import ANY

            entry = by_type.get(ANY)
        if entry is None and receiver_type is not None and len(by_type) > 0:
            self.report(
                expr,
                f"Function '{expr.name}' is not applicable to a {receiver_type} value",
            )
            return
        if entry is not None:
            self._count(expr, entry.name, count - 1, entry.min_args, entry.max_args)

    def check_method(self, expr: n.MethodCall) -> None:
        receiver_type = self.type_of(expr.receiver, self.types)
        if receiver_type is None:
            return
        from runtime.registry import lookup_method, method_names, suggest

        entry = lookup_method(receiver_type, expr.name)
        if entry is None:
            message = (
                f"Function '{expr.name}' is not applicable to a {receiver_type} value"
            )
            hint = suggest(expr.name, method_names(receiver_type))
            if hint:
                message += f"; did you mean '{hint}'?"
            self.report(expr, message)
            return
        self._count(expr, entry.name, len(expr.args), entry.min_args, entry.max_args)

    def _count(self, expr, name, count, low, high) -> None:
        if count >= low and (high is None or count <= high):
            return
        if low == high:
            expected = str(low)
        elif high is None:
            expected = f"at least {low}"
        else:
            expected = f"{low} to {high}"
        self.report(
            expr, f"Function '{name}' expects {expected} argument(s) but got {count}"
        )


def _dotted(node) -> str | None:
    if isinstance(node, n.Name):
        return node.name
    if isinstance(node, n.Member):
        base = _dotted(node.receiver)
        return None if base is None else f"{base}.{node.name}"
    return None


def check_program(
    function: n.FunctionDef, lines: list, signatures: dict, out: list
) -> None:
    """Run every check on ``function`` and append the findings to ``out``."""
    Checker(function, lines, signatures, out).run()


__all__ = ["WARNING", "check_program", "walk_expressions", "walk_statements"]
