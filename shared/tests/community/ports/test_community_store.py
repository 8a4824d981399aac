"""The community store's contract, run against the fake and against Firestore (the emulator): the same cases.

The feed is one collection for everyone: each case's posts sort above everything else in it (a
`createdAt` starting with "9" and a fresh prefix), and the case reads the feed from just above them.
Counts are read as callers read them: `with_counts` of the post as got.
"""

from __future__ import annotations

import uuid
from typing import Any, Callable

import pytest

from wellness.community.adapters import FirestoreCommunityStore
from wellness.community.model import Comment, Post, RateLimit, Reaction, Report
from wellness.profile.adapters import FirestoreProfileStore
from wellness.profile.model import Profile
from wellness_testing.fakes import FakeUnitOfWork
from wellness_testing.fakes.community import CommunityState, FakeCommunityStore

AT = "2026-11-20T12:00:00.000000Z"


@pytest.fixture
def uow(contract_uow: Callable[..., Any]) -> Any:
    fake = lambda: FakeUnitOfWork(FakeCommunityStore, CommunityState())  # noqa: E731
    return contract_uow(fake, "firestore", FirestoreCommunityStore)


@pytest.fixture
def add_profile(backend: str, uow: Any, runtime_for: Callable[..., Any]) -> Callable[[str, str], None]:
    """add_profile(user, name): the user's profile, where the real store reads it (the profile domain's)."""

    def fake(user_id: str, name: str) -> None:
        uow.state.profiles[user_id] = {"userId": user_id, "displayName": name}

    def real(user_id: str, name: str) -> None:
        profiles = runtime_for("firestore", PUBLISH_AFTER_COMMIT="false").firestore_unit_of_work(FirestoreProfileStore)
        profiles.run(lambda s: s.profiles.add(Profile.new(user_id, name, "Europe/Paris", at=AT)))

    return fake if backend == "fake" else real


def new_id() -> str:
    return str(uuid.uuid4())


def new_post(author: str | None = None, at: str = AT) -> Post:
    return Post.new(new_id(), author or new_id(), "hello", None, at=at)


def counts(uow: Any, post_id: str) -> tuple[int, int, int]:
    def read(store: Any) -> tuple[int, int, int]:
        (post,) = store.posts.with_counts([store.posts.get(post_id)])
        return post.reaction_count, post.comment_count, post.report_count

    result: tuple[int, int, int] = uow.read(read)
    return result


def arrange(uow: Any, *items: Post | Comment | Reaction | Report) -> None:
    def add(store: Any) -> None:
        for item in items:
            kind = {Post: "posts", Comment: "comments", Reaction: "reactions", Report: "reports"}[type(item)]
            getattr(store, kind).add(item)

    uow.run(add)


# Posts and the feed


def test_a_post_is_read_back_and_a_second_with_its_id_refused(uow: Any) -> None:
    post = new_post()
    assert uow.read(lambda s: s.posts.get(post.id)) is None
    arrange(uow, post)
    assert uow.read(lambda s: s.posts.get(post.id)) == post
    with pytest.raises(Exception):  # noqa: B017 - the fake's ValueError, Firestore's AlreadyExists
        uow.run(lambda s: s.posts.add(Post.new(post.id, new_id(), "impostor", None, at=AT)))
    assert uow.read(lambda s: s.posts.get(post.id)) == post


def test_the_feed_pages_visible_posts_newest_first_by_their_key(uow: Any) -> None:
    prefix = "9" + uuid.uuid4().hex
    times = [f"{prefix}-1", f"{prefix}-2", f"{prefix}-2", f"{prefix}-3"]  # two at one instant: the id decides
    posts = [new_post(at=at) for at in times]
    hidden = new_post(at=f"{prefix}-4")
    arrange(uow, *posts, hidden)
    uow.run(lambda s: s.posts.save(Post(**{**hidden.__dict__, "visible": False})))
    newest_first = sorted(posts, key=lambda p: p.key, reverse=True)
    top = (prefix + "~", "")  # just above this case's posts

    def feed(after: tuple[str, str], limit: int) -> list[str]:
        return [p.id for p in uow.read(lambda s: s.posts.feed(after=after, limit=limit))]

    assert feed(top, len(posts)) == [p.id for p in newest_first]
    assert feed(top, 2) == [p.id for p in newest_first[:2]]
    assert feed(newest_first[1].key, 2) == [p.id for p in newest_first[2:]]


def test_save_keeps_visibility_and_reports_and_leaves_the_moved_counts(uow: Any) -> None:
    post = new_post()
    arrange(uow, post)
    uow.run(lambda s: s.posts.count(post.id, reactions=2, comments=1))
    reported = Post(**{**post.__dict__, "visible": False, "report_count": 3, "reaction_count": 99})
    uow.run(lambda s: s.posts.save(reported))
    got = uow.read(lambda s: s.posts.get(post.id))
    assert (got.visible, got.report_count) == (False, 3)
    assert counts(uow, post.id) == (2, 1, 3)


def test_counts_move_by_what_is_counted_and_with_counts_reads_them(uow: Any) -> None:
    post, other = new_post(), new_post()
    arrange(uow, post, other)
    for reactions, comments in ((1, 0), (1, 1), (0, 1), (-1, 0), (0, 0)):
        uow.run(lambda s, r=reactions, c=comments: s.posts.count(post.id, reactions=r, comments=c))
    assert counts(uow, post.id) == (1, 2, 0)
    assert counts(uow, other.id) == (0, 0, 0)
    assert uow.read(lambda s: s.posts.with_counts([])) == []


def test_deleting_a_post_takes_everything_under_it(uow: Any) -> None:
    post, kept = new_post(), new_post()
    user = new_id()
    arrange(
        uow,
        post,
        kept,
        Comment(new_id(), post.id, user, "hi", AT),
        Reaction(post.id, user, AT),
        Report(post.id, user, "spam", AT),
        Reaction(kept.id, user, AT),
    )
    uow.run(lambda s: s.posts.delete(post.id))
    uow.run(lambda s: s.posts.delete(post.id))  # already gone

    def left(s: Any) -> tuple[Any, ...]:
        comments = s.comments.page(post.id, after=None, limit=10)
        return s.posts.get(post.id), comments, s.reactions.exists(post.id, user), s.reports.get(post.id, user)

    assert uow.read(left) == (None, [], False, None)
    assert uow.read(lambda s: s.reactions.reacted(user, [post.id, kept.id])) == {kept.id}


# Comments, reactions, reports


def test_comments_page_oldest_first_and_go_one_by_one(uow: Any) -> None:
    post = new_post()
    made = [Comment(new_id(), post.id, new_id(), f"c{n}", at) for n, at in enumerate([AT, "2026-11-21", AT])]
    other_post = new_post()
    arrange(uow, post, other_post, *made, Comment(new_id(), other_post.id, new_id(), "elsewhere", AT))
    oldest_first = sorted(made, key=lambda c: c.key)
    assert uow.read(lambda s: s.comments.page(post.id, after=None, limit=10)) == oldest_first
    first = uow.read(lambda s: s.comments.page(post.id, after=None, limit=2))
    assert first == oldest_first[:2]
    assert uow.read(lambda s: s.comments.page(post.id, after=first[-1].key, limit=2)) == oldest_first[2:]
    assert uow.read(lambda s: s.comments.get(post.id, made[0].id)) == made[0]
    assert uow.read(lambda s: s.comments.get(other_post.id, made[0].id)) is None
    uow.run(lambda s: s.comments.delete(post.id, made[0].id))
    uow.run(lambda s: s.comments.delete(post.id, made[0].id))
    assert uow.read(lambda s: s.comments.get(post.id, made[0].id)) is None


@pytest.mark.parametrize("kind", ["comments", "reactions", "reports"])
def test_a_second_item_with_the_same_id_is_refused(uow: Any, kind: str) -> None:
    post, user = new_post(), new_id()
    first: Any = {
        "comments": Comment(new_id(), post.id, user, "first", AT),
        "reactions": Reaction(post.id, user, AT),
        "reports": Report(post.id, user, "spam", AT),
    }[kind]
    arrange(uow, post, first)
    twin = type(first)(**{**first.__dict__, "created_at": "2026-11-21T00:00:00.000000Z"})
    with pytest.raises(Exception):  # noqa: B017 - the fake's ValueError, Firestore's AlreadyExists
        arrange(uow, twin)
    if kind == "comments":
        assert uow.read(lambda s: s.comments.get(post.id, first.id)) == first
    elif kind == "reports":
        assert uow.read(lambda s: s.reports.get(post.id, user)) == first


def test_reactions_are_one_per_user_and_post(uow: Any) -> None:
    posts, user, other = [new_post() for _ in range(3)], new_id(), new_id()
    arrange(
        uow, *posts, Reaction(posts[0].id, user, AT), Reaction(posts[2].id, user, AT), Reaction(posts[1].id, other, AT)
    )
    ids = [p.id for p in posts]
    assert uow.read(lambda s: s.reactions.reacted(user, [*ids, ids[0], new_id()])) == {ids[0], ids[2]}
    assert uow.read(lambda s: (s.reactions.exists(ids[0], user), s.reactions.exists(ids[1], user))) == (True, False)
    uow.run(lambda s: s.reactions.remove(ids[0], user))
    uow.run(lambda s: s.reactions.remove(ids[0], user))
    assert uow.read(lambda s: s.reactions.reacted(user, ids)) == {ids[2]}
    assert uow.read(lambda s: s.reactions.reacted(user, [])) == set()


def test_a_report_is_read_back_with_whether_it_counted(uow: Any) -> None:
    post, user, young = new_post(), new_id(), new_id()
    reports = [Report(post.id, user, "spam", AT), Report(post.id, young, "", AT, counted=False)]
    arrange(uow, post, *reports)
    assert uow.read(lambda s: [s.reports.get(post.id, u) for u in (user, young, new_id())]) == [*reports, None]


# Erasure


def test_erasing_a_user_takes_their_posts_and_items_and_counts_them_down(uow: Any) -> None:
    leaver, other, young = new_id(), new_id(), new_id()
    mine, theirs = new_post(leaver), new_post(other)
    comment = Comment(new_id(), theirs.id, leaver, "hi", AT)
    on_mine = Comment(new_id(), mine.id, other, "on the leaver's post", AT)
    arrange(
        uow,
        mine,
        theirs,
        comment,
        on_mine,
        Reaction(theirs.id, leaver, AT),
        Reaction(theirs.id, other, AT),
        Report(theirs.id, leaver, "spam", AT),
        Report(theirs.id, young, "", AT, counted=False),
    )
    uow.run(lambda s: s.posts.count(theirs.id, reactions=2, comments=1))
    reported = Post(**{**theirs.__dict__, "report_count": 1})
    uow.run(lambda s: s.posts.save(reported))

    def erase(store: Any) -> tuple[int, ...]:
        return (
            store.posts.erase_author(leaver),
            store.comments.erase_author(leaver),
            store.reactions.erase_user(leaver),
            store.reports.erase_user(leaver),
        )

    assert uow.run(erase) == (1, 1, 1, 1)
    assert uow.run(erase) == (0, 0, 0, 0)
    assert counts(uow, theirs.id) == (1, 0, 0)  # the young account's report never counted
    assert uow.read(lambda s: s.posts.get(mine.id)) is None
    assert uow.read(lambda s: s.comments.get(mine.id, on_mine.id)) is None  # gone with the post
    assert uow.read(lambda s: s.reactions.reacted(other, [theirs.id])) == {theirs.id}
    assert uow.read(lambda s: s.reports.get(theirs.id, young)) is not None


# Rate limits and authors


def test_a_rate_limit_admits_max_events_per_window_then_says_how_long_to_wait(uow: Any) -> None:
    user, other, limit = new_id(), new_id(), RateLimit("posts", 3, 60)
    take = lambda who, now: uow.run(lambda s: s.rate_limits.take(who, limit, now))  # noqa: E731
    assert [take(user, 1000.0 + n) for n in range(3)] == [None, None, None]
    assert take(user, 1010.0) == 50  # until the oldest event leaves the window
    assert take(other, 1010.0) is None
    assert take(user, 1060.0) is None  # the oldest slot is free again
    assert take(user, 1060.5) == 1
    uow.run(lambda s: s.rate_limits.erase(user, limit))
    assert [take(user, 1061.0 + n) for n in range(3)] == [None, None, None]


def test_authors_are_the_public_profiles_of_those_who_have_one(
    uow: Any, add_profile: Callable[[str, str], None]
) -> None:
    ada, ghost = new_id(), new_id()
    add_profile(ada, "Ada")
    assert uow.read(lambda s: s.authors.public_profiles([ada, ghost, ada])) == {
        ada: {"userId": ada, "displayName": "Ada"}
    }
