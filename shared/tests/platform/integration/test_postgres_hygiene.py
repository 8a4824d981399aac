"""Transaction hygiene on real PostgreSQL: a bad request never breaks the next one, and errors never log values."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from wellness.platform import logs
from wellness.platform.postgres.unit_of_work import PostgresTransaction, PostgresUnitOfWork

pytestmark = pytest.mark.integration


def unencodable(store: PostgresTransaction) -> None:
    """What a lone surrogate in a display name did: pg8000 fails while encoding Bind, mid-protocol."""
    store.connection.execute(text("SELECT CAST(:name AS text)"), {"name": "Ada\ud800"})


def with_savepoint(store: PostgresTransaction) -> int:
    """What auth's Users.add does next: a savepoint inside the transaction."""
    with store.connection.begin_nested():
        return int(store.connection.execute(text("SELECT 1")).scalar_one())


def backend_pid(store: PostgresTransaction) -> int:
    return int(store.connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_driver_error_leaves_no_broken_connection_in_the_pool(runtime_for: Any) -> None:
    engine = runtime_for("postgres", DB_POOL_SIZE="1").engine  # one connection: the next request gets it
    uow = PostgresUnitOfWork(engine, PostgresTransaction)
    before = uow.read(backend_pid)
    with pytest.raises(UnicodeEncodeError):
        uow.run(unencodable)
    assert uow.run(with_savepoint) == 1
    assert uow.read(backend_pid) != before  # that connection was closed, a fresh one took its place


def test_without_it_the_next_request_fails(postgres_url: str) -> None:
    """The control: a plain engine pools the connection pg8000 left out of step (issue 12's 500s)."""
    engine = create_engine(postgres_url, pool_size=1, max_overflow=0, pool_pre_ping=True)
    uow = PostgresUnitOfWork(engine, PostgresTransaction)
    try:
        with pytest.raises(UnicodeEncodeError):
            uow.run(unencodable)
        with pytest.raises(Exception):  # noqa: B017 - whichever stale answer the next statement reads first
            uow.run(with_savepoint)
    finally:
        engine.dispose()


def test_a_database_error_keeps_the_connection(runtime_for: Any) -> None:
    """An error the server reported leaves the protocol in step: rolled back, and reused (no reconnect)."""
    uow = PostgresUnitOfWork(runtime_for("postgres", DB_POOL_SIZE="1").engine, PostgresTransaction)
    before = uow.read(backend_pid)
    for value in ("a\x00b", "not a number"):

        def cast(store: PostgresTransaction, value: str = value) -> None:
            store.connection.execute(text("SELECT CAST(:v AS integer)"), {"v": value})

        with pytest.raises(Exception, match="22021|22P02"):  # noqa: B017 - invalid byte, invalid text
            uow.run(cast)
        assert uow.run(with_savepoint) == 1
    assert uow.read(backend_pid) == before


def test_a_failed_statement_never_logs_its_parameters(runtime_for: Any) -> None:
    """The log line of a database error (as the endpoint writes it) holds neither the e-mail nor the hash."""
    uow = PostgresUnitOfWork(runtime_for("postgres").engine, PostgresTransaction)
    email, password_hash = "ada.lovelace@example.com", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"
    stream = io.StringIO()
    logs.configure("hygiene-test", stream=stream)
    try:
        uow.run(
            lambda store: store.connection.execute(
                text("SELECT 1 / 0 WHERE :email <> :hash"), {"email": email, "hash": password_hash}
            )
        )
    except Exception:  # noqa: BLE001 - logged exactly as wellness.http logs an unexpected error
        logging.getLogger("wellness.http").exception("unhandled error")
    finally:
        logs.configure("hygiene-test")
    (line,) = [json.loads(raw) for raw in stream.getvalue().splitlines() if "unhandled error" in raw]
    assert "division by zero" in line["stack_trace"]  # the error is there, for the on-call engineer
    assert "parameters hidden" in line["stack_trace"]
    assert email not in json.dumps(line) and password_hash not in json.dumps(line)
