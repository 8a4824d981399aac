"""The auth store's contract, run against the fake and against PostgreSQL: the same cases.

Time: the real store stamps with the database's now() and the fake with its clock (the real time
here), so a case that needs time to pass moves a key's own timestamps back (`elapse`), on either side.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any, Callable

import pytest

from wellness.auth.adapters import PostgresAuthStore
from wellness.auth.keys import Keyset, new_keyset_json
from wellness.auth.model import (
    LINKS_KEPT_PER_USER,
    EmailVerification,
    PasswordReset,
    Reservation,
    ThrottleRule,
    User,
)
from wellness.auth.ports import EmailTakenError
from wellness.auth.tokens import TokenIssuer
from wellness_testing.fakes.auth import fake_auth_unit_of_work

ISSUER = TokenIssuer(Keyset.from_json(new_keyset_json()), issuer="i", audience="a", ttl_seconds=60)
RULE = ThrottleRule("account", 3, 60, 120)  # three attempts a minute, then locked two minutes


@pytest.fixture
def uow(contract_uow: Callable[..., Any]) -> Any:
    return contract_uow(fake_auth_unit_of_work, "postgres", PostgresAuthStore)


@pytest.fixture
def elapse(backend: str, uow: Any, request: pytest.FixtureRequest) -> Callable[[str, int], None]:
    """elapse(key, seconds): as if `seconds` had passed for the throttle key (its window, lock and expiry move back)."""

    def fake(key: str, seconds: int) -> None:
        entry, back = uow.state.throttle[key], dt.timedelta(seconds=seconds)
        uow.state.throttle[key] = dataclasses.replace(
            entry,
            window_started_at=entry.window_started_at - back,
            locked_until=entry.locked_until and entry.locked_until - back,
            expires_at=entry.expires_at and entry.expires_at - back,
        )

    def real(key: str, seconds: int) -> None:
        request.getfixturevalue("sql")(
            "UPDATE auth_login_throttle SET window_started_at = window_started_at - make_interval(secs => :s), "
            "locked_until = locked_until - make_interval(secs => :s), "
            "expires_at = expires_at - make_interval(secs => :s) WHERE key = :k",
            s=seconds,
            k=key,
        )

    return fake if backend == "fake" else real


def new_user(email: str | None = None) -> User:
    return User.new(email or f"{uuid.uuid4().hex[:10]}@Example.com", "$argon2id$hash", "Ada", "UTC")


def new_key() -> str:
    return f"account:{uuid.uuid4().hex}"


def soon(hours: float = 1) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)


# Accounts


def test_an_account_is_found_by_id_and_by_address_whatever_its_case(uow: Any) -> None:
    ada = new_user()
    assert uow.read(lambda s: (s.users.by_id(ada.id), s.users.by_email(ada.email))) == (None, None)
    uow.run(lambda s: s.users.add(ada))
    assert uow.read(lambda s: s.users.by_email(ada.email.upper())) == ada == uow.read(lambda s: s.users.by_id(ada.id))


def test_an_address_is_taken_whatever_its_case_and_the_transaction_stays_usable(uow: Any) -> None:
    ada = new_user()
    uow.run(lambda s: s.users.add(ada))

    def twice(store: Any) -> User | None:
        with pytest.raises(EmailTakenError):
            store.users.add(new_user(ada.email.upper()))
        store.users.set_password_hash(ada.id, "$argon2id$new")  # the refusal left the transaction usable
        return store.users.by_id(ada.id)

    assert uow.run(twice).password_hash == "$argon2id$new"
    assert uow.read(lambda s: s.users.by_email(ada.email)).password_hash == "$argon2id$new"


def test_an_account_is_marked_verified_once_and_a_missing_one_is_ignored(uow: Any) -> None:
    ada = new_user()
    uow.run(lambda s: s.users.add(ada))
    for _ in range(2):
        uow.run(lambda s: s.users.mark_verified(ada.id))
    uow.run(lambda s: s.users.mark_verified(str(uuid.uuid4())))
    assert uow.read(lambda s: s.users.by_id(ada.id)) == dataclasses.replace(ada, email_verified=True)


def test_deleting_an_account_takes_its_sessions_resets_and_links_and_only_its_own(uow: Any) -> None:
    ada, bob = new_user(), new_user()
    tokens = {u.id: ISSUER.refresh_token(u.id) for u in (ada, bob)}
    resets = {u.id: PasswordReset(str(uuid.uuid4()), u.id, soon()) for u in (ada, bob)}
    links = {u.id: EmailVerification(str(uuid.uuid4()), u.id, soon()) for u in (ada, bob)}

    def arrange(store: Any) -> None:
        for user in (ada, bob):
            store.users.add(user)
            store.sessions.add(tokens[user.id])
            store.resets.add(resets[user.id])
            store.verifications.add(links[user.id])

    uow.run(arrange)
    assert uow.run(lambda s: s.users.delete(ada.id)) is True
    assert uow.run(lambda s: s.users.delete(ada.id)) is False

    def left(s: Any, who: User) -> tuple[Any, ...]:
        return (
            s.users.by_id(who.id),
            s.sessions.by_hash(tokens[who.id].token_hash),
            s.resets.by_id(resets[who.id].id),
            s.verifications.by_id(links[who.id].id),
        )

    assert uow.read(lambda s: left(s, ada)) == (None, None, None, None)
    assert None not in uow.read(lambda s: left(s, bob))


# Sessions


def test_a_session_rotates_and_ends_by_family_or_by_user(uow: Any) -> None:
    ada = new_user()
    first, other = ISSUER.refresh_token(ada.id), ISSUER.refresh_token(ada.id)
    second = ISSUER.refresh_token(ada.id, family_id=first.family_id)

    def arrange(store: Any) -> None:
        store.users.add(ada)
        for token in (first, second, other):
            store.sessions.add(token)
        store.sessions.mark_rotated(first.id)

    uow.run(arrange)
    stored = uow.read(lambda s: s.sessions.by_hash(first.token_hash))
    assert (stored.id, stored.family_id, stored.user_id) == (first.id, first.family_id, ada.id)
    assert stored.expires_at == first.expires_at
    assert stored.rotated_at is not None and stored.revoked_at is None
    assert uow.read(lambda s: s.sessions.by_hash(second.token_hash)).rotated_at is None
    assert uow.read(lambda s: s.sessions.by_hash(b"\0" * 32)) is None
    assert sorted(uow.read(lambda s: s.sessions.live_families(ada.id))) == sorted([first.family_id, other.family_id])

    uow.run(lambda s: s.sessions.revoke_family(first.family_id))
    ended = uow.read(lambda s: s.sessions.by_hash(first.token_hash)).revoked_at
    revoked = [uow.read(lambda s, t=t: s.sessions.by_hash(t.token_hash)).revoked_at for t in (first, second, other)]
    assert revoked[0] is not None and revoked[1] is not None and revoked[2] is None
    assert uow.read(lambda s: s.sessions.live_families(ada.id)) == [other.family_id]

    uow.run(lambda s: s.sessions.revoke_all(ada.id))
    assert uow.read(lambda s: s.sessions.by_hash(other.token_hash)).revoked_at is not None
    assert uow.read(lambda s: s.sessions.by_hash(first.token_hash)).revoked_at == ended  # an ended one stays as it was
    assert uow.read(lambda s: s.sessions.live_families(ada.id)) == []


# Mailed links: resets and verifications


@pytest.mark.parametrize("kind", ["resets", "verifications"])
def test_links_are_found_by_id_and_spent_together(uow: Any, kind: str) -> None:
    ada = new_user()
    link_type = PasswordReset if kind == "resets" else EmailVerification
    links = [link_type(str(uuid.uuid4()), ada.id, soon()) for _ in range(2)]
    uow.run(lambda s: (s.users.add(ada), [getattr(s, kind).add(link) for link in links]))
    assert uow.read(lambda s: getattr(s, kind).by_id(links[0].id)) == links[0]
    assert uow.read(lambda s: getattr(s, kind).by_id(str(uuid.uuid4()))) is None
    uow.run(lambda s: getattr(s, kind).use_all(ada.id))
    used = [uow.read(lambda s, link=link: getattr(s, kind).by_id(link.id)) for link in links]
    assert all(link.used_at is not None for link in used)
    assert [dataclasses.replace(link, used_at=None) for link in used] == links


@pytest.mark.parametrize("kind", ["resets", "verifications"])
def test_each_account_keeps_its_newest_outstanding_links_only(uow: Any, kind: str) -> None:
    ada = new_user()
    link_type = PasswordReset if kind == "resets" else EmailVerification
    uow.run(lambda s: s.users.add(ada))
    used, expired = (link_type(str(uuid.uuid4()), ada.id, soon(h)) for h in (1, -1))
    uow.run(lambda s: getattr(s, kind).add(used))
    uow.run(lambda s: getattr(s, kind).use_all(ada.id))
    uow.run(lambda s: getattr(s, kind).add(expired))
    links = [link_type(str(uuid.uuid4()), ada.id, soon()) for _ in range(LINKS_KEPT_PER_USER + 2)]
    for link in links:  # one transaction each: the newest are the last added
        uow.run(lambda s, link=link: getattr(s, kind).add(link))
    found = uow.read(lambda s: [getattr(s, kind).by_id(link.id) for link in (used, expired, *links)])
    kept = [link for link in found if link is not None]
    assert kept == links[-LINKS_KEPT_PER_USER:]  # the used, the expired and the two oldest went


# The throttle


def reserve_and_fail(uow: Any, key: str, rule: ThrottleRule = RULE) -> Reservation:
    reservation: Reservation = uow.run(lambda s: s.throttle.reserve(key, rule))
    if reservation.allowed:
        uow.run(lambda s: s.throttle.failed(key, rule, reservation))
    return reservation


def test_the_throttle_counts_locks_for_the_lockout_and_clears(uow: Any) -> None:
    key, other = new_key(), new_key()
    assert [reserve_and_fail(uow, key).attempts for _ in range(3)] == [1, 2, 3]  # the third locks
    locked = uow.run(lambda s: s.throttle.reserve(key, RULE))
    assert not locked.allowed and RULE.lockout_seconds - 10 <= locked.retry_after <= RULE.lockout_seconds
    assert uow.run(lambda s: s.throttle.reserve(other, RULE)) == Reservation(1)
    uow.run(lambda s: s.throttle.clear(key))
    uow.run(lambda s: s.throttle.clear(key))  # nothing left: nothing to do
    assert uow.run(lambda s: s.throttle.reserve(key, RULE)) == Reservation(1)


def test_a_lock_ends_after_its_lockout_and_counts_afresh(uow: Any, elapse: Callable[[str, int], None]) -> None:
    key = new_key()
    for _ in range(3):
        reserve_and_fail(uow, key)
    elapse(key, RULE.lockout_seconds - 30)
    still = uow.run(lambda s: s.throttle.reserve(key, RULE))
    assert not still.allowed and 20 <= still.retry_after <= 30
    elapse(key, 31)
    assert uow.run(lambda s: s.throttle.reserve(key, RULE)) == Reservation(1)


def test_attempts_past_the_limit_wait_for_the_window_and_a_new_window_counts_afresh(
    uow: Any, elapse: Callable[[str, int], None]
) -> None:
    key = new_key()
    assert [uow.run(lambda s: s.throttle.reserve(key, RULE)).attempts for _ in range(3)] == [1, 2, 3]
    over = uow.run(lambda s: s.throttle.reserve(key, RULE))  # earlier attempts still running spent the window
    assert over.attempts == 4 and 50 <= over.retry_after <= RULE.window_seconds
    elapse(key, RULE.window_seconds + 1)
    assert uow.run(lambda s: s.throttle.reserve(key, RULE)) == Reservation(1)


def test_a_released_attempt_no_longer_counts(uow: Any) -> None:
    key = new_key()
    uow.run(lambda s: s.throttle.reserve(key, RULE))
    uow.run(lambda s: s.throttle.release(key))
    uow.run(lambda s: s.throttle.release(key))  # never below zero
    uow.run(lambda s: s.throttle.release(new_key()))  # an unknown key: nothing to do
    assert uow.run(lambda s: s.throttle.reserve(key, RULE)) == Reservation(1)


def test_expired_rows_are_purged_and_those_still_counting_kept(uow: Any, elapse: Callable[[str, int], None]) -> None:
    counting, expired, locked = new_key(), new_key(), new_key()
    short_lock = ThrottleRule("account", 1, 60, 600)
    for key in (counting, expired):
        uow.run(lambda s, key=key: s.throttle.reserve(key, RULE))
    reserve_and_fail(uow, locked, short_lock)  # its one failure locks it for 600 s
    elapse(expired, RULE.window_seconds + 1)
    elapse(locked, RULE.window_seconds + 1)  # its window is over, its lock is not: kept
    assert uow.run(lambda s: s.throttle.purge_expired(1000)) >= 1
    assert uow.run(lambda s: s.throttle.reserve(counting, RULE)) == Reservation(2)
    assert not uow.run(lambda s: s.throttle.reserve(locked, short_lock)).allowed
    assert uow.run(lambda s: s.throttle.reserve(expired, RULE)) == Reservation(1)
