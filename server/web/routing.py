"""Page routes: sign-in check, CSRF check, HTML error pages, security headers.

Every page route is made with ``page``, so no page can skip the checks. A
page that is not ``public`` needs a signed-in session. Every POST needs the
session's CSRF token, as a form field or the ``X-CSRF-Token`` header, and an
``Origin`` of this host when the browser sends one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.errors import ApiError, NotFound
from server.request_body import media_type, read_body
from server.web.session import (
    CSRF_FIELD,
    CSRF_HEADER,
    csrf_valid,
    key_fingerprint,
    same_origin,
    signed_in,
)
from server.web.templating import render, url_for

logger = logging.getLogger(__name__)

Endpoint = Callable[[Request], Awaitable[Response]]

# Sent with every page: scripts and styles only from this host, no framing.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
MAX_FORM_FIELDS = 1000


def service_of(request: Request):
    """Return the running service (storage, loader, keys) of the app."""
    return request.app.state.service


def session_fingerprint(request: Request) -> str:
    service = service_of(request)
    return key_fingerprint(service.admin_key, request.app.state.web_session_secret)


def message_page(
    request: Request, status_code: int, heading: str, detail: str, back_url=None
) -> Response:
    return render(
        request,
        "message.html",
        {"heading": heading, "detail": detail, "back_url": back_url},
        status_code=status_code,
    )


async def read_form(request: Request) -> FormData:
    """Read an urlencoded form body, capped at the service's request body size."""
    limit = service_of(request).settings.limits.request_body_bytes
    body = await read_body(request, limit)
    kind = media_type(request)
    if kind not in ("application/x-www-form-urlencoded", ""):
        raise ApiError(
            f"Unsupported form encoding {kind!r}: the pages send "
            "application/x-www-form-urlencoded"
        )
    try:
        text = body.decode("utf-8")
        fields = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(f"Invalid form data: {exc}") from None
    return FormData(fields)


def sign_in_redirect(request: Request) -> Response:
    target = request.url.path
    if request.method == "GET" and request.url.query:
        target += "?" + request.url.query
    query = urlencode({"next": target})
    return RedirectResponse(url_for(request, "sign_in") + "?" + query, 303)


def page(
    path: str,
    endpoint: Endpoint,
    *,
    name: str,
    methods: tuple[str, ...] = ("GET",),
    public: bool = False,
) -> Route:
    """Make a page route whose endpoint runs only after the checks pass."""

    async def handle(request: Request) -> Response:
        response = await _checked(request, endpoint, public)
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        return response

    handle.__name__ = endpoint.__name__
    return Route(path, handle, methods=list(methods), name=name)


async def _checked(request: Request, endpoint: Endpoint, public: bool) -> Response:
    try:
        request.state.signed_in = signed_in(request, session_fingerprint(request))
        if not public and not request.state.signed_in:
            return sign_in_redirect(request)
        if request.method == "POST":
            form = await read_form(request)
            presented = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
            if not same_origin(request) or not csrf_valid(request, presented):
                logger.warning(
                    "Rejected a form post to %s: missing or invalid CSRF token",
                    request.url.path,
                )
                return message_page(
                    request,
                    403,
                    "Form rejected",
                    "The form's security token is missing or no longer valid, "
                    "so nothing was changed. Reload the page and submit it again.",
                )
            request.state.form = form
        if request.state.signed_in:
            request.state.portals = service_of(request).storage.list_portals()
        return await endpoint(request)
    except NotFound as exc:
        log_rejected(request, exc)
        return message_page(request, 404, "Not found", exc.message)
    except ApiError as exc:
        log_rejected(request, exc)
        return message_page(request, exc.status, "Request failed", exc.message)
    except Exception:
        logger.exception("Page %s %s failed", request.method, request.url.path)
        return message_page(
            request,
            500,
            "Something went wrong",
            "The server could not complete this request. The error is in the "
            "service log; try again, and report it if it happens again.",
        )


def log_rejected(request: Request, exc: ApiError) -> None:
    """Log a request that a page rejected with a message to the user."""
    logger.info(
        "Page %s %s rejected (%d): %s",
        request.method,
        request.url.path,
        exc.status,
        exc.message,
    )


async def not_found_page(request: Request) -> Response:
    return message_page(
        request,
        404,
        "Page not found",
        f"There is no page at {request.url.path}.",
        back_url=url_for(request, "home"),
    )
