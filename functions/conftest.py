"""Fixtures the functions' own tests share: services on the session's real stores, to arrange state."""

from __future__ import annotations

from typing import Iterator

import pytest

from wellness.program.service import ProgramService

# A function's main.py runs its composition root at import: it is tested through
# load_function (as deployed), never imported by --doctest-modules.
collect_ignore_glob = ["*/main.py"]


@pytest.fixture
def programs(postgres_url: str) -> Iterator[ProgramService]:
    """The program service on the session's PostgreSQL (events stay in the outbox)."""
    from sqlalchemy import create_engine

    from wellness.platform.postgres.unit_of_work import PostgresUnitOfWork
    from wellness.program.adapters import PostgresProgramStore

    engine = create_engine(postgres_url)
    yield ProgramService(PostgresUnitOfWork(engine, PostgresProgramStore))
    engine.dispose()
