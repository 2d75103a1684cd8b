"""Reading ``.dg`` files for the command line: a full definition or a bare body."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from compiler.nodes import FunctionDef
from compiler.parser import parse
from server.validation import PARAMETER_TYPES, RETURN_TYPES


class UsageError(ValueError):
    """A command-line option or input file is invalid; the message names it."""


@dataclass
class DelugeSource:
    """A ``.dg`` file with the signature to compile and run it under."""

    path: Path
    script: str
    name: str
    parameters: list[dict]
    return_type: str | None


def parse_param_option(text: str) -> dict:
    """Parse ``--param name:type``."""
    name, sep, type_name = text.partition(":")
    type_name = type_name.strip().lower()
    if not sep or not name.strip() or type_name not in PARAMETER_TYPES:
        raise UsageError(
            f"Invalid --param {text!r}: expected NAME:TYPE with TYPE one of "
            + ", ".join(PARAMETER_TYPES)
        )
    return {"name": name.strip(), "type": type_name}


def read_source(
    path: Path, param_options: list[str] | None, return_type: str | None
) -> DelugeSource:
    """Read a ``.dg`` file; a full definition supplies its own signature.

    With a bare body, ``--param`` and ``--return-type`` give the signature;
    with a full definition, the header does, unless the options are given.
    """
    try:
        script = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"Cannot read {path}: {exc}") from None
    parameters = [parse_param_option(p) for p in param_options or []]
    if return_type is not None:
        return_type = return_type.strip().lower()
        if return_type not in RETURN_TYPES:
            raise UsageError(
                f"Invalid --return-type {return_type!r}: expected one of "
                + ", ".join(RETURN_TYPES)
            )
    name = path.stem
    parsed = parse(script)
    header = None
    if parsed.tree and isinstance(parsed.tree[0], FunctionDef):
        header = parsed.tree[0]
    if header is not None:
        name = header.name.split(".")[-1]
        if not param_options:
            parameters = [
                {"name": p.name, "type": (p.type_name or "string").lower()}
                for p in header.params
            ]
        if return_type is None and header.return_type:
            return_type = header.return_type.lower()
    return DelugeSource(path, script, name, parameters, return_type)
