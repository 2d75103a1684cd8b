"""The Starlette application: invocation, admin API, JSON error handlers."""

from __future__ import annotations

import contextlib
import logging
import uuid

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from server import (
    connections,
    health,
    routes_admin,
    routes_backup,
    routes_globals,
    routes_history,
    stats,
)
from server.history_writer import HistoryWriter
from server.invoke import app_integrations
from server.logging_setup import configure_logging, install_token_redaction
from server.service import Service
from server.settings import Settings, load_settings
from server.web import web_routes

logger = logging.getLogger(__name__)


async def root(request: Request) -> RedirectResponse:
    """Send a browser that opens the service's address to the web pages."""
    return RedirectResponse("/admin/", status_code=307)


async def not_found(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        {
            "error": {
                "code": "not_found",
                "message": f"No route for {request.method} {request.url.path}",
            }
        },
        status_code=404,
    )


async def method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
    allowed = getattr(exc, "headers", None) or {}
    return JSONResponse(
        {
            "error": {
                "code": "method_not_allowed",
                "message": f"Method {request.method} is not allowed on "
                f"{request.url.path}",
            }
        },
        status_code=405,
        headers=allowed,
    )


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    status = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", "") or "HTTP error"
    return JSONResponse(
        {"error": {"code": "http_error", "message": str(detail)}}, status_code=status
    )


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    """Return a JSON 500 for an unexpected exception and log it with an error id.

    The id is in both the body and the log line, so an operator can find the
    traceback of the request a caller reports.
    """
    error_id = uuid.uuid4().hex[:12]
    logger.error(
        "Unexpected error %s on %s %s",
        error_id,
        request.method,
        request.url.path,
        exc_info=exc,
    )
    if request.url.path == "/AppIntegrations":
        body: dict = {
            "errorMessage": f"Internal error while running the callback (error id "
            f"{error_id}); the service log has the details"
        }
    else:
        body = {
            "error": {
                "code": "internal_error",
                "message": f"Internal error (error id {error_id}); the service "
                "log has the details",
                "error_id": error_id,
            }
        }
    return JSONResponse(body, status_code=500)


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the application; without ``settings`` they are loaded from the
    environment, which is how ``serve --workers N`` starts each worker."""
    if settings is None:
        settings = load_settings()
        configure_logging(settings.log_level)
    install_token_redaction()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        service = Service(settings)
        service.history = HistoryWriter(
            service.storage, settings.history_max_rows, settings.history_max_age_days
        )
        app.state.service = service
        logger.info(
            "Service started with data directory %s (database %s, cache %s)",
            settings.data_dir,
            settings.database_path,
            settings.cache_dir,
        )
        try:
            yield
        finally:
            # In-flight requests have finished here, so every row is queued.
            service.history.close()
            service.close()
            logger.info("Service stopped")

    routes = [
        # First, because the router tries routes in order and this one takes
        # nearly every request.
        Route("/AppIntegrations", app_integrations, methods=["GET", "POST"]),
        Route("/", root, methods=["GET"]),
        *routes_admin.routes,
        *routes_globals.routes,
        *connections.routes,
        *health.routes,
        *routes_history.routes,
        *routes_backup.routes,
        *stats.routes,
        web_routes(),
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            404: not_found,
            405: method_not_allowed,
            HTTPException: http_error,
            Exception: internal_error,
        },
    )
