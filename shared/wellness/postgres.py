"""PostgreSQL through SQLAlchemy 2 + pg8000: one engine per instance, and a unit of work.

Locally the engine connects to DATABASE_URL; in the cloud it connects to the Cloud
SQL instance through cloud-sql-python-connector with IAM database auth and the
"lazy" refresh strategy that serverless instances need (CPU is throttled between
requests, so a background refresh would stall). The pool is small on purpose: the
sum over functions of max instances x pool size must stay under the instance's
max_connections.

    >>> with UnitOfWork(engine) as uow:            # doctest: +SKIP
    ...     uow.connection.execute(...)
    ...     uow.outbox.add(event)                  # same transaction as the change
    ...     uow.commit()                           # then published promptly
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any, Callable

from sqlalchemy import Connection, Engine, create_engine

from .config import Settings, SettingsError

log = logging.getLogger(__name__)


def build_engine(settings: Settings, *, url: str | None = None, pool_size: int | None = None) -> Engine:
    size = pool_size or settings.database_pool_size
    options: dict[str, Any] = {"pool_size": size, "max_overflow": 0, "pool_pre_ping": True, "pool_recycle": 1800}
    if url or settings.database_url:
        return create_engine(url or settings.database_url, **options)  # type: ignore[arg-type]
    instance = settings.cloud_sql_instance
    if not instance:
        raise SettingsError("set DATABASE_URL (local) or CLOUD_SQL_INSTANCE (cloud) for a Postgres function")
    settings.require("database_user", "database_name")
    from google.cloud.sql.connector import Connector  # only Cloud SQL functions pay this import

    connector = Connector(refresh_strategy="lazy")

    def connect() -> Any:
        return connector.connect(
            instance,
            "pg8000",
            user=settings.database_user,
            db=settings.database_name,
            enable_iam_auth=True,
        )

    return create_engine("postgresql+pg8000://", creator=connect, **options)


class UnitOfWork:
    """One transaction. Rolls back unless commit() is called; collects outbox rows.

    After a successful commit the events it wrote are handed to `after_commit`
    (the prompt publish); a failure there loses nothing, the relay catches up.
    """

    def __init__(self, engine: Engine, after_commit: Callable[[list[str]], None] | None = None):
        from .outbox import PostgresOutbox

        self._engine = engine
        self._after_commit = after_commit
        self._connection: Connection | None = None
        self.outbox = PostgresOutbox(self)
        self._committed = False

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("use the unit of work in a with block")
        return self._connection

    def __enter__(self) -> UnitOfWork:
        self._connection = self._engine.connect()
        self._connection.begin()
        return self

    def commit(self) -> None:
        self.connection.commit()
        self._committed = True

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            if not self._committed:
                connection.rollback()
            connection.close()
        written = self.outbox.written
        if self._committed and written and self._after_commit is not None:
            try:
                self._after_commit(written)
            except Exception:  # noqa: BLE001 - the relay publishes whatever this could not
                log.warning("prompt publish failed; the relay will publish", exc_info=True)
