"""Deletion stays deleted: the events about a user, in every order around user.deleted, leave nothing behind.

Every subscriber of every event about a user (from functions/catalog.yaml) is loaded as
deployed, on the real PostgreSQL, Firestore emulator and SMTP sink. A subscriber function
takes one topic, and domains share nothing but the platform's tombstone, so the orders that
can differ are, for each domain, the orders of the event types that reach it: every one of
them is played, user.deleted anywhere in it (a new user each time). Then the deleted users
get every event about them once more, with new ids (republished from a dead-letter hold, or
late) and ages older and newer than the deletion. Finally every table and every collection
is scanned (wellness_testing.scan): nothing may mention any of the users.
"""

from __future__ import annotations

import itertools
import uuid
from typing import Any, Callable

import pytest
import sqlalchemy as sa

from devstack.catalog import load_catalog
from wellness.platform.events import Event
from wellness.platform.subscriber import push_request
from wellness_testing.factories import (
    at,
    email_verification_requested,
    password_reset_requested,
    profile_updated,
    reflection_logged,
    task_completed,
    user_created,
    user_deleted,
)
from wellness_testing.scan import scan_firestore, scan_postgres

pytestmark = pytest.mark.functional

ANONYMOUS_TOPICS = {"password.reset_submitted"}  # carries an address, not a user: auth looks the account up
DELETED = "user.deleted"
SUBSCRIBERS = [f for f in load_catalog().functions if f.kind == "subscriber" and f.topic not in ANONYMOUS_TOPICS]
DOMAINS = sorted({f.domain for f in SUBSCRIBERS})


class User:
    """A user, the needles that find them, and a new event of any type about them."""

    def __init__(self) -> None:
        tag = uuid.uuid4().hex[:12]
        self.id, self.email, self.name = str(uuid.uuid4()), f"replay-{tag}@example.com", f"Replay {tag}"
        self.needles = [self.id, self.email, self.name]
        self.deleted = user_deleted(self.id)  # one event, which reaches every domain

    def event(self, event_type: str) -> Event:
        makers: dict[str, Callable[[], Event]] = {
            "user.created": lambda: user_created(
                self.id, email=self.email, displayName=self.name, timezone="Asia/Tokyo"
            ),
            "profile.updated": lambda: profile_updated(self.id, displayName=self.name, timezone="Europe/Paris"),
            "task.completed": lambda: task_completed(self.id),
            "reflection.logged": lambda: reflection_logged(self.id),
            "password.reset_requested": lambda: password_reset_requested(
                self.id, email=self.email, displayName=self.name
            ),
            "email.verification_requested": lambda: email_verification_requested(
                self.id, email=self.email, displayName=self.name
            ),
            DELETED: lambda: self.deleted,
        }
        return makers[event_type]()


def topics_of(domain: str) -> list[str]:
    return sorted({str(f.topic) for f in SUBSCRIBERS if f.domain == domain})


def test_every_event_about_a_user_can_be_made_and_every_domain_that_takes_one_erases() -> None:
    user = User()
    for f in SUBSCRIBERS:
        assert user.event(str(f.topic)).type == f.topic
    for domain in DOMAINS:
        assert DELETED in topics_of(domain), f"{domain} keeps events about users but does not take {DELETED}"


def test_nothing_stays_or_comes_back_whatever_the_order_or_age(
    load_function: Any, postgres_url: str, firestore_db: Any, smtp_sink: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    clients = {f.name: load_function(f.name) for f in SUBSCRIBERS}

    def deliver(event: Event, domain: str | None = None) -> None:
        names = [f.name for f in SUBSCRIBERS if f.topic == event.type and domain in (None, f.domain)]
        statuses = [clients[name].post("/", json=push_request(event)).status_code for name in names]
        assert statuses == [204] * len(names), event.type

    users: list[User] = []
    for domain in DOMAINS:
        for order in itertools.permutations(topics_of(domain)):
            user = User()
            users.append(user)
            for event_type in order:
                deliver(user.event(event_type), domain)
    # One user of each domain's orders is deleted everywhere (a duplicate where it was played already);
    # then every event about them arrives again, in every domain, with a new id and an age before or
    # after the deletion.
    last_of_each_domain = list(itertools.accumulate(len(list(itertools.permutations(topics_of(d)))) for d in DOMAINS))
    replayed_users = [users[i - 1] for i in last_of_each_domain]
    for user in replayed_users:
        deliver(user.deleted)

    def mails() -> list[str]:
        emails = {user.email for user in users}
        return [str(m["To"]) for m in smtp_sink.messages() if m["To"] in emails]

    mailed = mails()
    capfd.readouterr()
    replayed = 0
    for n, user in enumerate(replayed_users):
        for i, event_type in enumerate(sorted({str(f.topic) for f in SUBSCRIBERS} - {DELETED})):
            age = "2000-01-01T00:00:00Z" if (n + i) % 2 else "2999-01-01T00:00:00Z"
            deliver(at(user.event(event_type), age))
            replayed += sum(1 for f in SUBSCRIBERS if f.topic == event_type)
    assert capfd.readouterr().out.count('"outcome":"dropped, the user was erased"') == replayed
    assert mails() == mailed  # not one mail to an erased user

    needles = [needle for user in users for needle in user.needles]
    engine = sa.create_engine(postgres_url)
    try:
        assert scan_postgres(engine, needles) == {}
    finally:
        engine.dispose()
    assert scan_firestore(firestore_db, needles) == {}
