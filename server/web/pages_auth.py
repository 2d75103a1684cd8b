"""Sign-in, sign-out, the portal list and the portal switcher."""

from __future__ import annotations

import hmac
import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.errors import ApiError
from server.storage_portals import check_time_zone
from server.web.routing import log_rejected, service_of, session_fingerprint
from server.web.session import sign_in, sign_out
from server.web.templating import flash, render, url_for

logger = logging.getLogger(__name__)

SECTIONS = {"callbacks": "callbacks", "globals": "globals"}


def throttle_of(request: Request):
    return request.app.state.web_sign_in_throttle


def safe_next(request: Request, target: str | None) -> str:
    """Return ``target`` if it is a page of this site, else the home page."""
    home = url_for(request, "home")
    if (
        target
        and target.startswith(home)
        and not target.startswith("//")
        and "\\" not in target
    ):
        return target
    return home


async def home(request: Request) -> Response:
    portals = request.state.portals
    portal_id = request.session.get("portal") or (portals[0]["id"] if portals else 1)
    if not any(portal["id"] == portal_id for portal in portals) and portals:
        portal_id = portals[0]["id"]
    return RedirectResponse(url_for(request, "callbacks", portal=portal_id), 303)


async def sign_in_page(request: Request) -> Response:
    if request.state.signed_in:
        return RedirectResponse(
            safe_next(request, request.query_params.get("next")), 303
        )
    return render(
        request,
        "signin.html",
        {"next_path": safe_next(request, request.query_params.get("next"))},
    )


async def sign_in_submit(request: Request) -> Response:
    form = request.state.form
    client = request.client.host if request.client else "unknown"
    next_path = safe_next(request, form.get("next"))
    throttle = throttle_of(request)
    wait = throttle.blocked_for(client)
    if wait:
        logger.warning("Rejected a sign-in from %s: too many failed attempts", client)
        message = (
            "Too many wrong admin keys from this address; "
            f"try again in {int(wait) + 1} seconds."
        )
        return render(
            request,
            "signin.html",
            {"next_path": next_path, "messages": [["error", message]]},
            status_code=429,
        )
    presented = form.get("admin_key", "").strip()
    expected = service_of(request).admin_key
    if not presented or not hmac.compare_digest(
        presented.encode("utf-8"), expected.encode("utf-8")
    ):
        failures = throttle.record_failure(client)
        logger.warning(
            "Failed sign-in to the admin pages from %s (%d recent failures)",
            client,
            failures,
        )
        return render(
            request,
            "signin.html",
            {
                "next_path": next_path,
                "messages": [["error", "Wrong admin key: check it and try again."]],
            },
            status_code=401,
        )
    throttle.reset(client)
    sign_in(request, session_fingerprint(request))
    logger.info("Signed in to the admin pages from %s", client)
    return RedirectResponse(next_path, 303)


async def sign_out_submit(request: Request) -> Response:
    sign_out(request)
    flash(request, "success", "Signed out.")
    return RedirectResponse(url_for(request, "sign_in"), 303)


async def portals_page(request: Request) -> Response:
    return render(request, "portals.html", {"form": {}})


async def create_portal(request: Request) -> Response:
    form = request.state.form
    name = form.get("name", "").strip()
    time_zone = form.get("time_zone", "").strip() or "UTC"
    try:
        if not name:
            raise ApiError("Missing portal name: enter a name for the new portal")
        check_time_zone(time_zone)
        portal = await run_in_threadpool(
            service_of(request).storage.create_portal, name, time_zone
        )
    except ApiError as exc:
        log_rejected(request, exc)
        return render(
            request,
            "portals.html",
            {
                "form": {"name": name, "time_zone": time_zone},
                "messages": [["error", f"Portal not created: {exc.message}"]],
            },
            status_code=exc.status,
        )
    logger.info("Created portal %d from the admin pages", portal["id"])
    flash(request, "success", f"Created portal {portal['name']} (#{portal['id']}).")
    request.session["portal"] = portal["id"]
    return RedirectResponse(url_for(request, "callbacks", portal=portal["id"]), 303)


async def switch_portal(request: Request) -> Response:
    value = request.query_params.get("portal", "")
    section = SECTIONS.get(request.query_params.get("section", ""), "callbacks")
    if not value.isdigit():
        flash(request, "error", f"Invalid portal {value!r}: choose one from the list.")
        return RedirectResponse(url_for(request, "portals"), 303)
    portal = await run_in_threadpool(service_of(request).storage.get_portal, int(value))
    request.session["portal"] = portal["id"]
    return RedirectResponse(url_for(request, section, portal=portal["id"]), 303)
