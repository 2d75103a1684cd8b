"""The ``check`` command: parse and statically check ``.dg`` files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from compiler import compile_function
from server.cli_data import PortalData, explain_unresolved, open_portal
from server.cli_source import UsageError, read_source

# The progress bar shows on a terminal only, for more than this many files.
PROGRESS_MIN_FILES = 5
PROGRESS_WIDTH = 30


def find_sources(paths: list[Path]) -> list[Path]:
    """List the ``.dg`` files named or found under ``paths``, sorted."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(p for p in path.rglob("*.dg") if p.is_file())
        elif path.is_file():
            found.add(path)
        else:
            raise UsageError(f"No such file or directory: {path}")
    return sorted(found)


def check_file(path: Path, portal: PortalData | None = None) -> dict:
    """Compile one file; return its result as the JSON line of ``--format json``.

    ``portal`` resolves the file's global function calls; without it they
    are errors that say how to resolve them.
    """
    try:
        source = read_source(path, None, None)
    except UsageError as exc:
        return {
            "file": str(path),
            "ok": False,
            "errors": [{"line": 0, "column": 0, "message": str(exc), "kind": "io"}],
            "warnings": [],
            "rendered": [str(exc)],
        }
    result = compile_function(
        source.script,
        name=source.name,
        parameters=[(p["name"], p["type"]) for p in source.parameters],
        return_type=source.return_type,
        resolve_global=None if portal is None else portal.resolve_global(),
        filename=str(path),
    )
    diagnostics = explain_unresolved(result.diagnostics, portal)

    def entry(d) -> dict:
        return {
            "line": d.line,
            "column": d.column,
            "message": d.message,
            "kind": d.kind,
        }

    return {
        "file": str(path),
        "ok": result.ok,
        "errors": [entry(d) for d in diagnostics if d.severity == "error"],
        "warnings": [entry(d) for d in diagnostics if d.severity != "error"],
        "rendered": [d.format(str(path)) for d in diagnostics],
    }


def progress_line(done: int, total: int, path: Path) -> str:
    """Render ``[#####-----] 5/10 path`` for the terminal progress bar."""
    filled = PROGRESS_WIDTH * done // total
    bar = "#" * filled + "-" * (PROGRESS_WIDTH - filled)
    return f"[{bar}] {done}/{total} {path}"


def check_command(options) -> int:
    files = find_sources(options.paths)
    portal = open_portal(options.data_dir, options.portal)
    try:
        return _check_files(files, options.format, portal)
    finally:
        if portal is not None:
            portal.close()


def _check_files(files: list[Path], output_format: str, portal) -> int:
    show_progress = sys.stderr.isatty() and len(files) > PROGRESS_MIN_FILES
    failed = 0
    for index, path in enumerate(files, start=1):
        if show_progress:
            sys.stderr.write("\r\x1b[K" + progress_line(index, len(files), path))
            sys.stderr.flush()
        report = check_file(path, portal)
        rendered = report.pop("rendered")
        if not report["ok"]:
            failed += 1
        if show_progress:
            sys.stderr.write("\r\x1b[K")
        if output_format == "json":
            print(json.dumps(report, ensure_ascii=False))
        else:
            print(f"{path}: {'ok' if report['ok'] else 'failed'}")
            for text in rendered:
                print(text)
    summary = {"files": len(files), "ok": len(files) - failed, "failed": failed}
    if output_format == "json":
        print(json.dumps({"summary": summary}))
    else:
        print(
            f"{summary['files']} file(s) checked: {summary['ok']} ok, {failed} failed"
        )
    return 1 if failed else 0
