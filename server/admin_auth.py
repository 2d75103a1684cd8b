"""The admin API guard: ``Authorization: Bearer <admin key>``."""

from __future__ import annotations

import functools
import hmac
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.errors import ApiError, InvalidInput, NotFound, Unauthorized
from server.request_body import parse_json, read_body

logger = logging.getLogger(__name__)

# Ids are SQLite integers: signed 64-bit.
MAX_ID = 2**63 - 1

Endpoint = Callable[[Request], Awaitable[Response]]


def check_admin_key(request: Request) -> None:
    """Raise ``Unauthorized`` unless the request carries the admin key."""
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    expected = request.app.state.service.admin_key
    if scheme.lower() != "bearer" or not presented:
        raise Unauthorized(
            "Missing admin key: send the header 'Authorization: Bearer <key>'"
        )
    if not hmac.compare_digest(
        presented.strip().encode("utf-8"), expected.encode("utf-8")
    ):
        logger.warning(
            "Rejected admin request %s %s: wrong admin key",
            request.method,
            request.url.path,
        )
        raise Unauthorized("Wrong admin key")


def admin_endpoint(handler: Endpoint) -> Endpoint:
    """Guard ``handler`` with the admin key and turn ``ApiError`` into JSON."""

    @functools.wraps(handler)
    async def guarded(request: Request) -> Response:
        try:
            check_admin_key(request)
            return await handler(request)
        except ApiError as exc:
            if exc.status >= 500:
                logger.error("Admin request failed: %s", exc.message)
            return JSONResponse(exc.body(), status_code=exc.status)

    return guarded


async def json_body(request: Request) -> dict:
    """Read the request body as a JSON object under the service's caps."""
    limits = request.app.state.service.settings.limits
    data = await read_body(request, limits.request_body_bytes)
    if not data.strip():
        return {}
    value = parse_json(data, limits.nesting_depth)
    if not isinstance(value, dict):
        raise InvalidInput("The request body must be a JSON object")
    return value


def path_int(request: Request, name: str) -> int:
    value = request.path_params[name]
    if isinstance(value, int):
        if value > MAX_ID:
            raise NotFound(f"No {name} has the id {value}")
        return value
    raise InvalidInput(f"Invalid {name} {value!r}: expected an integer")
