"""Domain errors raised by services; `registry.api.errors` is the one place that maps them to HTTP."""
from __future__ import annotations


class DomainError(Exception):
    """Base: a Chinese message for people and a stable machine code for programs."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, errors: dict | None = None,
                 extra: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.errors = errors
        self.extra = extra or {}  # more fields for the error body (e.g. an import's row_errors)


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class ValidationFailed(DomainError):
    """Input that is well-formed but refers to unknown things or breaks a domain rule."""

    status = 422
    code = "validation_failed"


class PreconditionFailed(DomainError):
    """The client's ETag is stale: someone changed the version since it was read."""

    status = 412
    code = "precondition_failed"


class PreconditionRequired(DomainError):
    status = 428
    code = "precondition_required"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class StorageUnavailable(DomainError):
    """The database cannot serve now (connection lost, server restarting, file locked).

    Not a fault of the request: the client may retry later, hence 503 with Retry-After.
    """

    status = 503
    code = "database_unavailable"
    headers = {"Retry-After": "5"}


class StorageReadOnly(DomainError):
    """The database can be read but not written (read-only file or mount, standby server):
    503 without Retry-After, since waiting will not help until someone fixes the storage."""

    status = 503
    code = "storage_read_only"


class StorageFull(DomainError):
    """The disk under the database is full: 507 Insufficient Storage, nothing was written."""

    status = 507
    code = "storage_full"
