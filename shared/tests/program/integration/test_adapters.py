"""The program adapters on PostgreSQL: what only the real database shows (one query, concurrent twins)."""

import datetime as dt
import threading
import uuid
from typing import Any

import pytest

from wellness.program.adapters import PostgresProgramStore

pytestmark = pytest.mark.integration

T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def test_a_day_s_tasks_of_several_programs_come_in_one_query_in_the_order_asked(runtime_for: Any) -> None:
    from sqlalchemy import event

    runtime = runtime_for("postgres", PUBLISH_AFTER_COMMIT="false")
    uow = runtime.postgres_unit_of_work(PostgresProgramStore)
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    wanted = ["sleep-10-d2", "no-such-task", "mindful-7-d1", "move-14-d14"]
    event.listen(runtime.engine, "before_cursor_execute", count)
    try:
        tasks = uow.read(lambda s: s.catalog.tasks_by_id(wanted))
    finally:
        event.remove(runtime.engine, "before_cursor_execute", count)
    assert [t.id for t in tasks] == ["sleep-10-d2", "mindful-7-d1", "move-14-d14"]  # asked order, unknown left out
    assert [t.day for t in tasks] == [2, 1, 14]
    assert len(statements) == 1
    assert uow.read(lambda s: s.catalog.tasks_by_id([])) == []


def test_concurrent_twins_of_a_completion_make_it_once(runtime_for: Any) -> None:
    # What every store must do is the contract suite's (../ports); this is what only a real database can show.
    uow = runtime_for("postgres", PUBLISH_AFTER_COMMIT="false").postgres_unit_of_work(PostgresProgramStore)
    user, day = str(uuid.uuid4()), dt.date(2026, 11, 27)
    results: list[bool] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(uow.run(lambda s: s.completions.add(user, "mindful-7-d1", day, T0))[1])
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
