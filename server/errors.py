"""Errors of the admin API and storage, each mapped to one HTTP status."""

from __future__ import annotations


class ApiError(Exception):
    """An error returned as ``{"error": {"code", "message", ...}}``."""

    status = 400
    code = "invalid_input"

    def __init__(self, message: str, **details: object):
        super().__init__(message)
        self.message = message
        self.details = details

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, **self.details}}


class InvalidInput(ApiError):
    status = 400
    code = "invalid_input"


class CompileFailed(ApiError):
    """The script does not compile; ``diagnostics`` lists the errors."""

    status = 400
    code = "compile_error"


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Conflict(ApiError):
    status = 409
    code = "conflict"


class PayloadTooLarge(ApiError):
    status = 413
    code = "payload_too_large"
