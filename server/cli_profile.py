"""The ``profile`` command: run a ``.dg`` file and report time per Deluge line."""

from __future__ import annotations

import json
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from server.cli_source import UsageError, read_source


def add_profile_parser(commands) -> None:
    """Register ``profile FILE --arguments JSON [--repeat N]``."""
    from server.cli import _add_signature_options

    profile = commands.add_parser(
        "profile",
        help="run a .dg file and report time and statements per Deluge line",
    )
    profile.add_argument("file", type=Path)
    profile.add_argument(
        "--arguments", default="{}", help="the arguments as a JSON object"
    )
    profile.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs to profile; figures are totals over the runs (default 1)",
    )
    profile.add_argument(
        "--top",
        type=int,
        default=20,
        help="slowest lines to print; 0 prints every line (default 20)",
    )
    profile.add_argument("--format", choices=("text", "json"), default="text")
    _add_signature_options(profile)


def profile_command(options) -> int:
    from runtime.limits import Limits
    from runtime.program import load_program
    from server.arguments_check import convert_invocation_arguments
    from server.cli import _compile, _print_diagnostics
    from server.errors import InvalidInput
    from server.profile import format_report, profile_program
    from server.request_body import parse_json

    if options.repeat < 1:
        raise UsageError(f"--repeat must be at least 1, not {options.repeat}")
    path = options.file
    source = read_source(path, options.param, options.return_type)
    compiled = _compile(source)
    _print_diagnostics(compiled, str(path))
    if not compiled.ok:
        return 1
    limits = Limits()
    try:
        raw = parse_json(options.arguments, limits.nesting_depth, what="--arguments")
        if not isinstance(raw, dict):
            raise InvalidInput("--arguments must be a JSON object")
        parameters = [(p["name"], p["type"]) for p in source.parameters]
        arguments = convert_invocation_arguments(parameters, raw, limits)
    except InvalidInput as exc:
        print(json.dumps({"errorMessage": exc.message}, ensure_ascii=False))
        return 1
    report = profile_program(
        load_program(compiled.code),
        arguments,
        repeat=options.repeat,
        main_label=source.name,
        limits=limits,
        tz=ZoneInfo(os.environ.get("DELUGE_CALLBACKS_TIME_ZONE", "UTC")),
        return_type=source.return_type,
    )
    if options.format == "json":
        print(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
    else:
        result = report.result
        if result.error is not None:
            print(f"errorMessage: {result.error}")
        else:
            print("output: " + json.dumps(result.output, ensure_ascii=False))
        source_lines = source.script.splitlines()
        print(format_report(report, source_lines, source.name, options.top))
    return 1 if report.result.error is not None else 0
