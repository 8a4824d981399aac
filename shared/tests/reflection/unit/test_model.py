"""Reflection rules: the local day, tidy tags, the stored document, and a text that stays with its owner."""

import datetime as dt

import pytest

from wellness.reflection.model import Reflection

pytestmark = pytest.mark.unit

EVENING = dt.datetime(2026, 1, 1, 20, tzinfo=dt.UTC)


def test_the_day_is_the_author_s_local_day() -> None:
    body = {"mood": 3, "text": "x"}
    assert Reflection.new("r1", "u1", body, "Asia/Tokyo", at=EVENING).date == dt.date(2026, 1, 2)
    assert Reflection.new("r1", "u1", body, "America/New_York", at=EVENING).date == dt.date(2026, 1, 1)
    assert Reflection.new("r1", "u1", body, "Nowhere/Never", at=EVENING).date == dt.date(2026, 1, 1)  # UTC


def test_new_trims_tags_keeps_each_once_and_stamps_the_time() -> None:
    made = Reflection.new("r1", "u1", {"mood": 4, "text": "hi", "tags": [" a", "a", "b "]}, "UTC", at=EVENING)
    assert (made.tags, made.task_id, made.created_at) == (("a", "b"), None, "2026-01-01T20:00:00.000000Z")


def test_the_owner_s_view_and_the_stored_document_round_trip() -> None:
    made = Reflection.new("r1", "u1", {"mood": 4, "text": "hi", "taskId": "mindful-7-d1"}, "Asia/Tokyo", at=EVENING)
    assert made.to_json() == {
        "id": "r1",
        "mood": 4,
        "text": "hi",
        "tags": [],
        "taskId": "mindful-7-d1",
        "date": "2026-01-02",
        "createdAt": "2026-01-01T20:00:00.000000Z",
    }
    assert made.to_document() == {**made.to_json(), "userId": "u1", "timezone": "Asia/Tokyo"}
    assert Reflection.from_document(made.to_document()) == made


def test_the_page_key_sorts_by_day_then_time_then_id() -> None:
    made = Reflection.new("r1", "u1", {"mood": 4, "text": "hi"}, "Asia/Tokyo", at=EVENING)
    assert made.page_key == ("2026-01-02", "2026-01-01T20:00:00.000000Z", "r1")


def test_the_text_is_never_in_the_event_or_the_repr() -> None:
    secret = "my very private journal line"
    made = Reflection.new("r1", "u1", {"mood": 4, "text": secret, "tags": ["calm"]}, "Europe/Paris", at=EVENING)
    assert made.logged_event_data() == {
        "userId": "u1",
        "reflectionId": "r1",
        "mood": 4,
        "taskId": None,
        "date": "2026-01-01",
        "loggedAt": "2026-01-01T20:00:00.000000Z",
        "timezone": "Europe/Paris",
    }
    assert secret not in repr(made) and secret not in str(made)
