"""One SQLAlchemy 2 + pg8000 engine per instance, and what counts as PostgreSQL being unavailable.

Locally the engine connects to DATABASE_URL; in the cloud it connects to the Cloud
SQL instance through cloud-sql-python-connector with IAM database auth and the
"lazy" refresh strategy that serverless instances need (CPU is throttled between
requests, so a background refresh would stall). The pool is small on purpose: the
sum over functions of max instances x pool size must stay under the instance's
max_connections.

Every socket operation (connecting included) and every wait for a pooled connection
ends after the store deadline, so a database that hangs costs a request that long,
never the gateway's 15 s. A server that is restarting ends its connections (SQLSTATE
57P01) and refuses new ones for a moment (57P03); SQLAlchemy's pg8000 dialect only
recognises a broken socket as a disconnect, so `unavailable` teaches it the rest: the
pool then drops every connection made before (pre-ping included) instead of handing
out dead ones.

Errors never carry query parameters (`hide_parameters`: a failed INSERT would log
e-mails and password hashes), and a connection the driver may have left out of step
is discarded rather than pooled (`hygiene.discard_after_driver_errors`).

    Usage::

        engine = build_engine(settings)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import ExceptionContext

from ..config import Settings, SettingsError
from .hygiene import discard_after_driver_errors

# admin_shutdown, crash_shutdown, cannot_connect_now (starting up / shutting down), too_many_connections;
# and the whole connection_exception class (08…). https://www.postgresql.org/docs/current/errcodes-appendix.html
_SERVER_GONE = {"57P01", "57P02", "57P03", "53300"}
_CLOSED = ("connection is closed", "network error")


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, the driver's error it wraps, and what each was raised from."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        pending += [current.__cause__, orig if isinstance(orig, BaseException) else None]


def sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE of a pg8000 server error (its first argument is the server's error fields)."""
    fields = error.args[0] if error.args else None
    return str(fields.get("C")) if isinstance(fields, dict) and fields.get("C") else None


def unavailable(error: BaseException, *, connecting: bool = False) -> bool:
    """Whether `error` says PostgreSQL is down, restarting, unreachable or too slow, not that a statement was wrong.

    Only the database's own errors count (SQLAlchemy's, and what they wrap), so that a
    socket error of another service called inside a transaction is not taken for the
    database's; while `connecting`, any socket error does (a custom `creator`, the Cloud
    SQL connector, raises its own).

    >>> unavailable(ConnectionRefusedError(111, "Connection refused"))
    False
    >>> unavailable(ConnectionRefusedError(111, "Connection refused"), connecting=True)
    True
    """
    if not (isinstance(error, sa_exc.SQLAlchemyError) or (connecting and isinstance(error, OSError))):
        return False
    return _gone(error)


def _gone(error: BaseException) -> bool:
    for cause in _causes(error):
        if isinstance(cause, sa_exc.DBAPIError) and cause.connection_invalidated:
            return True
        if isinstance(cause, (sa_exc.TimeoutError, OSError)):  # no pooled connection in time; refused, reset, timeout
            return True
        code = sqlstate(cause)
        if code is not None and (code in _SERVER_GONE or code.startswith("08")):
            return True
        if type(cause).__name__ == "InterfaceError" and (
            str(cause) in _CLOSED or str(cause).startswith("Can't create a connection")
        ):
            return True
    return False


def timed_out(error: BaseException) -> bool:
    """Whether a socket operation ran out of time (the server may still be working on it)."""
    return any(isinstance(cause, TimeoutError) for cause in _causes(error))


def _mark_disconnects(context: ExceptionContext) -> None:
    if not context.is_disconnect and _gone(context.original_exception):
        context.is_disconnect = True  # invalidate the connection and every older one in the pool


def build_engine(
    settings: Settings, *, url: str | None = None, pool_size: int | None = None, bounded: bool = True
) -> Engine:
    """The instance's engine; `bounded=False` (migrations: DDL may take long) lifts the store deadline."""
    size = pool_size or settings.database_pool_size
    deadline = settings.store_deadline_seconds if bounded else None
    options: dict[str, Any] = {
        "pool_size": size,
        "max_overflow": 0,
        "pool_pre_ping": True,
        "pool_recycle": 1800,
        "pool_timeout": deadline or 30.0,
        "hide_parameters": True,  # a failed statement's error (and so its log line) never shows its values
    }
    database_url = url or settings.database_url
    if database_url:
        engine = create_engine(database_url, connect_args={"timeout": deadline}, **options)
    else:
        engine = _cloud_sql_engine(settings, deadline, options)
    event.listen(engine, "handle_error", _mark_disconnects)
    return _observed(discard_after_driver_errors(engine), settings)


def _cloud_sql_engine(settings: Settings, deadline: float | None, options: dict[str, Any]) -> Engine:
    instance = settings.cloud_sql_instance
    if not instance:
        raise SettingsError("set DATABASE_URL (local) or CLOUD_SQL_INSTANCE (cloud) for a Postgres function")
    settings.require("database_user", "database_name")
    from google.cloud.sql.connector import Connector  # only Cloud SQL functions pay this import

    connector = Connector(refresh_strategy="lazy", timeout=max(1, int(deadline or 30)))

    def connect() -> Any:
        return connector.connect(
            instance,
            "pg8000",
            user=settings.database_user,
            db=settings.database_name,
            enable_iam_auth=True,
            timeout=deadline,  # pg8000's socket timeout, as with DATABASE_URL
        )

    return create_engine("postgresql+pg8000://", creator=connect, **options)


def _observed(engine: Engine, settings: Settings) -> Engine:
    """The pool's connections (used, idle, max) go into the instance's metrics."""
    from .. import metrics

    metrics.observe_pool(engine.pool, settings.function_name)
    return engine
