"""The auth adapters on PostgreSQL: what only the real database shows (concurrent attempts on one key).

What every auth store must do, the fake as well, is the contract suite's (../ports).
"""

import threading
import uuid
from typing import Any

import pytest

from wellness.auth.adapters import PostgresAuthStore
from wellness.auth.model import Reservation, ThrottleRule

pytestmark = pytest.mark.integration


@pytest.fixture
def uow(runtime_for: Any) -> Any:
    return runtime_for("postgres", PUBLISH_AFTER_COMMIT="false").postgres_unit_of_work(PostgresAuthStore)


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
