"""One SQLAlchemy 2 + pg8000 engine per instance.

Locally the engine connects to DATABASE_URL; in the cloud it connects to the Cloud
SQL instance through cloud-sql-python-connector with IAM database auth and the
"lazy" refresh strategy that serverless instances need (CPU is throttled between
requests, so a background refresh would stall). The pool is small on purpose: the
sum over functions of max instances x pool size must stay under the instance's
max_connections.

Errors never carry query parameters (`hide_parameters`: a failed INSERT would log
e-mails and password hashes), and a connection the driver may have left out of step
is discarded rather than pooled (`hygiene.discard_after_driver_errors`).

    >>> engine = build_engine(settings)   # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine

from ..config import Settings, SettingsError
from .hygiene import discard_after_driver_errors


def build_engine(settings: Settings, *, url: str | None = None, pool_size: int | None = None) -> Engine:
    size = pool_size or settings.database_pool_size
    options: dict[str, Any] = {"pool_size": size, "max_overflow": 0, "pool_pre_ping": True, "pool_recycle": 1800}
    options["hide_parameters"] = True  # a failed statement's error (and so its log line) never shows its values
    database_url = url or settings.database_url
    if database_url:
        return _observed(discard_after_driver_errors(create_engine(database_url, **options)), settings)
    instance = settings.cloud_sql_instance
    if not instance:
        raise SettingsError("set DATABASE_URL (local) or CLOUD_SQL_INSTANCE (cloud) for a Postgres function")
    settings.require("database_user", "database_name")
    from google.cloud.sql.connector import Connector  # only Cloud SQL functions pay this import

    connector = Connector(refresh_strategy="lazy")

    def connect() -> Any:
        return connector.connect(
            instance, "pg8000", user=settings.database_user, db=settings.database_name, enable_iam_auth=True
        )

    return _observed(
        discard_after_driver_errors(create_engine("postgresql+pg8000://", creator=connect, **options)), settings
    )


def _observed(engine: Engine, settings: Settings) -> Engine:
    """The pool's connections (used, idle, max) go into the instance's metrics."""
    from .. import metrics

    metrics.observe_pool(engine.pool, settings.function_name)
    return engine
