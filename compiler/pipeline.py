"""``compile_function``: parse, check, lower, validate and compile one callback."""

from __future__ import annotations

import ast
import gc
import logging
from dataclasses import dataclass, field

import astor

from compiler import nodes as n
from compiler.checks import check_program
from compiler.diagnostics import ERROR, SEMANTIC, Diagnostic
from compiler.lower import (
    LEGACY_HTTP,
    MAIN_FUNCTION,
    ModuleLowering,
    python_function_name,
)
from compiler.parser import parse
from compiler.validate import validate
from runtime.limits import Limits

logger = logging.getLogger(__name__)


@dataclass
class CompileResult:
    """The outcome of ``compile_function``; ``code`` is None unless ``ok``."""

    diagnostics: list = field(default_factory=list)
    code: object = None
    dependencies: list = field(default_factory=list)
    blocking: bool = False
    tree: object = None  # the validated ast.Module
    _python_source: str | None = None

    @property
    def python_source(self) -> str:
        """The tree rendered by astor, each statement tagged with its Deluge line.

        Rendered on first access, because publishing needs only ``code``.
        """
        if self._python_source is None:
            self._python_source = "" if self.tree is None else render_python(self.tree)
        return self._python_source

    @property
    def ok(self) -> bool:
        return not any(d.severity == ERROR for d in self.diagnostics)

    @property
    def errors(self) -> list:
        return [d for d in self.diagnostics if d.severity == ERROR]


@dataclass
class GlobalFunction:
    """A reached global function: its source object and its parsed definition."""

    source: object
    definition: n.FunctionDef
    python_name: str
    lines: list


def compile_function(
    source: str,
    name: str = "main",
    parameters=(),
    return_type: str | None = None,
    resolve_global=None,
    filename: str = "<deluge>",
    max_depth: int | None = None,
    count_statements: bool = True,
) -> CompileResult:
    """Compile Deluge ``source`` (a bare body or full definitions) to a module.

    ``count_statements=False`` leaves out the statement counter and its
    ``ctx.tick()`` checks, so the statement and wall-time limits are not
    enforced. It exists only to measure their cost in benchmarks; the
    service never passes it.
    """
    # The compiler allocates many small objects that live until it returns,
    # and the cyclic collector would only rescan them. Pausing it made the
    # 10,006-line corpus of benchmarks/compile_throughput.py compile about
    # 25% faster in one measurement.
    collecting = gc.isenabled()
    if collecting:
        gc.disable()
    try:
        return _compile_function(
            source,
            name,
            parameters,
            return_type,
            resolve_global,
            filename,
            max_depth,
            count_statements,
        )
    finally:
        if collecting:
            gc.enable()


def _compile_function(
    source,
    name,
    parameters,
    return_type,
    resolve_global,
    filename,
    max_depth,
    count_statements,
) -> CompileResult:
    max_depth = max_depth or Limits().nesting_depth
    result = CompileResult()
    parsed = parse(source, max_depth)
    result.diagnostics.extend(parsed.diagnostics)
    if parsed.tree is None:
        return result
    main, local_functions = _main_function(parsed.tree, name, parameters, return_type)

    functions_by_name: dict = {}
    for function in local_functions:
        short = function.name.split(".")[-1]
        functions_by_name.setdefault(function.name.lower(), function)
        functions_by_name.setdefault(short.lower(), function)

    try:
        tree = _check_and_lower(
            main,
            parsed,
            functions_by_name,
            resolve_global,
            result,
            filename,
            max_depth,
            count_statements,
        )
    except RecursionError:
        result.diagnostics.append(
            Diagnostic(
                1,
                1,
                f"The script nests expressions deeper than {max_depth} "
                "levels or chains too many operators; split it into "
                "smaller expressions",
                SEMANTIC,
            )
        )
        result.code = None
        return result
    if tree is None:
        return result
    result.tree = tree
    return result


def _check_and_lower(
    main,
    parsed,
    functions_by_name,
    resolve_global,
    result,
    filename,
    max_depth,
    count_statements=True,
):
    """Check every reached function, then lower and compile; None on errors."""
    globals_reached: dict = {}
    _reach_globals(
        main,
        parsed.lines,
        functions_by_name,
        resolve_global,
        globals_reached,
        result,
        max_depth,
    )
    signatures = {key: g.definition for key, g in globals_reached.items()}
    for key, function in functions_by_name.items():
        signatures.setdefault(key, function)

    check_program(main, parsed.lines, signatures, result.diagnostics)
    checked = {id(main)}
    for reached in globals_reached.values():
        if id(reached.definition) in checked:
            continue
        checked.add(id(reached.definition))
        found: list = []
        check_program(reached.definition, reached.lines, signatures, found)
        label = getattr(reached.source, "name", reached.definition.name)
        result.diagnostics.extend(
            Diagnostic(
                d.line, d.column, d.message, d.kind, d.severity, d.source_line, label
            )
            for d in found
        )
    if not result.ok:
        return None

    python_names = {key: g.python_name for key, g in globals_reached.items()}
    module_lowering = ModuleLowering(python_names, count_statements)
    functions = [(MAIN_FUNCTION, main)]
    seen = {id(main)}
    for reached in globals_reached.values():
        if id(reached.definition) not in seen:
            seen.add(id(reached.definition))
            functions.append((reached.python_name, reached.definition))
    names = {py: d.name for py, d in functions[1:]}
    tree = module_lowering.lower(functions, [p.name for p in main.params], names)
    validate(tree)
    result.code = compile(tree, filename, "exec", dont_inherit=True)
    result.blocking = module_lowering.blocking or any(
        _reaches_http(f) for _, f in functions
    )
    seen_sources: set = set()
    for reached in globals_reached.values():
        if reached.source is not None and id(reached.source) not in seen_sources:
            seen_sources.add(id(reached.source))
            result.dependencies.append(
                (
                    getattr(reached.source, "id", None),
                    getattr(reached.source, "version", None),
                )
            )
    return tree


def render_python(tree: ast.Module) -> str:
    """Render the tree as Python text with the Deluge line beside each statement."""
    try:
        text = astor.to_source(tree, add_line_information=True)
    except RecursionError:
        return "# the generated module is too deeply nested to render\n"
    out: list[str] = []
    pending: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("# line: "):
            pending = stripped[len("# line: ") :]
            continue
        if pending is not None and stripped:
            out.append(f"{line}  # Deluge line {pending}")
            pending = None
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def entry_definition(tree, name: str | None):
    """Return the definition that a call of the function ``name`` runs.

    In a script of full definitions that is the one whose name, without its
    namespace, equals ``name`` in any case, or else the first (always the
    first when ``name`` is None). A bare body has no definition, so the
    result is None.
    """
    if not tree or not isinstance(tree[0], n.FunctionDef):
        return None
    if name is None:
        return tree[0]
    for definition in tree:
        if definition.name.split(".")[-1].lower() == name.lower():
            return definition
    return tree[0]


def _main_function(tree, name, parameters, return_type):
    main = entry_definition(tree, name)
    if main is not None:
        return main, list(tree)
    params = [n.Param((t or "").lower() or None, p, 1, 1) for p, t in parameters]
    main = n.FunctionDef(
        1,
        1,
        return_type.lower() if return_type else None,
        name,
        params,
        tree,
        has_header=False,
    )
    return main, []


def _reach_globals(
    main, lines, local_functions, resolve_global, reached, result, max_depth
):
    """Find every function reachable from ``main``, parsing global ones on demand."""
    pending = [main] + [f for f in local_functions.values() if f is not main]
    done: set = set()
    for function in list(local_functions.values()):
        key = function.name.lower()
        if key not in reached:
            reached[key] = GlobalFunction(
                None, function, python_function_name(function.name), lines
            )
            short = function.name.split(".")[-1].lower()
            reached.setdefault(short, reached[key])
    while pending:
        function = pending.pop()
        if id(function) in done:
            continue
        done.add(id(function))
        for call in _calls(function):
            key = call.name.lower()
            if key in reached or resolve_global is None or "." in key:
                continue
            found = resolve_global(call.name)
            if found is None:
                continue
            parsed = parse(found.script, max_depth)
            label = getattr(found, "name", call.name)
            if parsed.tree is None:
                for d in parsed.diagnostics:
                    result.diagnostics.append(
                        Diagnostic(
                            d.line,
                            d.column,
                            d.message,
                            d.kind,
                            d.severity,
                            d.source_line,
                            label,
                        )
                    )
                continue
            definition = _global_definition(found, parsed.tree)
            entry = GlobalFunction(
                found,
                definition,
                python_function_name(call.name.lower()),
                parsed.lines,
            )
            reached[key] = entry
            pending.append(definition)


def _global_definition(found, tree) -> n.FunctionDef:
    definition = entry_definition(tree, None)
    if definition is not None:
        definition.name = found.name
        return definition
    params = [n.Param((t or "").lower() or None, p, 1, 1) for p, t in found.parameters]
    return_type = found.return_type.lower() if found.return_type else None
    return n.FunctionDef(1, 1, return_type, found.name, params, tree, has_header=False)


def _calls(function) -> list:
    """Return the calls by name in ``function``, walked once and kept on it."""
    found = function.calls
    if found is None:
        from compiler.checks import walk_expressions, walk_statements

        found = [
            expr
            for stmt in walk_statements(function.body)
            for expr in walk_expressions(stmt)
            if type(expr) is n.Call
        ]
        function.calls = found
    return found


def _reaches_http(function) -> bool:
    return any(call.name.lower() in LEGACY_HTTP for call in _calls(function))
