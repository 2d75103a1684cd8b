"""Sign-in sessions and CSRF tokens of the administrators' pages.

The session is a cookie signed by Starlette's ``SessionMiddleware`` with a
secret kept in the data directory (``web-session.key``, mode 0600), so sessions
survive a restart and are shared by every worker process. A session stores a
fingerprint of the admin key it signed in with: changing the admin key signs
every session out.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from server.secret_files import read_or_create_secret

logger = logging.getLogger(__name__)

SESSION_KEY_FILE = "web-session.key"
SESSION_COOKIE = "deluge_callbacks_session"
SESSION_MAX_AGE_SECONDS = 8 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

# Failed sign-ins allowed per client address within the window before further
# attempts are rejected until the window has passed.
SIGN_IN_FAILURES_ALLOWED = 5
SIGN_IN_WINDOW_SECONDS = 60.0


def session_secret(data_dir: Path) -> str:
    secret, created = read_or_create_secret(
        Path(data_dir) / SESSION_KEY_FILE, lambda: secrets.token_urlsafe(48)
    )
    if created:
        logger.info("Generated the web session secret in %s", data_dir)
    return secret


class LazySessionMiddleware:
    """Wrap an ASGI app in ``SessionMiddleware`` once the data directory is known.

    The page routes are built before the app's settings exist, so the secret is
    read on the first request from ``settings.data_dir`` of the enclosing
    Starlette app, and the wrapped app is kept on that app's state.
    """

    def __init__(self, app: ASGIApp, data_dir_of: Callable[[object], Path]):
        self.app = app
        self.data_dir_of = data_dir_of
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        outer = scope["app"]
        wrapped = getattr(outer.state, "web_session_app", None)
        if wrapped is None:
            with self._lock:
                wrapped = getattr(outer.state, "web_session_app", None)
                if wrapped is None:
                    secret = session_secret(self.data_dir_of(outer))
                    outer.state.web_session_secret = secret
                    outer.state.web_sign_in_throttle = SignInThrottle()
                    wrapped = SessionMiddleware(
                        self.app,
                        secret_key=secret,
                        session_cookie=SESSION_COOKIE,
                        max_age=SESSION_MAX_AGE_SECONDS,
                        path="/",
                        same_site="strict",
                    )
                    outer.state.web_session_app = wrapped
        await wrapped(scope, receive, send)


def key_fingerprint(admin_key: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), admin_key.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def csrf_token(request: Request) -> str:
    """Return the session's CSRF token, creating one for a new session."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_valid(request: Request, presented: str | None) -> bool:
    expected = request.session.get("csrf")
    if not expected or not presented:
        return False
    return hmac.compare_digest(expected.encode(), presented.encode())


def same_origin(request: Request) -> bool:
    """Reject a cross-site request whose browser sent an ``Origin`` header.

    Browsers send ``Origin`` on every form POST; a missing header (older clients,
    scripts) falls back to the CSRF token alone.
    """
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


def sign_in(request: Request, fingerprint: str) -> None:
    # A new session on sign-in, so a token planted before it is worthless.
    request.session.clear()
    request.session["signed_in"] = True
    request.session["key"] = fingerprint
    request.session["csrf"] = secrets.token_urlsafe(32)


def signed_in(request: Request, fingerprint: str) -> bool:
    if not request.session.get("signed_in"):
        return False
    stored = request.session.get("key", "")
    return hmac.compare_digest(str(stored).encode(), fingerprint.encode())


def sign_out(request: Request) -> None:
    request.session.clear()


class SignInThrottle:
    """Count failed sign-ins per client address in a sliding window."""

    def __init__(
        self,
        allowed: int = SIGN_IN_FAILURES_ALLOWED,
        window_seconds: float = SIGN_IN_WINDOW_SECONDS,
    ):
        self.allowed = allowed
        self.window_seconds = window_seconds
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        while failures and now - failures[0] > self.window_seconds:
            failures.popleft()
        return failures

    def blocked_for(self, client: str) -> float:
        """Return the seconds until ``client`` may try again (0 when it may)."""
        now = time.monotonic()
        with self._lock:
            failures = self._recent(client, now)
            if len(failures) < self.allowed:
                return 0.0
            return max(0.0, self.window_seconds - (now - failures[0]))

    def record_failure(self, client: str) -> int:
        now = time.monotonic()
        with self._lock:
            failures = self._recent(client, now)
            failures.append(now)
            if len(self._failures) > 10_000:
                # Bound the table: drop addresses whose failures have expired.
                for address in list(self._failures):
                    if not self._recent(address, now):
                        del self._failures[address]
            return len(failures)

    def reset(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)
