"""The rule that a full definition's header agrees with the declared signature.

A callback's parameters and return type are fields of the record; its script
may also start with a header such as ``map fn(string name, int id) { ... }``.
The two must agree in parameter names, order and types, and in return type,
or the header would silently override the record's fields.
"""

from __future__ import annotations

from compiler.parser import parse
from compiler.pipeline import entry_definition
from runtime.namespace import TYPE_ALIASES
from server.errors import CompileFailed


def _same_type(header_type: str | None, declared: str | None) -> bool:
    if header_type is None or declared is None:
        return True
    header = header_type.lower()
    expected = declared.lower()
    if "void" in (header, expected):
        return header == expected
    return TYPE_ALIASES.get(header, header) == TYPE_ALIASES.get(expected, expected)


def check_header(
    script: str,
    parameters: list[dict],
    return_type: str | None,
    name: str | None,
    kind: str = "callback",
):
    """Raise ``CompileFailed`` if the script's header disagrees with the fields.

    The header checked is that of the definition the compiler runs for the
    function ``name`` (the first one when None), so a helper defined before
    it is not mistaken for it.
    ``kind`` names the record in the message: "callback" or "global function".
    A bare body, or a script that does not parse, passes: the compiler
    reports syntax errors itself.
    """
    parsed = parse(script)
    header = entry_definition(parsed.tree, name)
    if header is None or not header.has_header:
        return
    problems: list[str] = []
    header_names = [p.name for p in header.params]
    declared_names = [p["name"] for p in parameters]
    if header_names != declared_names:
        problems.append(
            f"the header declares parameters ({', '.join(header_names) or 'none'}) "
            f"but the {kind} declares ({', '.join(declared_names) or 'none'})"
        )
    else:
        for param, declared in zip(header.params, parameters, strict=True):
            if not _same_type(param.type_name, declared["type"]):
                problems.append(
                    f"parameter '{param.name}' is {param.type_name} in the header "
                    f"but {declared['type']} in the {kind}"
                )
    if not _same_type(header.return_type, return_type):
        problems.append(
            f"the header returns {header.return_type} but the {kind}'s return "
            f"type is {return_type}"
        )
    if problems:
        message = f"The function header disagrees with the {kind}: " + "; ".join(
            problems
        )
        raise CompileFailed(
            message,
            diagnostics=[
                {
                    "line": header.line,
                    "column": header.column,
                    "message": message,
                    "kind": "semantic",
                    "severity": "error",
                }
            ],
        )
