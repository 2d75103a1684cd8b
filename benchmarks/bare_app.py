"""The baseline of the invocation benchmark: a bare Starlette JSON endpoint.

It responds to ``GET /AppIntegrations`` with the same body as the benchmark's
trivial callback, ``{"output":"ok"}``, and ignores the query string. Run it
with ``uvicorn benchmarks.bare_app:app``.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

BODY = {"output": "ok"}


async def app_integrations(request: Request) -> JSONResponse:
    return JSONResponse(BODY)


app = Starlette(
    routes=[Route("/AppIntegrations", app_integrations, methods=["GET", "POST"])]
)
