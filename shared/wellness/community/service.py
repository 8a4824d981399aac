"""Community use cases: the feed, posts, comments, reactions and reports; erase a user who leaves.

Counters move in the same transaction as what they count, so they stay exact under
concurrent use, and without reading the post, so a popular post's reactions do not
queue on it. Posting and commenting are rate limited per user across every instance,
before the change's own transaction (a burst answers 429 at once, not after a queue);
a post that enough people report leaves the feed (its author still sees it).

    >>> from wellness.community.model import Member
    >>> from wellness_testing.fakes.community import fake_community_service
    >>> service, uow = fake_community_service(profiles={"u1": {"userId": "u1", "displayName": "Ada"}})
    >>> post = service.create_post(Member("u1", email_verified=True), "Day 3 done", None)
    >>> service.put_reaction(Member("u2", email_verified=True), post["id"])["reactionCount"]
    1
    >>> [p["author"]["displayName"] for p in service.feed("u2", limit=10)["items"]]
    ['Ada']
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Callable, Sequence, TypeVar

from ..platform import paging
from ..platform.clock import timestamp, utc_now
from ..platform.errors import ForbiddenError, NotFoundError, ValidationError
from ..platform.events import Event
from ..platform.ports import UnitOfWork
from .model import (
    COMMENTING,
    POSTING,
    RATE_LIMITS,
    Comment,
    Member,
    Post,
    RateLimit,
    Reaction,
    Report,
    author_of,
    too_many,
)
from .ports import CommunityStore

T = TypeVar("T")


def _post_not_found() -> NotFoundError:
    return NotFoundError("post_not_found", "There is no such post.")


def _after(cursor: str | None) -> tuple[str, str] | None:
    """The sort key in a cursor this service gave out; 400 invalid_cursor for anything else."""
    if cursor is None:
        return None
    created_at, item_id = paging.decode(cursor, 2)
    if not isinstance(created_at, str) or not isinstance(item_id, str):
        raise ValidationError("invalid_cursor", "The cursor is not one this list gave out; start again without it.")
    return created_at, item_id


def _page(fetched: Sequence[T], limit: int, key: Callable[[T], tuple[str, str]]) -> tuple[list[T], str | None]:
    """(the first `limit` items, the cursor after them or None) from up to limit+1 fetched items."""
    items = list(fetched[:limit])
    return items, paging.encode(list(key(items[-1]))) if len(fetched) > limit and items else None


DEFAULT_MIN_REPORTER_AGE_SECONDS = 86400


class CommunityService:
    def __init__(
        self,
        unit_of_work: UnitOfWork[CommunityStore],
        clock: Callable[[], dt.datetime] = utc_now,
        *,
        min_reporter_age_seconds: int = DEFAULT_MIN_REPORTER_AGE_SECONDS,
    ):
        self.unit_of_work = unit_of_work  # subscribers record their deliveries in its transactions
        self._clock = clock
        self._min_reporter_age = min_reporter_age_seconds

    def _visible(self, store: CommunityStore, viewer: str, post_id: str) -> Post:
        """A post the viewer may see; 404 otherwise (a hidden post is not there for others)."""
        post = store.posts.get(post_id)
        if post is None or not post.seen_by(viewer):
            raise _post_not_found()
        return post

    def _take(self, user_id: str, limit: RateLimit) -> None:
        """One more event within the user's limit, or 429: in a unit of work of its own, before the change.

        A burst by one user then contends on nothing: the change's own transaction
        never touches the rate-limit documents. An event whose change fails still counts.
        """
        now = self._clock().timestamp()
        wait = self.unit_of_work.run(lambda store: store.rate_limits.take(user_id, limit, now))
        if wait is not None:
            raise too_many(limit, wait)

    def _posts_json(self, store: CommunityStore, viewer: str, posts: list[Post]) -> list[dict[str, Any]]:
        posts = store.posts.with_counts(posts)
        profiles = store.authors.public_profiles([p.author_id for p in posts])
        mine = store.reactions.reacted(viewer, [p.id for p in posts])
        return [p.to_json(author_of(profiles, p.author_id), reacted_by_me=p.id in mine, viewer=viewer) for p in posts]

    def feed(self, viewer: str, *, limit: int, cursor: str | None = None) -> dict[str, Any]:
        """One page of visible posts, newest first, each with its author's public profile."""
        after = _after(cursor)

        def work(store: CommunityStore) -> dict[str, Any]:
            posts, next_cursor = _page(store.posts.feed(after=after, limit=limit + 1), limit, lambda p: p.key)
            return {"items": self._posts_json(store, viewer, posts), "nextCursor": next_cursor}

        return self.unit_of_work.read(work)

    def create_post(self, member: Member, text: str, program_id: str | None) -> dict[str, Any]:
        """Share a post (verified accounts only); 429 past the posting limit."""
        member.may_contribute()
        author = member.user_id
        self._take(author, POSTING)

        def work(store: CommunityStore) -> dict[str, Any]:
            now = self._clock()
            profiles = store.authors.public_profiles([author])
            post = Post.new(uuid.uuid4().hex, author, text, program_id, at=timestamp(now))
            store.posts.add(post)
            return post.to_json(author_of(profiles, author), reacted_by_me=False, viewer=author)

        return self.unit_of_work.run(work)

    def get_post(self, viewer: str, post_id: str) -> dict[str, Any]:
        """One post the viewer may see (a hidden one only by its author, marked `hidden`)."""

        def work(store: CommunityStore) -> dict[str, Any]:
            return self._posts_json(store, viewer, [self._visible(store, viewer, post_id)])[0]

        return self.unit_of_work.read(work)

    def delete_post(self, viewer: str, post_id: str) -> None:
        """Delete a post with its comments, reactions and reports; its author only."""

        def work(store: CommunityStore) -> None:
            if self._visible(store, viewer, post_id).author_id != viewer:
                raise ForbiddenError("not_post_author", "Only the author may delete a post.")
            store.posts.delete(post_id)

        self.unit_of_work.run(work)

    def comments(self, viewer: str, post_id: str, *, limit: int, cursor: str | None = None) -> dict[str, Any]:
        """One page of a post's comments, oldest first, each with its author's public profile."""
        after = _after(cursor)

        def work(store: CommunityStore) -> dict[str, Any]:
            self._visible(store, viewer, post_id)
            fetched = store.comments.page(post_id, after=after, limit=limit + 1)
            comments, next_cursor = _page(fetched, limit, lambda c: c.key)
            profiles = store.authors.public_profiles([c.author_id for c in comments])
            return {"items": [c.to_json(author_of(profiles, c.author_id)) for c in comments], "nextCursor": next_cursor}

        return self.unit_of_work.read(work)

    def add_comment(self, member: Member, post_id: str, text: str) -> dict[str, Any]:
        """Comment on a post the author may see (verified accounts only); 429 past the commenting limit."""
        member.may_contribute()
        author = member.user_id
        self._take(author, COMMENTING)

        def work(store: CommunityStore) -> dict[str, Any]:
            now = self._clock()
            self._visible(store, author, post_id)
            profiles = store.authors.public_profiles([author])
            comment = Comment(uuid.uuid4().hex, post_id, author, text, timestamp(now))
            store.comments.add(comment)
            store.posts.count(post_id, comments=1)
            return comment.to_json(author_of(profiles, author))

        return self.unit_of_work.run(work)

    def delete_comment(self, viewer: str, post_id: str, comment_id: str) -> None:
        """Delete one's own comment (on a post one may see)."""

        def work(store: CommunityStore) -> None:
            self._visible(store, viewer, post_id)
            comment = store.comments.get(post_id, comment_id)
            if comment is None:
                raise NotFoundError("comment_not_found", "There is no such comment.")
            if comment.author_id != viewer:
                raise ForbiddenError("not_comment_author", "Only the author may delete a comment.")
            store.comments.delete(post_id, comment_id)
            store.posts.count(post_id, comments=-1)

        self.unit_of_work.run(work)

    def put_reaction(self, member: Member, post_id: str) -> dict[str, Any]:
        """React to a post (verified accounts only); reacting again changes nothing."""
        member.may_contribute()
        return self._react(member.user_id, post_id, reacted=True)

    def remove_reaction(self, viewer: str, post_id: str) -> dict[str, Any]:
        """Take one's reaction back; doing it again changes nothing."""
        return self._react(viewer, post_id, reacted=False)

    def _react(self, viewer: str, post_id: str, *, reacted: bool) -> dict[str, Any]:
        """The reaction and the count move together; the answer's count is read after the commit."""

        def work(store: CommunityStore) -> Post:
            post = self._visible(store, viewer, post_id)
            if store.reactions.exists(post_id, viewer) != reacted:
                if reacted:
                    store.reactions.add(Reaction(post_id, viewer, timestamp(self._clock())))
                else:
                    store.reactions.remove(post_id, viewer)
                store.posts.count(post_id, reactions=1 if reacted else -1)
            return post

        post = self.unit_of_work.run(work)
        (counted,) = self.unit_of_work.read(lambda store: store.posts.with_counts([post]))
        return counted.reaction_state(reacted)

    def report(self, member: Member, post_id: str, reason: str = "") -> tuple[dict[str, Any], bool]:
        """(the report, whether it is new): one per user; the threshold's reporter hides the post.

        Verified accounts only; a report from an account younger than the minimum age is
        kept (a moderator sees it) but does not count toward hiding, so a handful of fresh
        accounts cannot take a member's post down.
        """
        member.may_contribute()
        viewer = member.user_id

        def work(store: CommunityStore) -> tuple[Report, bool]:
            post = self._visible(store, viewer, post_id)
            existing = store.reports.get(post_id, viewer)
            if existing is not None:
                return existing, False
            now = self._clock()
            counted = member.seasoned(now.timestamp(), self._min_reporter_age)
            report = Report(post_id, viewer, reason, timestamp(now), counted)
            store.reports.add(report)
            if counted:
                store.posts.save(post.reported())
            return report, True

        report, created = self.unit_of_work.run(work)
        return report.to_json(), created

    def on_user_deleted(self, store: CommunityStore, event: Event) -> dict[str, int]:
        """Leave nothing of the user: counts of the posts, comments, reactions and reports erased.

        The user's posts go with everything under them (others' comments too: a thread
        without its post has no place to be shown); the user's comments, reactions and
        reports on others' posts go with their counts (a post that reports hid stays
        hidden). No anonymised stub is kept. This works outside the delivery's
        transaction, in steps that find only what is left, so a redelivery finishes the
        job and changes nothing more.
        """
        user_id = event.data["userId"]
        erased = {
            "posts": store.posts.erase_author(user_id),
            "comments": store.comments.erase_author(user_id),
            "reactions": store.reactions.erase_user(user_id),
            "reports": store.reports.erase_user(user_id),
        }
        for limit in RATE_LIMITS:
            store.rate_limits.erase(user_id, limit)
        return erased
