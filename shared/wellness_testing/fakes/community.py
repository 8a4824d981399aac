"""In-memory posts, comments, reactions, reports, rate limits and authors behind the community's ports.

Like Firestore, a fake store refuses a read after the first write of its transaction,
so a use case that reads too late fails here, not only on the emulator. What the
real adapters do outside the transaction (deleting a thread, erasing a user) the
fakes do with it.

    >>> from wellness.community.model import Member
    >>> service, uow = fake_community_service(profiles={"u1": {"userId": "u1", "displayName": "Ada"}})
    >>> post = service.create_post(Member("u1", email_verified=True), "hello", None)
    >>> uow.state.posts[post["id"]].author_id, post["author"]
    ('u1', {'userId': 'u1', 'displayName': 'Ada'})
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Callable, Mapping, Sequence

from wellness.community.model import Comment, Member, Post, RateLimit, Reaction, Report, free_slots, retry_after
from wellness.community.service import CommunityService
from wellness.platform.clock import utc_now

from . import FakeState, FakeTransaction, FakeUnitOfWork


@dataclasses.dataclass
class CommunityState(FakeState):
    posts: dict[str, Post] = dataclasses.field(default_factory=dict)
    comments: dict[tuple[str, str], Comment] = dataclasses.field(default_factory=dict)  # (post, comment)
    reactions: dict[tuple[str, str], Reaction] = dataclasses.field(default_factory=dict)  # (post, user)
    reports: dict[tuple[str, str], Report] = dataclasses.field(default_factory=dict)  # (post, user)
    rate_limits: dict[tuple[str, str], list[float | None]] = dataclasses.field(default_factory=dict)  # (user, action)
    profiles: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)  # public profiles, by user

    def drop_under(self, post_id: str) -> None:
        """Everything under a post: its comments, reactions and reports."""
        for table in (self.comments, self.reactions, self.reports):
            for key in [k for k in table if k[0] == post_id]:
                del table[key]


class FakeCommunityStore(FakeTransaction):
    state: CommunityState

    def __init__(self, state: CommunityState):
        super().__init__(state)
        self.written = False

    def reading(self) -> CommunityState:
        if self.written:
            raise AssertionError("read after write: Firestore wants every read of a transaction before its first write")
        return self.state

    def writing(self) -> CommunityState:
        self.written = True
        return self.state

    @property
    def posts(self) -> FakePosts:
        return FakePosts(self)

    @property
    def comments(self) -> FakeComments:
        return FakeComments(self)

    @property
    def reactions(self) -> FakeReactions:
        return FakeReactions(self)

    @property
    def reports(self) -> FakeReports:
        return FakeReports(self)

    @property
    def rate_limits(self) -> FakeRateLimits:
        return FakeRateLimits(self)

    @property
    def authors(self) -> FakeAuthors:
        return FakeAuthors(self)


def _create(table: dict[tuple[str, str], Any], key: tuple[str, str], item: Any) -> None:
    """As Firestore's create() does: an item whose document exists already is refused, never overwritten."""
    if key in table:
        raise ValueError(f"{type(item).__name__} {key} exists already")
    table[key] = item


def _erase_each(
    state: CommunityState,
    table: dict[tuple[str, str], Any],
    mine: Callable[[Any], bool],
    uncount: Callable[[Post, Any], Post],
) -> int:
    """Outside the transaction in the real adapters: each of the user's items with its post's count."""
    keys = [key for key, item in table.items() if mine(item)]
    for post_id, item_id in keys:
        item = table.pop((post_id, item_id))
        if post_id in state.posts:
            state.posts[post_id] = uncount(state.posts[post_id], item)
    return len(keys)


class FakePosts:
    def __init__(self, store: FakeCommunityStore):
        self._store = store

    def get(self, post_id: str) -> Post | None:
        return self._store.reading().posts.get(post_id)

    def feed(self, *, after: tuple[str, str] | None, limit: int) -> list[Post]:
        posts = [p for p in self._store.reading().posts.values() if p.visible and (after is None or p.key < after)]
        return sorted(posts, key=lambda p: p.key, reverse=True)[:limit]

    def add(self, post: Post) -> None:
        state = self._store.writing()
        if post.id in state.posts:
            raise ValueError("a post with this id exists already")  # Firestore's create() refuses it too
        state.posts[post.id] = post

    def save(self, post: Post) -> None:
        state = self._store.writing()
        kept = state.posts[post.id]  # like the adapter, only visibility and reports: counts move with count()
        state.posts[post.id] = dataclasses.replace(kept, visible=post.visible, report_count=post.report_count)

    def count(self, post_id: str, *, reactions: int = 0, comments: int = 0) -> None:
        state = self._store.writing()
        if post_id in state.posts:
            state.posts[post_id] = state.posts[post_id].counted(reactions=reactions, comments=comments)

    def with_counts(self, posts: Sequence[Post]) -> list[Post]:
        current = self._store.state.posts
        return [
            dataclasses.replace(
                p, reaction_count=current[p.id].reaction_count, comment_count=current[p.id].comment_count
            )
            if p.id in current
            else p
            for p in posts
        ]

    def delete(self, post_id: str) -> None:
        state = self._store.writing()
        state.drop_under(post_id)
        state.posts.pop(post_id, None)

    def erase_author(self, user_id: str) -> int:
        state = self._store.state
        mine = [p for p in state.posts.values() if p.author_id == user_id]
        for post in mine:
            state.drop_under(post.id)
            del state.posts[post.id]
        return len(mine)


class FakeComments:
    def __init__(self, store: FakeCommunityStore):
        self._store = store

    def get(self, post_id: str, comment_id: str) -> Comment | None:
        return self._store.reading().comments.get((post_id, comment_id))

    def page(self, post_id: str, *, after: tuple[str, str] | None, limit: int) -> list[Comment]:
        comments = self._store.reading().comments.values()
        theirs = [c for c in comments if c.post_id == post_id and (after is None or c.key > after)]
        return sorted(theirs, key=lambda c: c.key)[:limit]

    def add(self, comment: Comment) -> None:
        _create(self._store.writing().comments, (comment.post_id, comment.id), comment)

    def delete(self, post_id: str, comment_id: str) -> None:
        self._store.writing().comments.pop((post_id, comment_id), None)

    def erase_author(self, user_id: str) -> int:
        state = self._store.state
        return _erase_each(
            state, state.comments, lambda c: c.author_id == user_id, lambda p, _item: p.counted(comments=-1)
        )


class FakeReactions:
    def __init__(self, store: FakeCommunityStore):
        self._store = store

    def exists(self, post_id: str, user_id: str) -> bool:
        return (post_id, user_id) in self._store.reading().reactions

    def reacted(self, user_id: str, post_ids: Sequence[str]) -> set[str]:
        reactions = self._store.reading().reactions
        return {p for p in post_ids if (p, user_id) in reactions}

    def add(self, reaction: Reaction) -> None:
        _create(self._store.writing().reactions, (reaction.post_id, reaction.user_id), reaction)

    def remove(self, post_id: str, user_id: str) -> None:
        self._store.writing().reactions.pop((post_id, user_id), None)

    def erase_user(self, user_id: str) -> int:
        state = self._store.state
        return _erase_each(
            state, state.reactions, lambda r: r.user_id == user_id, lambda p, _item: p.counted(reactions=-1)
        )


class FakeReports:
    def __init__(self, store: FakeCommunityStore):
        self._store = store

    def get(self, post_id: str, user_id: str) -> Report | None:
        return self._store.reading().reports.get((post_id, user_id))

    def add(self, report: Report) -> None:
        _create(self._store.writing().reports, (report.post_id, report.user_id), report)

    def erase_user(self, user_id: str) -> int:
        state = self._store.state
        return _erase_each(
            state, state.reports, lambda r: r.user_id == user_id, lambda p, r: p.counted(reports=-1) if r.counted else p
        )


class FakeRateLimits:
    """The slots of each (user, action): the time of the event that last took each."""

    def __init__(self, store: FakeCommunityStore):
        self._store = store

    def take(self, user_id: str, limit: RateLimit, now: float) -> int | None:
        slots = self._store.state.rate_limits.setdefault((user_id, limit.action), [None] * limit.max_events)
        free = free_slots(limit, slots, now)
        if not free:
            return retry_after(limit, slots, now)
        slots[free[0]] = now
        return None

    def erase(self, user_id: str, limit: RateLimit) -> None:
        self._store.writing().rate_limits.pop((user_id, limit.action), None)


class FakeAuthors:
    def __init__(self, store: FakeCommunityStore):
        self._store = store

    def public_profiles(self, user_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        profiles = self._store.reading().profiles
        return {u: dict(profiles[u]) for u in user_ids if u in profiles}


def fake_community_service(
    *,
    clock: Callable[[], dt.datetime] = utc_now,
    profiles: Mapping[str, Mapping[str, Any]] | None = None,
    min_reporter_age_seconds: int = 0,
) -> tuple[CommunityService, FakeUnitOfWork[FakeCommunityStore, CommunityState]]:
    """A service on fakes; `clock` gives "now" (move it to open a new rate-limit window), `profiles` the authors'.

    Every report counts unless `min_reporter_age_seconds` says how old a reporter must be.
    """
    state = CommunityState(profiles={u: dict(p) for u, p in (profiles or {}).items()})
    uow = FakeUnitOfWork(FakeCommunityStore, state)
    return CommunityService(uow, clock=clock, min_reporter_age_seconds=min_reporter_age_seconds), uow


def member(user_id: str) -> Member:
    """A verified member of long standing: may post, comment, react, and their reports count."""
    return Member(user_id, email_verified=True, created_at=0.0)
