"""Transaction hygiene: a pooled connection that may be out of step is discarded, never reused.

A DBAPI error (a constraint, a bad value, a lost connection) leaves pg8000 in step
with the server: SQLAlchemy rolls the transaction back and the connection is fine
for the next request. An exception from inside the driver that is *not* a DBAPI
error is different. pg8000 sends Parse and Describe, then encodes the parameters
for Bind; a value that cannot be encoded (a lone surrogate: UnicodeEncodeError)
stops it there with the server's answers to Describe still unread. SQLAlchemy does
not treat such an exception as a disconnect, so the connection went back to the
pool, and the next request on it read those stale answers: `InterfaceError: in
failed transaction block` at SAVEPOINT, `savepoint "sa_savepoint_1" does not exist`,
or an AttributeError inside pg8000 at COMMIT (issue 12).

So every such error marks the connection as one to discard (SQLAlchemy's
`handle_error` event, `ExceptionContext.is_disconnect`); only that connection is
closed (`invalidate_pool_on_disconnect = False`), the rest of the pool stays.
Requests now refuse unencodable strings before any query (`wellness.platform.text`);
this keeps the next kind of driver failure from spreading to other requests.

    Usage::

        engine = discard_after_driver_errors(create_engine(url))
"""

from __future__ import annotations

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext


def discard_after_driver_errors(engine: Engine) -> Engine:
    """`engine`, closing (not pooling) a connection whose driver raised anything but a DBAPI error."""

    @event.listens_for(engine, "handle_error")
    def discard(context: ExceptionContext) -> None:
        dbapi_error = context.dialect.loaded_dbapi.Error
        if not isinstance(context.original_exception, dbapi_error) and context.connection is not None:
            context.is_disconnect = True
            context.invalidate_pool_on_disconnect = False

    return engine
