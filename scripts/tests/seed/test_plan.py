"""The demo data set's plan: stable, varied, and only what the API can do."""

from __future__ import annotations

import datetime as dt

import pytest

from devstack.seed.plan import PERSONAS, comments_by, completes, plan_users, reactions_by, reflection_for

pytestmark = pytest.mark.unit
DAYS = [dt.date(2026, 11, 1) + dt.timedelta(days=n) for n in range(120)]


def test_users_have_fixed_distinct_addresses_in_several_time_zones() -> None:
    users = plan_users(20)
    assert len({u.email for u in users}) == 20
    assert all(u.email.startswith("seed.") and u.email.endswith("@example.com") for u in users)
    assert [u.email for u in plan_users(20)] == [u.email for u in users]  # the same on every run
    assert len({u.timezone for u in users[: len(PERSONAS)]}) == len(PERSONAS)
    assert len({u.timezone for u in users}) >= 10


def test_completions_follow_each_persona_s_diligence_and_never_change() -> None:
    for user in plan_users(len(PERSONAS)):
        done = [completes(user, "move-14-d1", day) for day in DAYS]
        assert done == [completes(user, "move-14-d1", day) for day in DAYS]
        assert abs(sum(done) / len(done) - user.persona.diligence) < 0.15


def test_reflections_have_valid_moods_on_about_two_days_in_three() -> None:
    user = plan_users(1)[0]
    planned = [r for day in DAYS if (r := reflection_for(user, day))]
    assert 0.5 < len(planned) / len(DAYS) < 0.85
    assert {r["mood"] for r in planned} <= {1, 2, 3, 4, 5} and len({r["mood"] for r in planned}) > 1
    assert all(isinstance(r["text"], str) and r["text"] and len(r["tags"]) == 1 for r in planned)  # type: ignore[arg-type]


def test_nobody_comments_or_reacts_on_their_own_post() -> None:
    for count in (1, 2, 3, 8):
        users = plan_users(count)
        for user in users:
            assert user not in [author for author, _ in comments_by(user, users)]
            assert user not in reactions_by(user, users)
    users = plan_users(8)
    assert len(comments_by(users[0], users)) == 2 and len(reactions_by(users[0], users)) == 3
