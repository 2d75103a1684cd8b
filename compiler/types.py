"""Static types of Deluge expressions, as far as literals and declarations tell.

A variable has a static type only if every assignment to it in the function
gives the same known type (re-assigning with another type is allowed, so a
single differing assignment makes the type unknown). ``None`` means unknown.
"""

from __future__ import annotations

import functools

from compiler import nodes as n
from runtime.namespace import TYPE_ALIASES
from runtime.values import BOOLEAN, DECIMAL, LIST, MAP, NUMBER, TEXT

COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}
LOOSE = object()  # marks a variable whose assignments disagree


def declared_type(type_name: str | None) -> str | None:
    if type_name is None:
        return None
    return TYPE_ALIASES.get(type_name.lower())


def expression_type(
    node, variables: dict, cache: dict | None = None, results=None
) -> str | None:
    """Return the Deluge type of ``node`` when it is known statically.

    ``cache`` (keyed by node id) keeps long operator chains linear.
    ``results`` is None or a set of global function names (lower case). With
    a set, a call of a built-in that is not one of them has the result type
    that the dispatch table declares (``returns``). The lowering passes a
    set and the checks pass None.
    """
    if cache is None:
        return _expression_type(node, variables, None, results)
    key = id(node)
    if key not in cache:
        cache[key] = _expression_type(node, variables, cache, results)
    return cache[key]


def _expression_type(node, variables: dict, cache, results) -> str | None:
    cls = type(node)
    if cls is n.Number:
        return NUMBER
    if cls is n.Decimal:
        return DECIMAL
    if cls is n.Text:
        return TEXT
    if cls is n.Boolean:
        return BOOLEAN
    if cls is n.ListLiteral or cls is n.TypedList:
        return LIST
    if cls is n.MapLiteral:
        return MAP
    if cls is n.Name:
        found = variables.get(node.name)
        return None if found is LOOSE else found
    if cls is n.Logic:
        return BOOLEAN
    if cls is n.Unary:
        if node.op == "!":
            return BOOLEAN
        inner = expression_type(node.operand, variables, cache, results)
        return inner if inner in (NUMBER, DECIMAL) else None
    if cls is n.Binary:
        if node.op in COMPARISONS:
            return BOOLEAN
        left = expression_type(node.left, variables, cache, results)
        right = expression_type(node.right, variables, cache, results)
        return binary_type(node.op, left, right)
    if cls is n.Call:
        lowered = node.name.lower()
        if lowered == "map":
            return MAP
        if lowered == "list":
            return LIST
        if lowered == "isnull":
            return BOOLEAN
        if results is not None and lowered not in results:
            return function_result_type(lowered)
        return None
    if cls is n.MethodCall and results is not None:
        receiver = expression_type(node.receiver, variables, cache, results)
        return method_result_type(receiver, node.name.lower())
    if cls is n.IfExpr:
        a = expression_type(node.then, variables, cache, results)
        b = expression_type(node.otherwise, variables, cache, results)
        return a if a == b else None
    return None


@functools.cache
def _method_results(name: str) -> dict:
    from runtime.registry import METHODS

    return {t: b.returns for (t, key), b in METHODS.items() if key == name}


def method_result_type(receiver_type: str | None, name: str) -> str | None:
    """Return the declared result type of method ``name`` on ``receiver_type``.

    With the receiver type unknown, the type is known only when every
    registration of the name declares the same one.
    """
    if receiver_type is not None:
        from runtime.registry import lookup_method

        entry = lookup_method(receiver_type, name)
        return entry.returns if entry is not None else None
    declared = set(_method_results(name).values())
    return declared.pop() if len(declared) == 1 else None


def function_result_type(name: str) -> str | None:
    """Return the declared result type of the built-in function ``name``."""
    from runtime.registry import lookup_function

    if name in ("ifnull", "collection"):
        return None
    by_type = lookup_function(name)
    if not by_type:
        return None
    declared = {b.returns for b in by_type.values()}
    return declared.pop() if len(declared) == 1 else None


def binary_type(op: str, left: str | None, right: str | None) -> str | None:
    """Return the result type of an arithmetic operator on known operand types."""
    if op == "+" and (left == TEXT or right == TEXT):
        return TEXT
    if left in (NUMBER, DECIMAL) and right in (NUMBER, DECIMAL):
        return NUMBER if left == right == NUMBER else DECIMAL
    return None


def is_valid_binary(op: str, left: str | None, right: str | None) -> bool:
    """Tell whether known operand types fit an operator (unknown always fits)."""
    if left is None or right is None:
        return True
    if op in ("==", "!="):
        return True
    numeric = (NUMBER, DECIMAL)
    if op in ("<", "<=", ">", ">="):
        if left in numeric and right in numeric:
            return True
        return left == right and left == TEXT
    if op == "+":
        if left == TEXT or right == TEXT:
            return True
        return left in numeric and right in numeric
    return left in numeric and right in numeric


def infer_variables(
    function: n.FunctionDef,
    parameter_types: dict,
    results=None,
    optimistic: bool = False,
) -> dict:
    """Map each variable of ``function`` to its static type, or LOOSE.

    ``results`` is passed on to ``expression_type``. With ``optimistic`` an
    accumulator such as ``n = 0; ... n = n + 1;`` gets a type too: the
    first guess leaves out assignments whose type depends on variables not
    typed yet, and the guess is kept only if every assignment then has the
    type of its variable (a fixed point). Otherwise, and without
    ``optimistic``, a self-referring assignment makes its variable LOOSE.
    """
    assignments: list = []
    _collect(function.body, assignments)
    if optimistic:
        solved = _fixed_point(assignments, parameter_types, results)
        if solved is not None:
            return solved
    variables: dict = dict(parameter_types)
    for _round in range(3):
        found: dict = dict(parameter_types)
        for name, value in assignments:
            if value is LOOSE:
                found[name] = LOOSE
                continue
            kind = (
                value
                if isinstance(value, str)
                else expression_type(value, variables, None, results)
            )
            previous = found.get(name, kind) if name in found else kind
            found[name] = kind if previous == kind and kind is not None else LOOSE
        if found == variables:
            break
        variables = found
    return variables


def _assignment_types(assignments, parameter_types, variables, results, guess):
    found: dict = dict(parameter_types)
    for name, value in assignments:
        if value is LOOSE:
            found[name] = LOOSE
            continue
        if isinstance(value, str):
            kind = value
        else:
            kind = expression_type(value, variables, None, results)
        if kind is None:
            if guess:
                continue
            kind = LOOSE
        previous = found.get(name, kind)
        found[name] = kind if previous == kind else LOOSE
    return found


def _fixed_point(assignments, parameter_types, results, rounds: int = 10):
    variables = _assignment_types(
        assignments, parameter_types, dict(parameter_types), results, guess=True
    )
    for _round in range(rounds):
        found = _assignment_types(
            assignments, parameter_types, variables, results, guess=False
        )
        if found == variables:
            return variables
        variables = found
    return None


def _collect(statements: list, out: list) -> None:
    for stmt in statements:
        cls = type(stmt)
        if cls is n.Assign:
            out.append((stmt.name, stmt.value))
        elif cls is n.AugAssign:
            out.append(
                (
                    stmt.name,
                    n.Binary(
                        stmt.line,
                        stmt.column,
                        stmt.op,
                        n.Name(stmt.line, stmt.column, stmt.name),
                        stmt.value,
                    ),
                )
            )
        elif cls is n.If:
            for _cond, body in stmt.branches:
                _collect(body, out)
            if stmt.orelse:
                _collect(stmt.orelse, out)
        elif cls is n.ForEach:
            out.append((stmt.var, NUMBER if stmt.index else LOOSE))
            _collect(stmt.body, out)
        elif cls is n.Try:
            out.append((stmt.var, LOOSE))
            _collect(stmt.body, out)
            _collect(stmt.handler, out)
