"""Logging configuration of the service and the command line."""

from __future__ import annotations

import logging
import re
import sys

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str = "INFO") -> None:
    """Send log records of the project's packages to standard error.

    Called by the command line only; the packages themselves add no handlers,
    so tests and embedding applications keep control of logging.
    """
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise ValueError(
            f"Invalid log level {level!r}: expected DEBUG, INFO, WARNING or ERROR"
        )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    for name in ("server", "cache", "runtime", "compiler"):
        package_logger = logging.getLogger(name)
        package_logger.handlers[:] = [handler]
        package_logger.setLevel(numeric)
        package_logger.propagate = False


_TOKEN_IN_QUERY = re.compile(r"(auth_token=)[^&\s\"]*", re.IGNORECASE)


class TokenRedactingFilter(logging.Filter):
    """Replace the value of ``auth_token=`` in a log record with ``[redacted]``.

    uvicorn's access log writes the full request line, whose query string
    carries the invocation token; tokens must never reach a log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                _TOKEN_IN_QUERY.sub(r"\1[redacted]", arg)
                if isinstance(arg, str)
                else arg
                for arg in record.args
            )
        if isinstance(record.msg, str) and "auth_token=" in record.msg:
            record.msg = _TOKEN_IN_QUERY.sub(r"\1[redacted]", record.msg)
        return True


def install_token_redaction() -> None:
    """Add the token filter to uvicorn's access logger once per process."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, TokenRedactingFilter) for f in access.filters):
        access.addFilter(TokenRedactingFilter())
