"""Firestore queries as declared values, so a test can check every one against the indexes.

The Firestore emulator does not enforce indexes; production does, and a query
without its composite index fails there with FAILED_PRECONDITION. So the code never
composes a query by hand: each domain declares its `QuerySpec`s in its own `queries.py`
(the platform declares the outbox's here), builds them with `build`, and
shared/tests/platform/test_firestore_indexes.py checks that every spec needs only the
indexes declared in contracts/firestore.indexes.json (which Terraform turns into
`google_firestore_index` / `google_firestore_field` resources).

    >>> FEED = QuerySpec("feed", "posts", equals=("visible",), order=(("createdAt", DESC),))

    Usage::

        query = build(client.collection("posts"), FEED, equals={"visible": True}).limit(20)

The specs are plain values; `build` imports the SDK only when it runs.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping

ASC, DESC = "ASCENDING", "DESCENDING"


@dataclasses.dataclass(frozen=True)
class QuerySpec:
    name: str
    collection: str  # the collection id (the last segment of the path)
    scope: str = "COLLECTION"  # or "COLLECTION_GROUP" (client.collection_group)
    equals: tuple[str, ...] = ()  # fields filtered with ==
    range_field: str | None = None  # at most one field filtered with >=, <=, <, >
    order: tuple[tuple[str, str], ...] = ()  # (field, ASC|DESC); a range field comes first


OUTBOX_OLDEST = QuerySpec("outbox, oldest first", "outbox", order=(("createdAt", ASC),))
IDEMPOTENCY_EXPIRED = QuerySpec("idempotency keys, expired", "idempotencyKeys", range_field="expiresAt")
REVOCATIONS_EXPIRED = QuerySpec("revoked tokens, expired", "revokedTokens", range_field="expiresAt")
IDEMPOTENCY_OF_OWNER = QuerySpec("idempotency keys of a user", "idempotencyKeys", equals=("owner",))


def build(
    source: Any,
    spec: QuerySpec,
    *,
    equals: Mapping[str, Any] | None = None,
    lower: Any = None,
    upper: Any = None,
    after: Mapping[str, Any] | None = None,
) -> Any:
    """The query `spec` on `source` (a collection or collection group), with its values.

    `lower`/`upper` bound the range field (inclusive; None leaves a side open);
    `after` holds the order fields' values of the last item seen (cursor paging).
    """
    from google.cloud.firestore_v1.base_query import FieldFilter

    equals = dict(equals or {})
    if set(equals) != set(spec.equals):
        raise ValueError(f"{spec.name}: give values for exactly {spec.equals}")
    query = source
    for field in spec.equals:
        query = query.where(filter=FieldFilter(field, "==", equals[field]))
    for op, bound in ((">=", lower), ("<=", upper)):
        if bound is not None:
            if spec.range_field is None:
                raise ValueError(f"{spec.name}: no range field")
            query = query.where(filter=FieldFilter(spec.range_field, op, bound))
    for field, direction in spec.order:
        query = query.order_by(field, direction=direction)
    if after is not None:
        query = query.start_after({field: after[field] for field, _ in spec.order})
    return query


def delete_expired(client: Any, spec: QuerySpec, batch: int = 500) -> int:
    """Delete up to `batch` documents of spec's collection whose expiry (its range field) has passed; how many went.

    What the relay job runs for the platform's short-lived records (idempotency keys, ended
    sessions): a TTL policy would also delete them in production, but none runs on the emulator.
    """
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    expired = list(build(client.collection(spec.collection), spec, upper=now).limit(batch).stream())
    if expired:
        writes = client.batch()
        for snapshot in expired:
            writes.delete(snapshot.reference)
        writes.commit()
    return len(expired)


def delete_matching(client: Any, spec: QuerySpec, equals: Mapping[str, Any], batch: int = 400) -> int:
    """Delete every document of spec's collection with these values, in batches (under 500 writes each); how many."""
    deleted = 0
    while True:
        found = list(build(client.collection(spec.collection), spec, equals=equals).limit(batch).select([]).stream())
        if not found:
            return deleted
        writes = client.batch()
        for snapshot in found:
            writes.delete(snapshot.reference)
        writes.commit()
        deleted += len(found)
