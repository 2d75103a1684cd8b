"""Compile results and test-run reports shown beside the editor form."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

from starlette.datastructures import FormData

from server import callbacks
from server.errors import CompileFailed
from server.programs import diagnostics_of
from server.validation import check_parameters
from server.web.forms import run_arguments
from server.web.listing import parse_page, parse_per_page
from server.web.python_view import PythonLine, python_lines

logger = logging.getLogger(__name__)


@dataclass
class CompiledView:
    lines: list[PythonLine] = field(default_factory=list)
    diagnostics: list[dict] = field(default_factory=list)
    note: str | None = None

    @property
    def errors(self) -> list[dict]:
        return [d for d in self.diagnostics if d.get("severity") != "warning"]

    def errors_message(self) -> str:
        count = len(self.errors)
        if count == 1:
            found = "1 error, marked at its line"
        else:
            found = f"{count} errors, marked at their lines"
        return (
            f"The saved script does not compile ({found}), so it cannot be "
            "published until it is fixed."
        )


def compile_view(service, portal_id: int, record: dict, what: str) -> CompiledView:
    """Compile the record's script as a publish would, for the Python panel."""
    if not record.get("script", "").strip():
        return CompiledView(note="Write a script to see the Python it compiles to.")
    try:
        result = service.loader.compile_source(
            portal_id,
            record["script"],
            record["name"] or "unnamed",
            record["parameters"],
            record["return_type"],
            filename=f"<{what}>",
        )
    except Exception:
        # The page must still open, so that the script can be fixed.
        logger.exception("Compiling %s in portal %d failed", what, portal_id)
        return CompiledView(
            note="The compiler failed on this script; the error is in the "
            "service log. Saving still works."
        )
    diagnostics = diagnostics_of(result)
    if not result.ok:
        return CompiledView(
            diagnostics=diagnostics,
            note="The script does not compile; fix the errors shown at their lines.",
        )
    return CompiledView(
        lines=python_lines(result.python_source or ""), diagnostics=diagnostics
    )


def run_unsaved(service, portal_id: int, body: dict, texts: dict[str, str]):
    """Run the editor's unsaved script through the portal's execute operation.

    Returns the test-run report and the compile diagnostics (None when the
    script compiled). Raises ``InvalidInput`` for invalid fields or arguments.
    """
    parameters = check_parameters(body["parameters"])
    request_body = {
        "script": body["script"],
        "parameters": parameters,
        "return_type": body["return_type"],
        "arguments": run_arguments(texts, parameters),
    }
    try:
        return callbacks.execute_script(service, portal_id, request_body), None
    except CompileFailed as exc:
        return error_report(exc.message), exc.details.get("diagnostics", [])


def error_report(message: str) -> dict:
    """Return a test-run report for a run that failed before the script ran."""
    return {"errorMessage": message, "info": [], "statements": 0, "duration_ms": 0.0}


def run_message(report: dict, diagnostics: list | None) -> list[str]:
    """Return the banner of a run without saving: its level and its text."""
    if diagnostics:
        return ["error", "The script does not compile; nothing was saved."]
    if report.get("errorMessage") is not None:
        return ["error", "The script failed; nothing was saved."]
    return ["success", "Ran the script as typed; nothing was saved."]


def run_view(report: dict) -> dict:
    """Shape a test-run report (the admin API's execute result) for the page."""
    duration = float(report.get("duration_ms") or 0.0)
    view = {
        "error": report.get("errorMessage"),
        "output_json": None,
        "info": [str(line) for line in report.get("info", [])],
        "statements": report.get("statements", 0),
        "duration_text": f"{duration:.2f} ms",
    }
    if view["error"] is None:
        view["output_json"] = json.dumps(
            report.get("output"), indent=2, ensure_ascii=False
        )
    return view


def delete_ids(form: FormData) -> list[int]:
    ids: list[int] = []
    for value in form.getlist("ids"):
        if value.isdigit() and int(value) not in ids:
            ids.append(int(value))
    return ids


def list_return_query(form: FormData) -> str:
    """Return the list's query string (search, page, page size) to go back to."""
    query: dict[str, object] = {}
    if form.get("search"):
        query["search"] = form.get("search")
    if form.get("page"):
        query["page"] = parse_page(form.get("page"))
    if form.get("per_page"):
        query["per_page"] = parse_per_page(form.get("per_page"))
    return "?" + urlencode(query) if query else ""


def return_fields(form: FormData) -> list[tuple[str, str]]:
    """Return the list-state fields of a form, to carry them through a page."""
    return [
        (name, form.get(name))
        for name in ("search", "page", "per_page")
        if form.get(name)
    ]
