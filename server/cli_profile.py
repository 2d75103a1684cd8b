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
    from server.cli_data import add_data_dir_options

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
    add_data_dir_options(profile)


def profile_command(options) -> int:
    from server.cli_data import open_portal

    if options.repeat < 1:
        raise UsageError(f"--repeat must be at least 1, not {options.repeat}")
    source = read_source(options.file, options.param, options.return_type)
    portal = open_portal(options.data_dir, options.portal)
    try:
        return _profile_source(options, source, portal)
    finally:
        if portal is not None:
            portal.close()


def _run_options(portal) -> dict:
    """Return the time zone, outbound client and connections of a run.

    With ``--data-dir`` they are the portal's, as for ``run``; without it the
    run has UTC (or ``DELUGE_CALLBACKS_TIME_ZONE``) and no outbound client.
    """
    if portal is None:
        return {"tz": ZoneInfo(os.environ.get("DELUGE_CALLBACKS_TIME_ZONE", "UTC"))}
    from runtime.http_transport import OutboundClient, OutboundPolicy

    policy = OutboundPolicy.from_settings(portal.settings.outbound_allow_list)
    connections = None
    if portal.connections is not None:
        connections = portal.connections.resolver(portal.portal_id)
    return {
        "tz": ZoneInfo(portal.time_zone),
        "outbound": OutboundClient(policy),
        "connections": connections,
    }


def _profile_source(options, source, portal) -> int:
    from runtime.limits import Limits
    from runtime.program import load_program
    from server.arguments_check import convert_invocation_arguments
    from server.cli import _compile, _print_diagnostics
    from server.errors import InvalidInput
    from server.profile import format_report, profile_program
    from server.request_body import parse_json

    compiled = _compile(source, portal)
    _print_diagnostics(compiled, str(options.file))
    if not compiled.ok:
        return 1
    limits = Limits() if portal is None else portal.settings.limits
    try:
        raw = parse_json(options.arguments, limits.nesting_depth, what="--arguments")
        if not isinstance(raw, dict):
            raise InvalidInput("--arguments must be a JSON object")
        parameters = [(p["name"], p["type"]) for p in source.parameters]
        run_options = _run_options(portal)
        arguments = convert_invocation_arguments(
            parameters, raw, limits, run_options["tz"].key
        )
    except InvalidInput as exc:
        print(
            json.dumps(
                {"errorMessage": exc.message}, ensure_ascii=False, separators=(",", ":")
            )
        )
        return 1
    report = profile_program(
        load_program(compiled.code),
        arguments,
        repeat=options.repeat,
        main_label=source.name,
        limits=limits,
        return_type=source.return_type,
        **run_options,
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
