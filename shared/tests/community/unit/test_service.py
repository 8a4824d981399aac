"""CommunityService on fakes: every use case, its counters and rules, and erasure."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Callable

import pytest

from wellness.community.model import FORMER_MEMBER
from wellness.community.service import CommunityService
from wellness.platform.errors import ForbiddenError, NotFoundError, TooManyRequestsError, ValidationError
from wellness.platform.paging import encode
from wellness_testing.factories import new_user_id, user_deleted
from wellness_testing.fakes import FakeUnitOfWork
from wellness_testing.fakes.community import CommunityState, FakeCommunityStore, fake_community_service, member

pytestmark = pytest.mark.unit

ADA = {"userId": "ada", "displayName": "Ada", "bio": "Runner"}


class Clock:
    """Now, moving a millisecond per call (posts get distinct times) or as far as a test says."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(milliseconds=1)
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


Community = tuple[CommunityService, FakeUnitOfWork[FakeCommunityStore, CommunityState]]


@pytest.fixture
def community(clock: Clock) -> Community:
    return fake_community_service(clock=clock, profiles={"ada": ADA})


def state(uow: FakeUnitOfWork[FakeCommunityStore, CommunityState]) -> CommunityState:
    assert isinstance(uow.state, CommunityState)
    return uow.state


def test_a_new_post_has_its_author_and_no_counts(community: Community) -> None:
    service, uow = community
    post = service.create_post(member("ada"), "Day 3 done", "mindful-7")
    assert post["author"] == ADA and (post["text"], post["programId"]) == ("Day 3 done", "mindful-7")
    assert (post["reactionCount"], post["commentCount"], post["reactedByMe"]) == (0, 0, False)
    assert post["createdAt"].endswith("Z") and "hidden" not in post
    assert service.get_post(new_user_id(), post["id"]) == post


def test_posting_is_rate_limited_with_retry_after(community: Community, clock: Clock) -> None:
    service, uow = community
    for n in range(5):
        service.create_post(member("ada"), f"post {n}", None)
    with pytest.raises(TooManyRequestsError) as limited:
        service.create_post(member("ada"), "one too many", None)
    assert limited.value.status == 429 and 1 <= limited.value.retry_after_seconds <= 60
    assert len(state(uow).posts) == 5  # the refused post left nothing
    service.create_post(member("someone-else"), "others may still post", None)
    clock.advance(60)
    service.create_post(member("ada"), "a new window", None)
    recent = [at for at in state(uow).rate_limits[("ada", "posts")] if at and at > clock.now.timestamp() - 60]
    assert len(recent) == 1


def test_commenting_is_rate_limited_separately(community: Community) -> None:
    service, uow = community
    post = service.create_post(member("ada"), "hello", None)
    for _ in range(20):
        service.add_comment(member("ada"), post["id"], "again")
    with pytest.raises(TooManyRequestsError) as limited:
        service.add_comment(member("ada"), post["id"], "too many")
    assert limited.value.retry_after_seconds >= 1
    assert service.get_post("ada", post["id"])["commentCount"] == 20
    service.create_post(member("ada"), "posting has its own window", None)
    assert len([at for at in state(uow).rate_limits[("ada", "posts")] if at]) == 2


def test_the_feed_is_newest_first_paged_and_leaves_hidden_posts_out(community: Community) -> None:
    service, uow = community
    ids = [service.create_post(member(author), f"post {n}", None)["id"] for n, author in enumerate(["ada", "bob"] * 3)]
    for reporter in ("r1", "r2", "r3"):
        service.report(member(reporter), ids[0], "spam")
    service.put_reaction(member("me"), ids[5])
    first = service.feed("me", limit=3)
    assert [p["id"] for p in first["items"]] == [ids[5], ids[4], ids[3]] and first["nextCursor"]
    rest = service.feed("me", limit=3, cursor=first["nextCursor"])
    assert [p["id"] for p in rest["items"]] == [ids[2], ids[1]] and rest["nextCursor"] is None
    assert [p["reactedByMe"] for p in first["items"]] == [True, False, False]
    authors = {p["author"]["displayName"] for p in first["items"] + rest["items"]}
    assert authors == {"Ada", FORMER_MEMBER}  # bob has no profile (any more)


@pytest.mark.parametrize(
    "cursor",
    ["not-a-cursor", encode(["2026-01-01T00:00:00.000000Z"]), encode([True, False]), encode([1, "x"]), "!!", ""],
)
def test_a_tampered_cursor_is_a_400(community: Community, cursor: str) -> None:
    service, _ = community
    post = service.create_post(member("ada"), "hello", None)
    pages: list[Callable[[], object]] = [
        lambda: service.feed("me", limit=5, cursor=cursor),
        lambda: service.comments("me", post["id"], limit=5, cursor=cursor),
    ]
    for page in pages:
        with pytest.raises(ValidationError) as invalid:
            page()
        assert invalid.value.status == 400 and invalid.value.code == "invalid_cursor"


def test_a_cursor_is_opaque_base64(community: Community) -> None:
    service, _ = community
    for n in range(2):
        service.create_post(member("ada"), f"{n}", None)
    cursor = service.feed("me", limit=1)["nextCursor"]
    assert base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).startswith(b'["2026-03-01T09:00:00.')


def test_a_hidden_post_is_seen_by_its_author_only(community: Community) -> None:
    service, _ = community
    post = service.create_post(member("ada"), "hello", None)
    for reporter in ("r1", "r2", "r3"):
        service.report(member(reporter), post["id"])
    assert service.get_post("ada", post["id"])["hidden"] is True
    looks: list[Callable[[], object]] = [
        lambda: service.get_post("r1", post["id"]),
        lambda: service.comments("r1", post["id"], limit=5),
        lambda: service.add_comment(member("r1"), post["id"], "hi"),
        lambda: service.put_reaction(member("r1"), post["id"]),
        lambda: service.report(member("r4"), post["id"]),
    ]
    for look in looks:
        with pytest.raises(NotFoundError):
            look()
    assert service.add_comment(member("ada"), post["id"], "still mine")["text"] == "still mine"
    assert service.feed("ada", limit=10)["items"] == []  # the feed leaves it out, even for its author
    with pytest.raises(NotFoundError):
        service.get_post("ada", "no-such-post")


def test_only_the_author_deletes_a_post_and_everything_under_it_goes(community: Community) -> None:
    service, uow = community
    post = service.create_post(member("ada"), "hello", None)
    service.add_comment(member("bob"), post["id"], "hi")
    service.put_reaction(member("bob"), post["id"])
    service.report(member("bob"), post["id"], "spam")
    kept = service.create_post(member("bob"), "mine stays", None)
    service.put_reaction(member("ada"), kept["id"])
    with pytest.raises(ForbiddenError):
        service.delete_post("bob", post["id"])
    service.delete_post("ada", post["id"])
    with pytest.raises(NotFoundError):
        service.delete_post("ada", post["id"])
    left = state(uow)
    assert set(left.posts) == {kept["id"]} and list(left.reactions) == [(kept["id"], "ada")]
    assert left.comments == {} and left.reports == {}


def test_comments_count_page_oldest_first_and_only_their_author_deletes_them(community: Community) -> None:
    service, _ = community
    post = service.create_post(member("bob"), "hello", None)
    made = [service.add_comment(member(author), post["id"], f"c{n}") for n, author in enumerate(["ada", "bob", "ada"])]
    assert made[0]["author"] == ADA and made[0]["postId"] == post["id"]
    assert service.get_post("me", post["id"])["commentCount"] == 3
    first = service.comments("me", post["id"], limit=2)
    assert [c["text"] for c in first["items"]] == ["c0", "c1"]
    rest = service.comments("me", post["id"], limit=2, cursor=first["nextCursor"])
    assert [c["text"] for c in rest["items"]] == ["c2"] and rest["nextCursor"] is None
    with pytest.raises(ForbiddenError):
        service.delete_comment("bob", post["id"], made[0]["id"])
    service.delete_comment("ada", post["id"], made[0]["id"])
    assert service.get_post("me", post["id"])["commentCount"] == 2
    with pytest.raises(NotFoundError) as gone:
        service.delete_comment("ada", post["id"], made[0]["id"])
    assert gone.value.code == "comment_not_found"
    with pytest.raises(NotFoundError):
        service.comments("me", "no-such-post", limit=2)


def test_reacting_twice_counts_once_and_taking_it_back_twice_too(community: Community) -> None:
    service, _ = community
    post = service.create_post(member("ada"), "hello", None)
    assert [service.put_reaction(member("me"), post["id"]) for _ in range(2)] == [
        {"postId": post["id"], "reacted": True, "reactionCount": 1}
    ] * 2
    service.put_reaction(member("you"), post["id"])
    assert service.get_post("me", post["id"])["reactedByMe"] is True
    assert [service.remove_reaction("me", post["id"]) for _ in range(2)] == [
        {"postId": post["id"], "reacted": False, "reactionCount": 1}
    ] * 2
    assert service.get_post("me", post["id"])["reactedByMe"] is False


def test_one_report_per_user_and_the_third_reporter_hides_the_post(community: Community) -> None:
    service, uow = community
    post = service.create_post(member("ada"), "hello", None)
    assert service.report(member("r1"), post["id"], "spam") == ({"postId": post["id"], "reported": True}, True)
    assert service.report(member("r1"), post["id"]) == (
        {"postId": post["id"], "reported": True},
        False,
    )  # nothing changes
    service.report(member("r2"), post["id"])
    assert state(uow).posts[post["id"]].visible and state(uow).posts[post["id"]].report_count == 2
    service.report(member("r3"), post["id"])
    assert not state(uow).posts[post["id"]].visible
    assert state(uow).reports[(post["id"], "r1")].reason == "spam"


def test_erasure_leaves_nothing_of_the_user_and_is_harmless_twice(community: Community) -> None:
    service, uow = community
    leaver = new_user_id()  # user.deleted carries a real user id
    mine = service.create_post(member(leaver), "mine", None)
    service.add_comment(member("bob"), mine["id"], "on the leaver's post")
    theirs = service.create_post(member("bob"), "theirs", None)
    service.add_comment(member(leaver), theirs["id"], "hi")
    service.put_reaction(member(leaver), theirs["id"])
    service.put_reaction(member("bob"), theirs["id"])
    hidden = service.create_post(member("bob"), "reported", None)
    for reporter in (leaver, "r2", "r3"):
        service.report(member(reporter), hidden["id"])
    event = user_deleted(leaver)
    assert uow.run(lambda store: service.on_user_deleted(store, event)) == {
        "posts": 1,
        "comments": 1,
        "reactions": 1,
        "reports": 1,
    }
    assert uow.run(lambda store: service.on_user_deleted(store, event)) == dict.fromkeys(
        ("posts", "comments", "reactions", "reports"), 0
    )
    left = state(uow)
    assert mine["id"] not in left.posts
    assert set(left.rate_limits) == {("bob", "posts"), ("bob", "comments")}  # the leaver's windows went too
    after = left.posts[theirs["id"]]
    assert (after.comment_count, after.reaction_count) == (0, 1)
    assert left.posts[hidden["id"]].report_count == 2 and not left.posts[hidden["id"]].visible  # stays hidden
    leftovers = [*left.comments.values(), *left.reactions.values(), *left.reports.values()]
    assert not [x for x in leftovers if leaver in (getattr(x, "author_id", ""), getattr(x, "user_id", ""))]
    assert not [c for c in left.comments.values() if c.post_id == mine["id"]]  # the thread went with the post


def test_only_verified_accounts_post_comment_react_and_report() -> None:
    from wellness.community.model import Member

    service, _ = fake_community_service()
    post = service.create_post(member("ada"), "hello", None)
    unverified = Member("new", email_verified=False, created_at=0.0)
    for act in (
        lambda: service.create_post(unverified, "spam", None),
        lambda: service.add_comment(unverified, post["id"], "spam"),
        lambda: service.put_reaction(unverified, post["id"]),
        lambda: service.report(unverified, post["id"]),
    ):
        with pytest.raises(ForbiddenError) as refused:
            act()
        assert refused.value.code == "email_not_verified"


def test_reports_of_young_accounts_do_not_hide_a_post(clock: Clock) -> None:
    from wellness.community.model import Member

    service, uow = fake_community_service(clock=clock, min_reporter_age_seconds=3600)
    post = service.create_post(member("ada"), "hello", None)
    now = clock().timestamp()
    fresh = [new_user_id() for _ in range(3)]
    for user in fresh:  # three accounts made seconds ago
        service.report(Member(user, email_verified=True, created_at=now - 5), post["id"])
    assert uow.state.posts[post["id"]].visible and uow.state.posts[post["id"]].report_count == 0
    for n in range(3):
        service.report(Member(f"old{n}", email_verified=True, created_at=now - 7200), post["id"])
    assert not uow.state.posts[post["id"]].visible
    # Erasing a young reporter takes nothing off the count it never added to.
    uow.run(lambda store: service.on_user_deleted(store, user_deleted(fresh[0])))
    assert uow.state.posts[post["id"]].report_count == 3
