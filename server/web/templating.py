"""Jinja2 templates of the administrators' pages and the values every page uses."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from server.web.session import csrf_token

PACKAGE_DIR = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
ROUTE_PREFIX = "admin:"


def format_timestamp(value: object, seconds: bool = False) -> str:
    """Show a stored ISO 8601 UTC time as ``2025-01-31 14:05 UTC``.

    With ``seconds`` the time has seconds and milliseconds as well.
    """
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    suffix = " UTC" if moment.utcoffset() is not None and not moment.utcoffset() else ""
    if seconds:
        text = (
            moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
        )
    else:
        text = moment.strftime("%Y-%m-%d %H:%M")
    return text + suffix


@lru_cache(maxsize=64)
def _static_version(name: str, mtime_ns: int) -> str:
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = format_timestamp
    return env


ENVIRONMENT = environment()


def url_for(request: Request, name: str, **params: object) -> str:
    """Return the path of a page route, by its name without the mount prefix."""
    values = {key: str(value) for key, value in params.items()}
    return request.url_for(ROUTE_PREFIX + name, **values).path


# An id no row has, put into a route once and replaced by each row's id.
ROW_ID_MARKER = 9_007_199_254_740_993


def row_url(request: Request, name: str, id_param: str, **params: object):
    """Return a function from a row id to the path of a per-row page.

    A list of 100 rows needs 200 such paths, and each ``url_for`` scans the
    route table, so the route is looked up once with a marker id.
    """
    before, _, after = url_for(
        request, name, **params, **{id_param: ROW_ID_MARKER}
    ).rpartition(str(ROW_ID_MARKER))

    def build(row_id: int) -> str:
        return f"{before}{int(row_id)}{after}"

    return build


def render(
    request: Request,
    template: str,
    context: dict | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page with the CSRF token, URL helpers and messages every page uses."""

    def url(name: str, **params: object) -> str:
        return url_for(request, name, **params)

    def static_url(name: str) -> str:
        mtime = (STATIC_DIR / name).stat().st_mtime_ns
        return url("static", path=name) + "?v=" + _static_version(name, mtime)

    context = dict(context or {})
    messages = pop_messages(request) + list(context.pop("messages", []))
    values = {
        "request": request,
        "url": url,
        "static_url": static_url,
        "csrf_token": csrf_token(request),
        "signed_in": getattr(request.state, "signed_in", False),
        "messages": messages,
        "portals": getattr(request.state, "portals", []),
        "portal": None,
        "section": None,
    }
    values.update(context)
    html = ENVIRONMENT.get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code)


def flash(request: Request, kind: str, text: str) -> None:
    """Keep a message for the next page this session renders."""
    messages = request.session.setdefault("messages", [])
    messages.append([kind, text])
    request.session["messages"] = messages[-5:]


def pop_messages(request: Request) -> list[list[str]]:
    return list(request.session.pop("messages", []))
