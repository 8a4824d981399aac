"""The auth domain on PostgreSQL: each repository works on the connection of the caller's transaction.

Throttling lives here too (log-in, sign-up, the mail-sending operations), so every function
instance sees the same counts: each key ("<kind>:<HMAC of the e-mail or client address>",
model.throttle_key) has a row counting attempts in a window, and reaching the rule's limit
locks the key. An attempt is
counted (one upsert, which locks the row) before its password is checked, so concurrent
attempts on several instances are numbered one by one and none past the limit is evaluated.

    Usage::

        uow = runtime.postgres_unit_of_work(PostgresAuthStore)
        uow.run(lambda store: store.throttle.reserve("account:ab12", rule))
        # -> Reservation(attempts=1, retry_after=0)
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from ..platform.postgres import export
from ..platform.postgres.revocation import PostgresRevocations
from ..platform.postgres.unit_of_work import PostgresTransaction
from .model import (
    LINKS_KEPT_PER_USER,
    EmailVerification,
    NewRefreshToken,
    PasswordReset,
    Reservation,
    StoredRefreshToken,
    ThrottleRule,
    User,
)
from .ports import EmailTakenError
from .tables import (
    auth_email_verifications,
    auth_login_throttle,
    auth_password_resets,
    auth_refresh_tokens,
    auth_users,
)


def _user(row: Any) -> User:
    verified = row.email_verified_at is not None
    return User(str(row.id), row.email, row.password_hash, row.display_name, row.timezone, verified, row.created_at)


class PostgresUsers:
    def __init__(self, tx: PostgresTransaction):
        self._conn = tx.connection

    def add(self, user: User) -> None:
        values = {
            "id": uuid.UUID(user.id),
            "email": user.email,
            "password_hash": user.password_hash,
            "display_name": user.display_name,
            "timezone": user.timezone,
            "created_at": user.created_at,
        }
        try:
            with self._conn.begin_nested():  # a savepoint, so the conflict leaves the transaction usable
                self._conn.execute(insert(auth_users).values(**values))
        except IntegrityError:
            raise EmailTakenError(user.email) from None

    def by_email(self, email: str) -> User | None:
        row = self._conn.execute(select(auth_users).where(func.lower(auth_users.c.email) == email.lower())).first()
        return None if row is None else _user(row)

    def by_id(self, user_id: str) -> User | None:
        row = self._conn.execute(select(auth_users).where(auth_users.c.id == uuid.UUID(user_id))).first()
        return None if row is None else _user(row)

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        u = auth_users
        self._conn.execute(update(u).where(u.c.id == uuid.UUID(user_id)).values(password_hash=password_hash))

    def mark_verified(self, user_id: str) -> None:
        u = auth_users
        unverified = (u.c.id == uuid.UUID(user_id), u.c.email_verified_at.is_(None))
        self._conn.execute(update(u).where(*unverified).values(email_verified_at=func.now()))

    def delete(self, user_id: str) -> bool:
        """Its refresh tokens, resets and verifications go with it (ON DELETE CASCADE)."""
        result = self._conn.execute(delete(auth_users).where(auth_users.c.id == uuid.UUID(user_id)))
        return bool(result.rowcount)


class PostgresSessions:
    def __init__(self, tx: PostgresTransaction):
        self._conn = tx.connection

    def add(self, token: NewRefreshToken) -> None:
        self._conn.execute(
            insert(auth_refresh_tokens).values(
                id=uuid.UUID(token.id),
                user_id=uuid.UUID(token.user_id),
                family_id=uuid.UUID(token.family_id),
                token_hash=token.token_hash,
                expires_at=token.expires_at,
            )
        )

    def by_hash(self, token_hash: bytes) -> StoredRefreshToken | None:
        # FOR UPDATE: two concurrent uses of one token are serialized, so the second sees it rotated.
        t = auth_refresh_tokens
        row = self._conn.execute(select(t).where(t.c.token_hash == token_hash).with_for_update()).first()
        if row is None:
            return None
        return StoredRefreshToken(
            str(row.id), str(row.user_id), str(row.family_id), row.expires_at, row.rotated_at, row.revoked_at
        )

    def mark_rotated(self, token_id: str) -> None:
        t = auth_refresh_tokens
        self._conn.execute(update(t).where(t.c.id == uuid.UUID(token_id)).values(rotated_at=func.now()))

    def revoke_family(self, family_id: str) -> None:
        t = auth_refresh_tokens
        live = (t.c.family_id == uuid.UUID(family_id), t.c.revoked_at.is_(None))
        self._conn.execute(update(t).where(*live).values(revoked_at=func.now()))

    def revoke_all(self, user_id: str) -> None:
        t = auth_refresh_tokens
        live = (t.c.user_id == uuid.UUID(user_id), t.c.revoked_at.is_(None))
        self._conn.execute(update(t).where(*live).values(revoked_at=func.now()))

    def live_families(self, user_id: str) -> list[str]:
        t = auth_refresh_tokens
        live = (t.c.user_id == uuid.UUID(user_id), t.c.revoked_at.is_(None))
        return [str(f) for f in self._conn.execute(select(t.c.family_id).where(*live).distinct()).scalars()]


def _keep_links(conn: Connection, table: Table, user_id: str) -> None:
    """Delete the user's used and expired links, and all but the newest LINKS_KEPT_PER_USER of the rest."""
    t, user = table, uuid.UUID(user_id)
    newest = (
        select(t.c.id).where(t.c.user_id == user).order_by(t.c.created_at.desc(), t.c.id).limit(LINKS_KEPT_PER_USER)
    )
    spent = (t.c.used_at.is_not(None)) | (t.c.expires_at <= func.now()) | t.c.id.not_in(newest.scalar_subquery())
    conn.execute(delete(t).where(t.c.user_id == user, spent))


class PostgresResets:
    def __init__(self, tx: PostgresTransaction):
        self._conn = tx.connection

    def add(self, reset: PasswordReset) -> None:
        self._conn.execute(
            insert(auth_password_resets).values(
                id=uuid.UUID(reset.id), user_id=uuid.UUID(reset.user_id), expires_at=reset.expires_at
            )
        )
        _keep_links(self._conn, auth_password_resets, reset.user_id)

    def by_id(self, reset_id: str) -> PasswordReset | None:
        t = auth_password_resets
        row = self._conn.execute(select(t).where(t.c.id == uuid.UUID(reset_id)).with_for_update()).first()
        return None if row is None else PasswordReset(str(row.id), str(row.user_id), row.expires_at, row.used_at)

    def use_all(self, user_id: str) -> None:
        t = auth_password_resets
        outstanding = (t.c.user_id == uuid.UUID(user_id), t.c.used_at.is_(None))
        self._conn.execute(update(t).where(*outstanding).values(used_at=func.now()))


class PostgresVerifications:
    def __init__(self, tx: PostgresTransaction):
        self._conn = tx.connection

    def add(self, verification: EmailVerification) -> None:
        self._conn.execute(
            insert(auth_email_verifications).values(
                id=uuid.UUID(verification.id),
                user_id=uuid.UUID(verification.user_id),
                expires_at=verification.expires_at,
            )
        )
        _keep_links(self._conn, auth_email_verifications, verification.user_id)

    def by_id(self, verification_id: str) -> EmailVerification | None:
        t = auth_email_verifications
        row = self._conn.execute(select(t).where(t.c.id == uuid.UUID(verification_id)).with_for_update()).first()
        return None if row is None else EmailVerification(str(row.id), str(row.user_id), row.expires_at, row.used_at)

    def use_all(self, user_id: str) -> None:
        t = auth_email_verifications
        outstanding = (t.c.user_id == uuid.UUID(user_id), t.c.used_at.is_(None))
        self._conn.execute(update(t).where(*outstanding).values(used_at=func.now()))


# One statement counts the attempt and locks the key's row until the transaction ends, so
# concurrent attempts are numbered one by one. A locked key counts nothing more; an attempt
# outside the window starts a new one.
_RESERVE = text("""
INSERT INTO auth_login_throttle AS t (key, failures, window_started_at, expires_at)
VALUES (:key, 1, now(), now() + make_interval(secs => :window))
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN t.locked_until > now() THEN t.failures
                  WHEN t.window_started_at < now() - make_interval(secs => :window) THEN 1
                  ELSE t.failures + 1 END,
  window_started_at = CASE WHEN t.locked_until > now() THEN t.window_started_at
                           WHEN t.window_started_at < now() - make_interval(secs => :window) THEN now()
                           ELSE t.window_started_at END,
  expires_at = greatest(t.expires_at, now() + make_interval(secs => :window))
RETURNING failures,
  greatest(coalesce(extract(epoch FROM locked_until - now()), 0), 0) AS locked_for,
  extract(epoch FROM window_started_at + make_interval(secs => :window) - now()) AS window_left
""")
# Reaching the limit locks the key and starts counting afresh, so the lock lasts lockout seconds, not forever.
_LOCK = text(
    "UPDATE auth_login_throttle SET locked_until = now() + make_interval(secs => :lockout), failures = 0, "
    "window_started_at = now(), expires_at = greatest(expires_at, now() + make_interval(secs => :lockout)) "
    "WHERE key = :key"
)
_RELEASE = text("UPDATE auth_login_throttle SET failures = greatest(failures - 1, 0) WHERE key = :key")
# A row expires a window after its last attempt, or when its lock ends: whichever is later. Past
# that, an attempt would start a new window on an unlocked key, exactly as with no row at all.
# SKIP LOCKED: a writer never waits on a row another attempt holds.
_PURGE = text("""
DELETE FROM auth_login_throttle WHERE key IN (
  SELECT key FROM auth_login_throttle WHERE expires_at < now() ORDER BY expires_at LIMIT :batch
  FOR UPDATE SKIP LOCKED)
""")


class PostgresThrottle:
    def __init__(self, tx: PostgresTransaction):
        self._conn = tx.connection

    def reserve(self, key: str, rule: ThrottleRule) -> Reservation:
        row = self._conn.execute(_RESERVE, {"key": key, "window": rule.window_seconds}).one()
        if float(row.locked_for) > 0:
            return Reservation(row.failures, math.ceil(float(row.locked_for)))
        if row.failures > rule.max_failures:  # earlier attempts still running have spent the window
            return Reservation(row.failures, max(1, math.ceil(float(row.window_left))))
        return Reservation(row.failures)

    def failed(self, key: str, rule: ThrottleRule, reservation: Reservation) -> None:
        if reservation.last_of(rule):
            self._conn.execute(_LOCK, {"key": key, "lockout": rule.lockout_seconds})

    def release(self, key: str) -> None:
        self._conn.execute(_RELEASE, {"key": key})

    def clear(self, key: str) -> None:
        self._conn.execute(delete(auth_login_throttle).where(auth_login_throttle.c.key == key))

    def purge_expired(self, batch: int) -> int:
        return int(self._conn.execute(_PURGE, {"batch": batch}).rowcount)


class PostgresAuthStore(PostgresTransaction):
    @property
    def users(self) -> PostgresUsers:
        return PostgresUsers(self)

    @property
    def sessions(self) -> PostgresSessions:
        return PostgresSessions(self)

    @property
    def resets(self) -> PostgresResets:
        return PostgresResets(self)

    @property
    def verifications(self) -> PostgresVerifications:
        return PostgresVerifications(self)

    @property
    def throttle(self) -> PostgresThrottle:
        return PostgresThrottle(self)

    @property
    def revocations(self) -> PostgresRevocations:
        return PostgresRevocations(self.connection)

    def export_user(self, user_id: str, limit: int) -> dict[str, Any]:
        """The account, its sessions and its reset and verification links, as export records.

        Never the password's hash nor a refresh token's: they are credentials' verifiers, not
        what the user gave or did, and an export file that leaks must not help guess either.
        """
        conn = self.connection
        return {
            "account": export.row(conn, auth_users, user_id, owner=auth_users.c.id, leave_out={"password_hash"}),
            "sessions": export.rows(conn, auth_refresh_tokens, user_id, limit, "sessions", leave_out={"token_hash"}),
            "passwordResets": export.rows(conn, auth_password_resets, user_id, limit, "password resets"),
            "emailVerifications": export.rows(conn, auth_email_verifications, user_id, limit, "verification links"),
        }
