"""Every event the publishers emitted while the other tests ran validates against its schema.

Runs last (the `runs_last` marker): by then the functional and end-to-end tests have
written events through every publisher into the outbox of the session's database.
"""

from __future__ import annotations

import collections
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from wellness.platform.events import Event, InvalidEventError
from wellness.platform.postgres.tables import outbox

pytestmark = [pytest.mark.e2e, pytest.mark.runs_last]


def test_every_emitted_event_matches_its_schema(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        payloads: list[dict[str, Any]] = [row.payload for row in conn.execute(select(outbox.c.payload))]
    engine.dispose()
    problems, counts = [], collections.Counter[str]()
    for payload in payloads:
        counts[payload.get("type", "?")] += 1
        try:
            Event.from_dict(payload)
        except InvalidEventError as error:
            problems.append(f"{payload.get('type')} {payload.get('id')}: {error} {error.details}")
    print("events emitted during the run:", dict(counts))
    assert payloads, "no event was emitted: the publishers' tests did not run"
    assert not problems, problems
