"""Conditional updates (RFC 9110 §13.1.1): `If-Match` against a resource's current `ETag`.

Two devices editing one resource each send the ETag they last read; the one whose
version is stale gets 412 instead of silently overwriting the other's change. The
check runs inside the update's transaction, so it holds against concurrent writers.

    >>> etag(3)
    '"3"'
    >>> check_if_match('"2", "3"', etag(3))
    >>> check_if_match('W/"3"', etag(3))
    Traceback (most recent call last):
    ...
    wellness.platform.errors.PreconditionFailedError: This was changed since you read it; read it again, then retry.
"""

from __future__ import annotations

from .errors import PreconditionFailedError


def etag(version: int) -> str:
    """A strong entity tag for a version counter."""
    return f'"{version}"'


def check_if_match(if_match: str | None, current: str) -> None:
    """Nothing without the header (an unconditional update); 412 unless it lists `current` or is `*`.

    If-Match uses the strong comparison: a weak tag (W/"...") never matches.
    """
    if if_match is None:
        return
    tags = [tag.strip() for tag in if_match.split(",")]
    if "*" in tags or current in tags:
        return
    raise PreconditionFailedError(
        "precondition_failed",
        "This was changed since you read it; read it again, then retry.",
        [{"field": "header.If-Match", "message": "is not the current ETag"}],
    )
