"""Migration 0007 carries reporting's old tombstones over as the platform's: the pseudonym in SQL is erasure's."""

from __future__ import annotations

import importlib.util
import uuid
from typing import Any, Callable

import pytest

from wellness.migrations import MIGRATIONS
from wellness.platform.postgres.unit_of_work import PostgresTransaction

pytestmark = pytest.mark.integration


def migration_0007() -> Any:
    (path,) = (MIGRATIONS / "versions").glob("0007_*.py")
    spec = importlib.util.spec_from_file_location("migration_0007", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_old_reporting_tombstone_becomes_the_platforms(sql: Callable[..., list[Any]], runtime_for: Any) -> None:
    erased, alive = str(uuid.uuid4()), str(uuid.uuid4())
    sql("INSERT INTO reporting_users (user_id, deleted_at) VALUES (:u, now())", u=erased)
    sql("INSERT INTO reporting_users (user_id, timezone, timezone_as_of) VALUES (:u, 'UTC', now())", u=alive)
    for _ in range(2):  # repeatable
        sql(migration_0007().CARRY_OVER_TOMBSTONES)
    uow = runtime_for("postgres").postgres_unit_of_work(PostgresTransaction)
    assert uow.run(lambda store: (store.tombstoned(erased), store.tombstoned(alive))) == (True, False)
