"""Comments, reactions and reports: each in one transaction with the post's counter, so counts stay exact.

>>> runtime.firestore_transaction(lambda tx, _: put_reaction(client, tx, uid, post_id))   # doctest: +SKIP
"""

from __future__ import annotations

import uuid
from typing import Any, Mapping

from .. import paging
from ..errors import ForbiddenError, NotFoundError
from ..firestore_queries import COMMENTS_PAGE, build
from ..profile.store import public_profiles
from .model import COMMENTING, after_report, author, comment_json, new_comment
from .posts import now_iso, read_rate_limit, visible_post

ORDER = tuple(field for field, _ in COMMENTS_PAGE.order)


def add_comment(client: Any, transaction: Any, viewer: str, post_id: str, text: str) -> dict[str, Any]:
    post_ref, post = visible_post(client, viewer, post_id, transaction)
    limit_ref, limit_state = read_rate_limit(client, transaction, viewer, COMMENTING)
    profiles = public_profiles(client, [viewer])
    comment = new_comment(uuid.uuid4().hex, post_id, viewer, text, now_iso())
    transaction.set(limit_ref, limit_state)
    transaction.create(post_ref.collection("comments").document(comment["id"]), comment)
    transaction.update(post_ref, {"commentCount": post["commentCount"] + 1})
    return comment_json(comment, author(profiles, viewer))


def list_comments(client: Any, viewer: str, post_id: str, *, limit: int, cursor: str | None = None) -> dict[str, Any]:
    post_ref, _ = visible_post(client, viewer, post_id)
    after = dict(zip(ORDER, paging.decode(cursor, len(ORDER)), strict=True)) if cursor else None
    query = build(post_ref.collection("comments"), COMMENTS_PAGE, after=after)
    items, next_cursor = paging.page([s.to_dict() for s in query.limit(limit + 1).stream()], limit, ORDER)
    profiles = public_profiles(client, [c["authorId"] for c in items])
    return {"items": [comment_json(c, author(profiles, c["authorId"])) for c in items], "nextCursor": next_cursor}


def delete_comment(client: Any, transaction: Any, viewer: str, post_id: str, comment_id: str) -> None:
    post_ref, post = visible_post(client, viewer, post_id, transaction)
    ref = post_ref.collection("comments").document(comment_id)
    snapshot = ref.get(transaction=transaction)
    if not snapshot.exists:
        raise NotFoundError("comment_not_found", "There is no such comment.")
    if snapshot.get("authorId") != viewer:
        raise ForbiddenError("not_comment_author", "Only the author may delete a comment.")
    transaction.delete(ref)
    transaction.update(post_ref, {"commentCount": max(0, post["commentCount"] - 1)})


def set_reaction(client: Any, transaction: Any, viewer: str, post_id: str, on: bool) -> dict[str, Any]:
    """React (on) or take it back (off); repeating either changes nothing."""
    post_ref, post = visible_post(client, viewer, post_id, transaction)
    ref = post_ref.collection("reactions").document(viewer)
    exists = ref.get(transaction=transaction).exists
    count = post["reactionCount"]
    if on and not exists:
        transaction.create(ref, {"userId": viewer, "postId": post_id, "createdAt": now_iso()})
        count += 1
    elif not on and exists:
        transaction.delete(ref)
        count = max(0, count - 1)
    if count != post["reactionCount"]:
        transaction.update(post_ref, {"reactionCount": count})
    return {"postId": post_id, "reacted": on, "reactionCount": count}


def report(client: Any, transaction: Any, viewer: str, post_id: str, body: Mapping[str, Any] | None) -> bool:
    """Record the viewer's report (True), or nothing when they had reported it already (False)."""
    post_ref, post = visible_post(client, viewer, post_id, transaction)
    ref = post_ref.collection("reports").document(viewer)
    if ref.get(transaction=transaction).exists:
        return False
    reason = (body or {}).get("reason", "")
    transaction.create(ref, {"userId": viewer, "postId": post_id, "reason": reason, "createdAt": now_iso()})
    transaction.update(post_ref, after_report(post))
    return True
