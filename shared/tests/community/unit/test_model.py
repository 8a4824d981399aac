"""The community's pure rules: rate-limit windows, the report threshold, counters, what a viewer sees."""

import dataclasses
from typing import Any

import pytest

from wellness.community.model import (
    COMMENTING,
    FORMER_MEMBER,
    POSTING,
    REPORT_THRESHOLD,
    Comment,
    Post,
    Report,
    author_of,
    free_slots,
    retry_after,
    too_many,
)

pytestmark = pytest.mark.unit

AT = "2026-01-01T00:00:00.000000Z"


def post_with(**fields: Any) -> Post:
    return dataclasses.replace(Post.new("p1", "author", "hello", None, at=AT), **fields)


def test_slots_fill_up_then_say_when_to_come_back() -> None:
    slots: list[float | None] = [None] * POSTING.max_events
    for n in range(POSTING.max_events):
        assert free_slots(POSTING, slots, 101.0 + n) == list(range(n, POSTING.max_events))
        slots[n] = 101.0 + n
    assert free_slots(POSTING, slots, 130.2) == []
    assert retry_after(POSTING, slots, 130.2) == 31  # the oldest event (101) leaves the window at 161
    assert retry_after(POSTING, slots, 160.9) == 1  # never 0: "retry now" would only be refused again
    assert free_slots(POSTING, slots, 161.0) == [0]  # the window slides: the oldest slot frees first
    assert free_slots(POSTING, [161.0, *slots[1:]], 161.5) == []
    refused = too_many(POSTING, 31)
    assert refused.status == 429 and refused.code == "rate_limited" and refused.retry_after_seconds == 31


def test_commenting_allows_more_than_posting() -> None:
    five_recent: list[float | None] = [1.0] * POSTING.max_events
    assert free_slots(POSTING, five_recent, 2.0) == []
    assert free_slots(COMMENTING, five_recent + [None] * (COMMENTING.max_events - POSTING.max_events), 2.0)[0] == 5
    assert free_slots(COMMENTING, [1.0] * COMMENTING.max_events, 2.0) == []


def test_reports_hide_a_post_from_the_threshold_on() -> None:
    post = post_with()
    for _ in range(REPORT_THRESHOLD - 1):
        post = post.reported()
    assert post.visible and post.report_count == REPORT_THRESHOLD - 1
    post = post.reported()
    assert not post.visible and post.report_count == REPORT_THRESHOLD
    assert not post.counted(reports=-1).visible  # taking a report away does not show it again


def test_hidden_posts_are_seen_by_their_author_only() -> None:
    hidden = post_with(visible=False)
    assert hidden.seen_by("author") and not hidden.seen_by("someone")
    assert post_with().seen_by("someone")


def test_counters_never_go_below_zero() -> None:
    post = post_with(reaction_count=1).counted(reactions=-1, comments=-1, reports=-1)
    assert (post.reaction_count, post.comment_count, post.report_count) == (0, 0, 0)
    assert post_with().counted(comments=2).comment_count == 2


def test_the_post_view_marks_hidden_only_for_its_author() -> None:
    author = {"userId": "author", "displayName": "Ada"}
    hidden = post_with(visible=False, reaction_count=2)
    mine = hidden.to_json(author, reacted_by_me=True, viewer="author")
    assert mine == {
        "id": "p1",
        "author": author,
        "text": "hello",
        "programId": None,
        "createdAt": AT,
        "reactionCount": 2,
        "commentCount": 0,
        "reactedByMe": True,
        "hidden": True,
    }
    assert "hidden" not in post_with().to_json(author, reacted_by_me=False, viewer="author")
    assert "hidden" not in hidden.to_json(author, reacted_by_me=False, viewer="someone")
    assert hidden.reaction_state(False) == {"postId": "p1", "reacted": False, "reactionCount": 2}


def test_authors_without_a_profile_show_as_former_members() -> None:
    profiles = {"a": {"userId": "a", "displayName": "Ada", "bio": "Runner"}}
    assert author_of(profiles, "a") == {"userId": "a", "displayName": "Ada", "bio": "Runner"}
    assert author_of(profiles, "gone") == {"userId": "gone", "displayName": FORMER_MEMBER}


def test_comment_and_report_views() -> None:
    comment = Comment("c1", "p1", "a", "Nice", AT)
    assert comment.to_json({"userId": "a", "displayName": "Ada"}) == {
        "id": "c1",
        "postId": "p1",
        "author": {"userId": "a", "displayName": "Ada"},
        "text": "Nice",
        "createdAt": AT,
    }
    assert comment.key == (AT, "c1") and post_with().key == (AT, "p1")
    assert Report("p1", "u", "spam", AT).to_json() == {"postId": "p1", "reported": True}
