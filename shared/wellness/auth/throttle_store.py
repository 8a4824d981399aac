"""Login throttling state in PostgreSQL, so every function instance sees the same counts.

Each key ("account:<sha256 of the e-mail>", "client:<ip>") has a row counting failures
in a window; reaching the rule's limit locks the key. The upsert is one statement, so
concurrent failures on several instances all count.

    >>> with PostgresAuthUnitOfWork(engine) as uow:                  # doctest: +SKIP
    ...     uow.throttle.retry_after(["account:ab12", "client:10.0.0.1"])
    0
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import bindparam, delete, text

from ..db.tables import auth_login_throttle
from .model import ThrottleRule

if TYPE_CHECKING:
    from ..postgres import UnitOfWork


class Throttle(Protocol):
    def retry_after(self, keys: list[str]) -> int: ...
    def record_failure(self, key: str, rule: ThrottleRule) -> None: ...
    def clear(self, key: str) -> None: ...


_RETRY_AFTER = text(
    "SELECT coalesce(max(extract(epoch FROM locked_until - now())), 0) FROM auth_login_throttle "
    "WHERE key IN :keys AND locked_until > now()"
).bindparams(bindparam("keys", expanding=True))

# A failure outside the window starts a new window; reaching the limit sets locked_until
# and starts counting afresh, so the lock lasts lockout seconds, not forever.
_FAILURE = text("""
INSERT INTO auth_login_throttle AS t (key, failures, window_started_at)
VALUES (:key, 1, now())
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN t.window_started_at < now() - make_interval(secs => :window) THEN 1 ELSE t.failures + 1 END,
  window_started_at = CASE WHEN t.window_started_at < now() - make_interval(secs => :window)
                           THEN now() ELSE t.window_started_at END
RETURNING failures
""")
_LOCK = text(
    "UPDATE auth_login_throttle SET locked_until = now() + make_interval(secs => :lockout), failures = 0, "
    "window_started_at = now() WHERE key = :key"
)


class PostgresThrottle:
    def __init__(self, uow: UnitOfWork):
        self._uow = uow

    def retry_after(self, keys: list[str]) -> int:
        """Seconds until every key is unlocked (0: none is locked)."""
        seconds = self._uow.connection.execute(_RETRY_AFTER, {"keys": keys}).scalar_one()
        return math.ceil(float(seconds))

    def record_failure(self, key: str, rule: ThrottleRule) -> None:
        conn = self._uow.connection
        failures = conn.execute(_FAILURE, {"key": key, "window": rule.window_seconds}).scalar_one()
        if failures >= rule.max_failures:
            conn.execute(_LOCK, {"key": key, "lockout": rule.lockout_seconds})

    def clear(self, key: str) -> None:
        self._uow.connection.execute(delete(auth_login_throttle).where(auth_login_throttle.c.key == key))
