"""The ``deluge-callbacks`` command line: serve, compile, check, run."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from cache.directory import CacheDirectoryError
from server.cli_data import add_data_dir_options, explain_unresolved, open_portal
from server.cli_source import UsageError, read_source
from server.settings import SettingsError

logger = logging.getLogger(__name__)


def _add_signature_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--param",
        action="append",
        metavar="NAME:TYPE",
        help="a parameter of a bare body, e.g. --param id:int (repeatable)",
    )
    parser.add_argument(
        "--return-type",
        metavar="TYPE",
        help="the return type of a bare body (default: any value)",
    )


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("deluge-callbacks")
    except PackageNotFoundError:
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deluge-callbacks",
        description="Host Deluge callback functions and run them by URL.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {_package_version()}"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="TCP port (default 8080)")
    serve.add_argument(
        "--data-dir",
        help="directory of the database, compile cache and keys (default ./data)",
    )
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (default 1)"
    )
    serve.add_argument("--log-level", help="DEBUG, INFO, WARNING or ERROR")
    serve.add_argument(
        "--timeout-graceful-shutdown",
        type=int,
        default=30,
        metavar="SECONDS",
        help="on SIGTERM or SIGINT, wait this long for in-flight requests (default 30)",
    )

    compile_ = commands.add_parser(
        "compile", help="print the Python generated for a .dg file"
    )
    compile_.add_argument("file", type=Path)
    _add_signature_options(compile_)
    add_data_dir_options(compile_)

    check = commands.add_parser(
        "check", help="parse and check every .dg file under the paths"
    )
    check.add_argument("paths", nargs="+", type=Path)
    check.add_argument("--format", choices=("text", "json"), default="text")
    add_data_dir_options(check)

    run = commands.add_parser("run", help="run a .dg file and print the response")
    run.add_argument("file", type=Path)
    run.add_argument("--arguments", default="{}", help="the arguments as a JSON object")
    _add_signature_options(run)
    add_data_dir_options(run)

    from server.cli_profile import add_profile_parser

    add_profile_parser(commands)

    from server.cli_backup import add_backup_parsers

    add_backup_parsers(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    options = parser.parse_args(argv)
    try:
        if options.command == "serve":
            from server.cli_serve import serve

            return serve(options)
        if options.command == "compile":
            return compile_command(options)
        if options.command == "check":
            from server.cli_check import check_command

            return check_command(options)
        if options.command in ("export", "import"):
            from server import cli_backup

            return getattr(cli_backup, f"{options.command}_command")(options)
        if options.command == "profile":
            from server.cli_profile import profile_command

            return profile_command(options)
        return run_command(options)
    except UsageError as exc:
        print(f"deluge-callbacks: error: {exc}", file=sys.stderr)
        return 2
    except (SettingsError, CacheDirectoryError, PermissionError) as exc:
        # Configuration and data-directory problems the operator must fix.
        print(f"deluge-callbacks: error: {exc}", file=sys.stderr)
        return 1


def _compile(source, portal=None):
    """Compile a ``.dg`` source, resolving global functions from ``portal``."""
    from compiler import compile_function

    result = compile_function(
        source.script,
        name=source.name,
        parameters=[(p["name"], p["type"]) for p in source.parameters],
        return_type=source.return_type,
        resolve_global=None if portal is None else portal.resolve_global(),
        filename=str(source.path),
    )
    result.diagnostics = explain_unresolved(result.diagnostics, portal)
    return result


def _print_diagnostics(result, filename: str) -> None:
    for diagnostic in result.diagnostics:
        print(diagnostic.format(filename), file=sys.stderr)


def compile_command(options) -> int:
    source = read_source(options.file, options.param, options.return_type)
    portal = open_portal(options.data_dir, options.portal)
    try:
        result = _compile(source, portal)
    finally:
        if portal is not None:
            portal.close()
    _print_diagnostics(result, str(options.file))
    if not result.ok:
        return 1
    sys.stdout.write(result.python_source)
    return 0


def run_command(options) -> int:
    source = read_source(options.file, options.param, options.return_type)
    portal = open_portal(options.data_dir, options.portal)
    try:
        return _run_source(options, source, portal)
    finally:
        if portal is not None:
            portal.close()


def _run_source(options, source, portal) -> int:
    from runtime.http_transport import OutboundClient, OutboundPolicy
    from runtime.limits import Limits
    from runtime.program import load_program
    from server.arguments_check import convert_invocation_arguments
    from server.errors import InvalidInput
    from server.execution import encode_output, response_limit_message, run_program
    from server.request_body import parse_json

    result = _compile(source, portal)
    _print_diagnostics(result, str(options.file))
    if not result.ok:
        return 1
    limits = Limits() if portal is None else portal.settings.limits
    time_zone = os.environ.get("DELUGE_CALLBACKS_TIME_ZONE", "UTC")
    if portal is not None:
        time_zone = portal.time_zone
    try:
        raw = parse_json(options.arguments, limits.nesting_depth, what="--arguments")
        if not isinstance(raw, dict):
            raise InvalidInput("--arguments must be a JSON object")
        parameters = [(p["name"], p["type"]) for p in source.parameters]
        arguments = convert_invocation_arguments(parameters, raw, limits, time_zone)
    except InvalidInput as exc:
        print(_error_body(exc.message))
        return 1
    options_of_run: dict = {"time_zone": time_zone}
    if portal is not None:
        policy = OutboundPolicy.from_settings(portal.settings.outbound_allow_list)
        options_of_run = {
            "time_zone": portal.time_zone,
            "outbound": OutboundClient(policy),
            "connections": portal.connections.resolver(portal.portal_id)
            if portal.connections is not None
            else None,
        }
    outcome = run_program(
        load_program(result.code),
        arguments,
        limits=limits,
        return_type=source.return_type,
        **options_of_run,
    )
    for line in outcome.info:
        print(f"info: {line}", file=sys.stderr)
    print(
        f"info: {_count_text(outcome.statements, 'statement')} in "
        f"{outcome.duration_ms:.2f} ms",
        file=sys.stderr,
    )
    if outcome.error is not None:
        print(_error_body(outcome.error))
        return 1
    body = encode_output(outcome.output, limits)
    if body is None:
        print(_error_body(response_limit_message(limits)))
        return 1
    print(body.decode("utf-8"))
    return 0


def _error_body(message: str) -> str:
    """Encode ``message`` in the compact ``{"errorMessage":"..."}`` body that
    the service sends."""
    return json.dumps(
        {"errorMessage": message}, ensure_ascii=False, separators=(",", ":")
    )


def _count_text(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


if __name__ == "__main__":
    sys.exit(main())
