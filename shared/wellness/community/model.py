"""Community values and rules. Pure: no framework, no cloud SDK.

>>> post = Post.new("p1", "u1", "Day 3 done", None, at="2026-01-01T00:00:00.000000Z")
>>> hidden = post.reported().reported().reported()
>>> hidden.report_count, hidden.visible, hidden.seen_by("u1"), hidden.seen_by("u2")
(3, False, True, False)
>>> post.to_json(author_of({}, "u1"), reacted_by_me=False, viewer="u2")["author"]
{'userId': 'u1', 'displayName': 'Former member'}
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Mapping, Sequence

from ..platform.errors import ForbiddenError, TooManyRequestsError

REPORT_THRESHOLD = 3  # distinct reporters; then the post leaves the feed until a moderator looks
FORMER_MEMBER = "Former member"


@dataclasses.dataclass(frozen=True)
class Post:
    id: str
    author_id: str
    text: str
    program_id: str | None
    created_at: str
    visible: bool = True
    reaction_count: int = 0
    comment_count: int = 0
    report_count: int = 0

    @classmethod
    def new(cls, post_id: str, author_id: str, text: str, program_id: str | None, *, at: str) -> Post:
        return cls(post_id, author_id, text, program_id, at)

    def seen_by(self, viewer: str) -> bool:
        """Hidden posts are seen by their author only."""
        return self.visible or self.author_id == viewer

    def counted(self, *, reactions: int = 0, comments: int = 0, reports: int = 0) -> Post:
        """The post with its counters moved by these amounts (never below zero)."""
        return dataclasses.replace(
            self,
            reaction_count=max(0, self.reaction_count + reactions),
            comment_count=max(0, self.comment_count + comments),
            report_count=max(0, self.report_count + reports),
        )

    def reported(self) -> Post:
        """The post once one more person reported it: hidden from the threshold on.

        Taking a report away (erasure) only counts down: a hidden post stays hidden.
        """
        post = self.counted(reports=1)
        return dataclasses.replace(post, visible=False) if post.report_count >= REPORT_THRESHOLD else post

    @property
    def key(self) -> tuple[str, str]:
        """The feed's sort key (newest first): the cursor's values."""
        return self.created_at, self.id

    def to_json(self, author: Mapping[str, Any], *, reacted_by_me: bool, viewer: str) -> dict[str, Any]:
        body = {
            "id": self.id,
            "author": dict(author),
            "text": self.text,
            "programId": self.program_id,
            "createdAt": self.created_at,
            "reactionCount": self.reaction_count,
            "commentCount": self.comment_count,
            "reactedByMe": reacted_by_me,
        }
        if not self.visible and self.author_id == viewer:
            body["hidden"] = True
        return body

    def reaction_state(self, reacted: bool) -> dict[str, Any]:
        """The caller's reaction and the post's count, after a put or a delete."""
        return {"postId": self.id, "reacted": reacted, "reactionCount": self.reaction_count}


@dataclasses.dataclass(frozen=True)
class Member:
    """Who acts, as their access token says: only verified accounts contribute; young accounts' reports wait.

    >>> Member.from_claims({"sub": "u1", "email_verified": True, "acct_created": 100}).seasoned(3700.0, 3600)
    True
    >>> Member.from_claims({"sub": "u1"}).email_verified
    False
    """

    user_id: str
    email_verified: bool = False
    created_at: float | None = None  # epoch seconds; None: unknown (a token from before the claim existed)

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Member:
        created = claims.get("acct_created")
        return cls(
            str(claims["sub"]),
            claims.get("email_verified") is True,
            float(created) if isinstance(created, (int, float)) else None,
        )

    def may_contribute(self) -> None:
        """Posting, commenting, reacting and reporting: verified accounts only (403 otherwise)."""
        if not self.email_verified:
            raise ForbiddenError(
                "email_not_verified", "Verify your e-mail address first (see the mail we sent, or ask for a new link)."
            )

    def seasoned(self, now: float, min_age_seconds: int) -> bool:
        """Whether the account is old enough for its reports to count toward hiding a post."""
        return self.created_at is not None and now - self.created_at >= min_age_seconds


@dataclasses.dataclass(frozen=True)
class Comment:
    id: str
    post_id: str
    author_id: str
    text: str
    created_at: str

    @property
    def key(self) -> tuple[str, str]:
        """The comments' sort key (oldest first): the cursor's values."""
        return self.created_at, self.id

    def to_json(self, author: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": self.id,
            "postId": self.post_id,
            "author": dict(author),
            "text": self.text,
            "createdAt": self.created_at,
        }


@dataclasses.dataclass(frozen=True)
class Reaction:
    """One per user and post."""

    post_id: str
    user_id: str
    created_at: str


@dataclasses.dataclass(frozen=True)
class Report:
    """One per user and post; `counted` when it counted toward hiding the post (its reporter was old enough)."""

    post_id: str
    user_id: str
    reason: str
    created_at: str
    counted: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"postId": self.post_id, "reported": True}


def author_of(profiles: Mapping[str, Mapping[str, Any]], user_id: str) -> dict[str, Any]:
    """The public profile of an author (a placeholder once the profile is gone)."""
    return dict(profiles.get(user_id) or {"userId": user_id, "displayName": FORMER_MEMBER})


@dataclasses.dataclass(frozen=True)
class RateLimit:
    action: str
    max_events: int
    window_seconds: int


POSTING = RateLimit("posts", 5, 60)
COMMENTING = RateLimit("comments", 20, 60)
RATE_LIMITS = (POSTING, COMMENTING)


def free_slots(limit: RateLimit, slots: Sequence[float | None], now: float) -> list[int]:
    """Which of the limit's slots one more event at `now` may take; none when all hold recent events.

    A user's rate limit is `max_events` slots, each holding the time (epoch seconds) of
    the event that last took it: at most that many events in any `window_seconds`
    (a sliding window). Slots are separate documents, each written with a condition
    and never read in a transaction, so a burst by one user finds a slot or a 429
    quickly instead of queueing on one hot document.

    >>> free_slots(POSTING, [None] * 5, 100.0)
    [0, 1, 2, 3, 4]
    >>> free_slots(POSTING, [100.0, 101.0, 102.0, 103.0, 104.0], 130.0)
    []
    >>> free_slots(POSTING, [100.0, 101.0, 102.0, 103.0, 104.0], 160.5)
    [0]
    """
    return [
        index for index, at in enumerate(slots[: limit.max_events]) if at is None or at <= now - limit.window_seconds
    ]


def retry_after(limit: RateLimit, slots: Sequence[float | None], now: float) -> int:
    """Whole seconds until the oldest slot frees (at least 1)."""
    oldest = min((at for at in slots if at is not None), default=now - limit.window_seconds)
    return max(1, math.ceil(oldest + limit.window_seconds - now))


def too_many(limit: RateLimit, wait_seconds: int) -> TooManyRequestsError:
    """The 429 of a full limit.

    >>> too_many(POSTING, 30).retry_after_seconds
    30
    """
    return TooManyRequestsError(
        "rate_limited", f"At most {limit.max_events} {limit.action} a minute; try again shortly.", wait_seconds
    )
