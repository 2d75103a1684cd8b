"""The ``export`` and ``import`` commands: a portal's functions as a JSON file.

Both work on the data directory directly, also while the service runs,
because the database is SQLite in WAL mode and the compile cache is shared.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from server.errors import ApiError


def add_backup_parsers(commands) -> None:
    export = commands.add_parser(
        "export", help="write a portal's functions and versions to a JSON file"
    )
    export.add_argument("--portal", type=int, required=True, help="portal id")
    export.add_argument("file", type=Path, help="the file to write ('-' for stdout)")
    export.add_argument(
        "--with-tokens",
        action="store_true",
        help="include the auth tokens of published callbacks (keep the file secret)",
    )
    export.add_argument("--data-dir", help="data directory (default ./data)")

    import_ = commands.add_parser(
        "import", help="add the functions of an exported JSON file to a portal"
    )
    import_.add_argument("file", type=Path, help="the export file ('-' for stdin)")
    import_.add_argument(
        "--portal",
        type=int,
        help="target portal id (default: the exported portal's id, created if missing)",
    )
    import_.add_argument("--data-dir", help="data directory (default ./data)")


def _service(options):
    from server.logging_setup import configure_logging
    from server.service import Service
    from server.settings import load_settings

    settings = load_settings(options.data_dir)
    configure_logging("WARNING")
    return Service(settings)


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to a new or truncated file readable by its owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def export_command(options) -> int:
    from server.backup import export_portal

    service = _service(options)
    try:
        document = export_portal(service.storage, options.portal, options.with_tokens)
    except ApiError as exc:
        print(f"deluge-callbacks: error: {exc.message}", file=sys.stderr)
        return 1
    finally:
        service.close()
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if str(options.file) == "-":
        sys.stdout.write(text)
    else:
        _write_private(options.file, text)
    print(
        f"Exported {_count_text(len(document['callbacks']), 'callback')} and "
        f"{_count_text(len(document['global_functions']), 'global function')} of portal "
        f"{options.portal} to {options.file}",
        file=sys.stderr,
    )
    return 0


def import_command(options) -> int:
    from server.backup_import import import_portal

    try:
        if str(options.file) == "-":
            text = sys.stdin.read()
        else:
            text = options.file.read_text(encoding="utf-8")
        document = json.loads(text)
    except (OSError, ValueError) as exc:
        print(
            f"deluge-callbacks: error: cannot read {options.file}: {exc}",
            file=sys.stderr,
        )
        return 1
    service = _service(options)
    try:
        report = import_portal(service, document, options.portal)
    except ApiError as exc:
        print(f"deluge-callbacks: error: {exc.message}", file=sys.stderr)
        return 1
    finally:
        service.close()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if report["conflicts"]:
        print(
            f"Nothing imported: {len(report['conflicts'])} conflicts with portal "
            f"{report['portal_id']}",
            file=sys.stderr,
        )
        return 1
    return 0


def _count_text(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
