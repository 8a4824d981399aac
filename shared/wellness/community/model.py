"""Community values and rules. Pure: no framework, no cloud SDK.

Documents:
    posts/{postId}                      the post, its counters and its visibility
    posts/{postId}/comments/{commentId}
    posts/{postId}/reactions/{userId}   one per user: the id is the user's
    posts/{postId}/reports/{userId}     one per user
    rateLimits/{userId}_{action}        the user's current window (shared by every instance)
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Mapping

from ..errors import TooManyRequestsError

REPORT_THRESHOLD = 3  # distinct reporters; then the post leaves the feed until a moderator looks
FORMER_MEMBER = "Former member"


@dataclasses.dataclass(frozen=True)
class RateLimit:
    action: str
    max_events: int
    window_seconds: int


POSTING = RateLimit("posts", 5, 60)
COMMENTING = RateLimit("comments", 20, 60)


def take(limit: RateLimit, state: Mapping[str, Any] | None, now: float) -> dict[str, Any]:
    """The window after one more event at `now`; 429 with Retry-After when the window is full.

    >>> take(POSTING, None, 100.0)
    {'windowStart': 100.0, 'count': 1}
    """
    if state is None or now >= float(state["windowStart"]) + limit.window_seconds:
        return {"windowStart": now, "count": 1}
    if int(state["count"]) >= limit.max_events:
        wait = math.ceil(float(state["windowStart"]) + limit.window_seconds - now)
        raise TooManyRequestsError(
            "rate_limited", f"At most {limit.max_events} {limit.action} a minute; try again shortly.", max(1, wait)
        )
    return {"windowStart": float(state["windowStart"]), "count": int(state["count"]) + 1}


def new_post(post_id: str, author_id: str, body: Mapping[str, Any], at: str) -> dict[str, Any]:
    return {
        "id": post_id, "authorId": author_id, "text": body["text"], "programId": body.get("programId"),
        "createdAt": at, "visible": True, "reactionCount": 0, "commentCount": 0, "reportCount": 0,
    }  # fmt: skip


def new_comment(comment_id: str, post_id: str, author_id: str, text: str, at: str) -> dict[str, Any]:
    return {"id": comment_id, "postId": post_id, "authorId": author_id, "text": text, "createdAt": at}


def author(profiles: Mapping[str, Mapping[str, Any]], user_id: str) -> dict[str, Any]:
    """The public profile subset of an author (a placeholder while the profile does not exist)."""
    return dict(profiles.get(user_id) or {"userId": user_id, "displayName": FORMER_MEMBER})


def post_json(post: Mapping[str, Any], by: Mapping[str, Any], reacted: bool, viewer: str) -> dict[str, Any]:
    body = {
        "id": post["id"], "author": dict(by), "text": post["text"], "programId": post.get("programId"),
        "createdAt": post["createdAt"], "reactionCount": post["reactionCount"],
        "commentCount": post["commentCount"], "reactedByMe": reacted,
    }  # fmt: skip
    if not post["visible"] and post["authorId"] == viewer:
        body["hidden"] = True
    return body


def comment_json(comment: Mapping[str, Any], by: Mapping[str, Any]) -> dict[str, Any]:
    return {k: comment[k] for k in ("id", "postId", "text", "createdAt")} | {"author": dict(by)}


def can_see(post: Mapping[str, Any] | None, viewer: str) -> bool:
    """Hidden posts are seen by their author only."""
    return post is not None and (bool(post["visible"]) or post["authorId"] == viewer)


def after_report(post: Mapping[str, Any]) -> dict[str, Any]:
    """The post's changed fields once one more person reported it."""
    count = int(post["reportCount"]) + 1
    return {"reportCount": count, **({"visible": False} if count >= REPORT_THRESHOLD else {})}
