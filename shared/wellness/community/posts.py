"""Posts: create (rate limited), the feed, get, delete.

>>> runtime.firestore_transaction(lambda tx, _: create_post(client, tx, uid, body))   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any, Mapping

from .. import paging
from ..errors import ForbiddenError, NotFoundError
from ..firestore_queries import FEED, build
from ..profile.store import public_profiles
from ..reflection.model import iso
from .model import POSTING, RateLimit, author, can_see, new_post, post_json, take

ORDER = tuple(field for field, _ in FEED.order)


def posts(client: Any) -> Any:
    return client.collection("posts")


def post_not_found() -> NotFoundError:
    return NotFoundError("post_not_found", "There is no such post.")


def now_iso() -> str:
    return iso(dt.datetime.now(dt.UTC))


def rate_limit_ref(client: Any, user_id: str, limit: RateLimit) -> Any:
    return client.collection("rateLimits").document(f"{user_id}_{limit.action}")


def read_rate_limit(client: Any, transaction: Any, user_id: str, limit: RateLimit) -> tuple[Any, dict[str, Any]]:
    """(the window's document, its state after one more event): raises 429 when full. A read: call it first."""
    ref = rate_limit_ref(client, user_id, limit)
    snapshot = ref.get(transaction=transaction)
    state = take(limit, snapshot.to_dict() if snapshot.exists else None, time.time())
    return ref, {**state, "userId": user_id}


def visible_post(client: Any, viewer: str, post_id: str, transaction: Any = None) -> tuple[Any, dict[str, Any]]:
    """(reference, document) of a post the viewer may see; 404 otherwise."""
    ref = posts(client).document(post_id)
    snapshot = ref.get(transaction=transaction)
    post = snapshot.to_dict() if snapshot.exists else None
    if post is None or not can_see(post, viewer):
        raise post_not_found()
    return ref, post


def reacted(client: Any, viewer: str, post_ids: list[str]) -> set[str]:
    refs = [posts(client).document(p).collection("reactions").document(viewer) for p in post_ids]
    return {s.reference.parent.parent.id for s in client.get_all(refs) if s.exists} if refs else set()


def create_post(client: Any, transaction: Any, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
    limit_ref, limit_state = read_rate_limit(client, transaction, user_id, POSTING)
    post = new_post(uuid.uuid4().hex, user_id, body, now_iso())
    transaction.set(limit_ref, limit_state)
    transaction.create(posts(client).document(post["id"]), post)
    return post


def with_author(client: Any, post: Mapping[str, Any], viewer: str) -> dict[str, Any]:
    profiles = public_profiles(client, [post["authorId"]])
    return post_json(post, author(profiles, post["authorId"]), post["id"] in reacted(client, viewer, [post["id"]]),
                     viewer)  # fmt: skip


def feed(client: Any, viewer: str, *, limit: int, cursor: str | None = None) -> dict[str, Any]:
    """One page of visible posts, newest first, each with its author's public profile."""
    after = dict(zip(ORDER, paging.decode(cursor, len(ORDER)), strict=True)) if cursor else None
    query = build(posts(client), FEED, equals={"visible": True}, after=after)
    docs = [s.to_dict() for s in query.limit(limit + 1).stream()]
    items, next_cursor = paging.page(docs, limit, ORDER)
    profiles = public_profiles(client, [p["authorId"] for p in items])
    mine = reacted(client, viewer, [p["id"] for p in items])
    return {
        "items": [post_json(p, author(profiles, p["authorId"]), p["id"] in mine, viewer) for p in items],
        "nextCursor": next_cursor,
    }


def get_post(client: Any, viewer: str, post_id: str) -> dict[str, Any]:
    _, post = visible_post(client, viewer, post_id)
    return with_author(client, post, viewer)


def delete_post(client: Any, viewer: str, post_id: str) -> None:
    """Delete a post with everything under it (comments, reactions, reports); its author only."""
    ref, post = visible_post(client, viewer, post_id)
    if post["authorId"] != viewer:
        raise ForbiddenError("not_post_author", "Only the author may delete a post.")
    client.recursive_delete(ref)
