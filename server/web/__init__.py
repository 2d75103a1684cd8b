"""The administrators' web pages, mounted under ``/admin``.

``web_routes()`` returns the Mount that the app adds to its routes. The pages
read the running service from ``app.state.service``.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from server.web import (
    pages_auth,
    pages_callbacks,
    pages_executions,
    pages_globals,
    pages_history,
)
from server.web.routing import not_found_page, page
from server.web.session import LazySessionMiddleware
from server.web.templating import STATIC_DIR

MOUNT_PATH = "/admin"
PORTAL = "/portals/{portal:int}"
CALLBACK = PORTAL + "/callbacks/{callback:int}"
GLOBAL = PORTAL + "/global-functions/{function:int}"
POST = ("POST",)


def _data_dir_of(app) -> object:
    return app.state.service.settings.data_dir


def page_routes() -> list:
    return [
        page("/", pages_auth.home, name="home"),
        page("/sign-in", pages_auth.sign_in_page, name="sign_in", public=True),
        page(
            "/sign-in",
            pages_auth.sign_in_submit,
            name="sign_in_submit",
            methods=POST,
            public=True,
        ),
        page("/sign-out", pages_auth.sign_out_submit, name="sign_out", methods=POST),
        page("/portals", pages_auth.portals_page, name="portals"),
        page("/portals", pages_auth.create_portal, name="create_portal", methods=POST),
        page("/switch-portal", pages_auth.switch_portal, name="switch_portal"),
        page(PORTAL + "/callbacks", pages_callbacks.list_page, name="callbacks"),
        page(PORTAL + "/callbacks/new", pages_callbacks.new_page, name="new_callback"),
        page(
            PORTAL + "/callbacks/new",
            pages_callbacks.create,
            name="create_callback",
            methods=POST,
        ),
        page(
            PORTAL + "/callbacks/delete",
            pages_callbacks.delete,
            name="delete_callbacks",
            methods=POST,
        ),
        page(CALLBACK, pages_callbacks.edit_page, name="edit_callback"),
        page(CALLBACK, pages_callbacks.save, name="save_callback", methods=POST),
        page(
            CALLBACK + "/history",
            pages_history.callback_history,
            name="callback_history",
        ),
        page(PORTAL + "/global-functions", pages_globals.list_page, name="globals"),
        page(
            PORTAL + "/global-functions/new",
            pages_globals.new_page,
            name="new_global",
        ),
        page(
            PORTAL + "/global-functions/new",
            pages_globals.create,
            name="create_global",
            methods=POST,
        ),
        page(
            PORTAL + "/global-functions/delete",
            pages_globals.delete,
            name="delete_globals",
            methods=POST,
        ),
        page(GLOBAL, pages_globals.edit_page, name="edit_global"),
        page(GLOBAL, pages_globals.save, name="save_global", methods=POST),
        page(GLOBAL + "/history", pages_history.global_history, name="global_history"),
        page(
            CALLBACK + "/executions",
            pages_executions.executions_page,
            name="executions",
        ),
        page(
            CALLBACK + "/executions/{execution:int}",
            pages_executions.execution_page,
            name="execution",
        ),
        page(
            CALLBACK + "/history/restore",
            pages_history.restore_callback,
            name="restore_callback",
            methods=POST,
        ),
        page(
            GLOBAL + "/history/restore",
            pages_history.restore_global,
            name="restore_global",
            methods=POST,
        ),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
        # Last, so that it only catches paths no other page has.
        page(
            "/{path:path}",
            not_found_page,
            name="not_found",
            methods=("GET", "POST"),
            public=True,
        ),
    ]


def web_routes() -> Mount:
    """Return the Mount of the administrators' pages for the app's routes."""
    return Mount(
        MOUNT_PATH,
        routes=page_routes(),
        middleware=[Middleware(LazySessionMiddleware, data_dir_of=_data_dir_of)],
        name="admin",
    )
