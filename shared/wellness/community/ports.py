"""What the community service needs from storage.

Everything happens in the use case's transaction, except the methods that say they
work outside it: deleting a thread and erasing a user touch more documents than one
transaction may write, so they go in steps that each find only what is left (running
them again changes nothing).
"""

from __future__ import annotations

from typing import Any, Protocol, Sequence

from ..platform.ports import Transaction
from .model import Comment, Post, RateLimit, Reaction, Report


class Posts(Protocol):
    def get(self, post_id: str) -> Post | None: ...

    def feed(self, *, after: tuple[str, str] | None, limit: int) -> list[Post]:
        """Visible posts, newest first (by `Post.key`), after the key `after` (keyset paging)."""
        ...

    def add(self, post: Post) -> None: ...

    def save(self, post: Post) -> None:
        """Its visibility and report count (the post was read in this transaction); `count` moves the others."""
        ...

    def count(self, post_id: str, *, reactions: int = 0, comments: int = 0) -> None:
        """Move the post's reaction and comment counts, without reading them.

        A popular post gets many reactions at once: the counts live apart from the
        post (a distributed counter), so concurrent reactions neither wait on the post
        nor abort each other's transactions.
        """
        ...

    def with_counts(self, posts: Sequence[Post]) -> list[Post]:
        """The posts with their current reaction and comment counts (read outside the transaction)."""
        ...

    def delete(self, post_id: str) -> None:
        """The post in this transaction; its comments, reactions and reports outside it, first."""
        ...

    def erase_author(self, user_id: str) -> int:
        """Outside the transaction: each of the user's posts with everything under it; how many went."""
        ...


class Comments(Protocol):
    def get(self, post_id: str, comment_id: str) -> Comment | None: ...

    def page(self, post_id: str, *, after: tuple[str, str] | None, limit: int) -> list[Comment]:
        """The post's comments, oldest first (by `Comment.key`), after the key `after`."""
        ...

    def add(self, comment: Comment) -> None: ...

    def delete(self, post_id: str, comment_id: str) -> None: ...

    def erase_author(self, user_id: str) -> int:
        """Outside the transaction: each of the user's comments, with its post's count in a transaction of its own."""
        ...


class Reactions(Protocol):
    def exists(self, post_id: str, user_id: str) -> bool: ...

    def reacted(self, user_id: str, post_ids: Sequence[str]) -> set[str]:
        """Which of these posts the user reacted to (one round trip)."""
        ...

    def add(self, reaction: Reaction) -> None: ...

    def remove(self, post_id: str, user_id: str) -> None: ...

    def erase_user(self, user_id: str) -> int:
        """Outside the transaction: each of the user's reactions, with its post's count in a transaction of its own."""
        ...


class Reports(Protocol):
    def get(self, post_id: str, user_id: str) -> Report | None: ...

    def add(self, report: Report) -> None: ...

    def erase_user(self, user_id: str) -> int:
        """Outside the transaction: each of the user's reports, with its post's count in a transaction of its own."""
        ...


class RateLimits(Protocol):
    """Each user's recent events per action, shared by every instance (the slots of `model.free_slots`)."""

    def take(self, user_id: str, limit: RateLimit, now: float) -> int | None:
        """Outside the transaction: one more event at `now` (epoch s); None when it fits, else seconds to wait.

        Conditional writes of its own, no transaction: run it in a unit of work of its
        own, before the change it limits, so a burst by one user never holds that
        change's transaction on a hot document.
        """
        ...

    def erase(self, user_id: str, limit: RateLimit) -> None:
        """Forget the user's events under `limit`."""
        ...


class Authors(Protocol):
    """The authors' public profiles, owned by the profile domain."""

    def public_profiles(self, user_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """`{userId, displayName, bio?}` of these users, by user id; users without a profile are left out."""
        ...


class CommunityStore(Transaction, Protocol):
    @property
    def posts(self) -> Posts: ...

    @property
    def comments(self) -> Comments: ...

    @property
    def reactions(self) -> Reactions: ...

    @property
    def reports(self) -> Reports: ...

    @property
    def rate_limits(self) -> RateLimits: ...

    @property
    def authors(self) -> Authors: ...
