"""The library's error hierarchy, and the one place that maps it to HTTP.

Domain code raises these; `wellness.http` turns them into the JSON error body
`{"error": {"code", "message", "details", "requestId"}}`. Anything else that
escapes a handler is a 500 with a generic message (the traceback goes to the log,
never to the client).

    >>> error = NotFoundError("profile_not_found", "No profile yet.")
    >>> error.status, error.code, error.message
    (404, 'profile_not_found', 'No profile yet.')
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """An expected failure with a stable code, a message for people and a status."""

    status = 400

    def __init__(self, code: str, message: str, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or []


class ValidationError(AppError):
    status = 400


class UnauthenticatedError(AppError):
    status = 401


class ForbiddenError(AppError):
    status = 403


class NotFoundError(AppError):
    status = 404


class MethodNotAllowedError(AppError):
    status = 405


class ConflictError(AppError):
    status = 409


class ContentionConflictError(ConflictError):
    """409 contention: the store kept losing a race for the same records; nothing was written.

    Firestore gives up a transaction that others keep aborting; the caller may simply retry.
    """

    def __init__(self) -> None:
        super().__init__("contention", "Too many changes to the same thing at once; try again.")


class PreconditionFailedError(AppError):
    """412: the client's If-Match names a version that is no longer the current one."""

    status = 412


class PayloadTooLargeError(AppError):
    status = 413


class UnsupportedMediaTypeError(AppError):
    status = 415


class TooManyRequestsError(AppError):
    status = 429

    def __init__(self, code: str, message: str, retry_after_seconds: int):
        super().__init__(code, message)
        self.retry_after_seconds = retry_after_seconds


class UnavailableError(AppError):
    """A store or service did not answer in time (down, restarting, frozen): 503, retry after a pause.

    Nothing was committed when this is raised before a commit began; when a commit's
    answer was lost, the change may have happened (retry with the same Idempotency-Key).
    """

    status = 503

    def __init__(
        self,
        code: str = "unavailable",
        message: str = "The service is briefly unavailable; try again shortly.",
        retry_after_seconds: int = 5,
    ):
        super().__init__(code, message)
        self.retry_after_seconds = retry_after_seconds


def error_body(code: str, message: str, request_id: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The JSON error body of every 4xx/5xx answer."""
    return {"error": {"code": code, "message": message, "details": details or [], "requestId": request_id}}
