"""The auth adapters on PostgreSQL: accounts, sessions, resets, and the login throttle's upsert."""

import datetime as dt
import threading
import uuid
from typing import Any

import pytest

from wellness.auth.adapters import PostgresAuthStore
from wellness.auth.keys import Keyset, new_keyset_json
from wellness.auth.model import PasswordReset, Reservation, ThrottleRule, User
from wellness.auth.ports import EmailTakenError
from wellness.auth.tokens import TokenIssuer

pytestmark = pytest.mark.integration

ISSUER = TokenIssuer(Keyset.from_json(new_keyset_json()), issuer="i", audience="a", ttl_seconds=60)


@pytest.fixture
def uow(runtime_for: Any) -> Any:
    return runtime_for("postgres", PUBLISH_AFTER_COMMIT="false").postgres_unit_of_work(PostgresAuthStore)


def new_user(email: str | None = None) -> User:
    return User.new(email or f"{uuid.uuid4().hex[:10]}@Example.com", "$argon2id$hash", "Ada", "UTC")


def test_users_are_unique_by_address_whatever_its_case(uow: Any) -> None:
    ada = new_user()
    uow.run(lambda s: s.users.add(ada))
    assert uow.read(lambda s: s.users.by_email(ada.email.upper())) == ada == uow.read(lambda s: s.users.by_id(ada.id))

    def twice(store: Any) -> User | None:
        with pytest.raises(EmailTakenError):
            store.users.add(new_user(ada.email.upper()))
        store.users.set_password_hash(ada.id, "$argon2id$new")  # the savepoint left the transaction usable
        return store.users.by_id(ada.id)

    assert uow.run(twice).password_hash == "$argon2id$new"
    assert uow.read(lambda s: s.users.by_email(ada.email)).password_hash == "$argon2id$new"


def test_sessions_rotate_and_revoke_by_family_or_user(uow: Any) -> None:
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
    assert stored.rotated_at is not None and stored.revoked_at is None
    assert uow.read(lambda s: s.sessions.by_hash(b"\0" * 32)) is None
    uow.run(lambda s: s.sessions.revoke_family(first.family_id))
    revoked = [uow.read(lambda s, t=t: s.sessions.by_hash(t.token_hash)).revoked_at for t in (first, second, other)]
    assert revoked[0] is not None and revoked[1] is not None and revoked[2] is None
    uow.run(lambda s: s.sessions.revoke_all(ada.id))
    assert uow.read(lambda s: s.sessions.by_hash(other.token_hash)).revoked_at is not None


def test_resets_are_spent_together_and_deleting_the_account_takes_everything(uow: Any) -> None:
    ada = new_user()
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    resets = [PasswordReset(str(uuid.uuid4()), ada.id, expires) for _ in range(2)]
    token = ISSUER.refresh_token(ada.id)

    def arrange(store: Any) -> None:
        store.users.add(ada)
        store.sessions.add(token)
        for reset in resets:
            store.resets.add(reset)

    uow.run(arrange)
    assert uow.read(lambda s: s.resets.by_id(resets[0].id)) == resets[0]
    uow.run(lambda s: s.resets.use_all(ada.id))
    assert all(uow.read(lambda s, r=r: s.resets.by_id(r.id)).used_at is not None for r in resets)
    assert uow.run(lambda s: s.users.delete(ada.id)) is True
    assert uow.run(lambda s: s.users.delete(ada.id)) is False

    def left(s: Any) -> tuple[Any, ...]:
        return s.users.by_id(ada.id), s.sessions.by_hash(token.token_hash), s.resets.by_id(resets[0].id)

    assert uow.read(left) == (None, None, None)


def reserve_and_fail(uow: Any, key: str, rule: ThrottleRule) -> Reservation:
    reservation: Reservation = uow.run(lambda s: s.throttle.reserve(key, rule))
    if reservation.allowed:
        uow.run(lambda s: s.throttle.failed(key, rule, reservation))
    return reservation


def test_throttle_counts_locks_and_clears(uow: Any, sql: Any) -> None:
    key, other = f"account:{uuid.uuid4().hex}", f"client:{uuid.uuid4().hex[:20]}"
    rule = ThrottleRule("account", 3, 60, 120)
    assert [reserve_and_fail(uow, key, rule).attempts for _ in range(3)] == [1, 2, 3]  # the third locks
    assert sql("SELECT failures FROM auth_login_throttle WHERE key = :k", k=key) == [(0,)]
    locked = uow.run(lambda s: s.throttle.reserve(key, rule))
    assert not locked.allowed and 115 <= locked.retry_after <= 120
    assert uow.run(lambda s: s.throttle.reserve(other, rule)).allowed
    uow.run(lambda s: s.throttle.clear(key))
    assert uow.run(lambda s: s.throttle.reserve(key, rule)) == Reservation(1)


def test_throttle_attempt_after_the_window_starts_a_new_count(uow: Any, sql: Any) -> None:
    key = f"account:{uuid.uuid4().hex}"
    rule = ThrottleRule("account", 3, 60, 120)
    for _ in range(2):
        reserve_and_fail(uow, key, rule)
    sql("UPDATE auth_login_throttle SET window_started_at = now() - interval '61 seconds' WHERE key = :k", k=key)
    assert uow.run(lambda s: s.throttle.reserve(key, rule)) == Reservation(1)


def test_throttle_released_attempt_no_longer_counts(uow: Any, sql: Any) -> None:
    key = f"client:{uuid.uuid4().hex[:20]}"
    rule = ThrottleRule("client", 3, 60, 120)
    uow.run(lambda s: s.throttle.reserve(key, rule))
    uow.run(lambda s: s.throttle.release(key))
    assert sql("SELECT failures FROM auth_login_throttle WHERE key = :k", k=key) == [(0,)]


def test_throttle_numbers_concurrent_attempts_one_by_one(uow: Any, sql: Any) -> None:
    key = f"client:{uuid.uuid4().hex[:20]}"
    rule = ThrottleRule("client", 5, 900, 900)
    seen: list[Reservation] = []
    threads = [
        threading.Thread(target=lambda: seen.append(uow.run(lambda s: s.throttle.reserve(key, rule)))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.attempts for r in seen) == list(range(1, 9))
    assert [r.allowed for r in sorted(seen, key=lambda r: r.attempts)] == [True] * 5 + [False] * 3
    assert sql("SELECT failures FROM auth_login_throttle WHERE key = :k", k=key) == [(8,)]


def test_verifications_are_spent_and_the_account_marked_verified(uow: Any) -> None:
    from wellness.auth.model import EmailVerification

    user = new_user()
    uow.run(lambda s: s.users.add(user))
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    links = [EmailVerification(str(uuid.uuid4()), user.id, soon) for _ in range(2)]
    uow.run(lambda s: [s.verifications.add(v) for v in links])
    assert uow.read(lambda s: s.verifications.by_id(links[0].id)) == links[0]
    assert uow.read(lambda s: s.users.by_id(user.id)).email_verified is False

    def confirm(s: Any) -> None:
        s.users.mark_verified(user.id)
        s.verifications.use_all(user.id)

    uow.run(confirm)
    stored = uow.read(lambda s: s.users.by_id(user.id))
    assert stored.email_verified is True and stored.created_at is not None
    assert all(uow.read(lambda s, v=v: s.verifications.by_id(v.id)).used_at is not None for v in links)


def test_live_families_are_the_sessions_not_yet_ended(uow: Any) -> None:
    user = new_user()
    uow.run(lambda s: s.users.add(user))
    kept, ended = ISSUER.refresh_token(user.id), ISSUER.refresh_token(user.id)
    uow.run(lambda s: [s.sessions.add(t) for t in (kept, ended)])
    uow.run(lambda s: s.sessions.revoke_family(ended.family_id))
    assert uow.read(lambda s: s.sessions.live_families(user.id)) == [kept.family_id]


def test_throttle_rows_expire_after_their_window_or_lock_and_are_purged(uow: Any, sql: Any) -> None:
    counting, locked = f"client:{uuid.uuid4().hex[:20]}", f"account:{uuid.uuid4().hex}"
    rule = ThrottleRule("account", 1, 60, 600)
    uow.run(lambda s: s.throttle.reserve(counting, rule))
    reserve_and_fail(uow, locked, rule)  # the rule's one failure: locked for 600 s
    # Against the row's own timestamps (set in the same statement), not the clock now: exact however slow the run.
    row = "SELECT window_started_at, locked_until, expires_at FROM auth_login_throttle WHERE key = :k"
    ((window_started, _, window_ends),) = sql(row, k=counting)
    ((lock_started, locked_until, lock_ends),) = sql(row, k=locked)
    assert window_ends - window_started == dt.timedelta(seconds=60)
    assert lock_ends == locked_until == lock_started + dt.timedelta(seconds=600)  # kept while the lock holds
    sql("UPDATE auth_login_throttle SET expires_at = now() - interval '1 second' WHERE key = :k", k=counting)
    assert uow.run(lambda s: s.throttle.purge_expired(1000)) >= 1
    assert sql("SELECT key FROM auth_login_throttle WHERE key IN (:a, :b)", a=counting, b=locked) == [(locked,)]


def test_each_account_keeps_its_newest_outstanding_links_only(uow: Any, sql: Any) -> None:
    from wellness.auth.model import LINKS_KEPT_PER_USER, EmailVerification

    ada = new_user()
    uow.run(lambda s: s.users.add(ada))
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    used = PasswordReset(str(uuid.uuid4()), ada.id, soon)
    uow.run(lambda s: s.resets.add(used))
    uow.run(lambda s: s.resets.use_all(ada.id))
    resets = [PasswordReset(str(uuid.uuid4()), ada.id, soon) for _ in range(LINKS_KEPT_PER_USER + 2)]
    for reset in resets:  # one transaction each: created_at (now()) orders them
        uow.run(lambda s, r=reset: s.resets.add(r))
    kept = {str(i) for (i,) in sql("SELECT id FROM auth_password_resets WHERE user_id = :u", u=uuid.UUID(ada.id))}
    assert kept == {r.id for r in resets[-LINKS_KEPT_PER_USER:]}  # the used one and the two oldest went
    links = [EmailVerification(str(uuid.uuid4()), ada.id, soon) for _ in range(LINKS_KEPT_PER_USER + 1)]
    for link in links:
        uow.run(lambda s, v=link: s.verifications.add(v))
    count = sql("SELECT count(*) FROM auth_email_verifications WHERE user_id = :u", u=uuid.UUID(ada.id))
    assert count == [(LINKS_KEPT_PER_USER,)]
