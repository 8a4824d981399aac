"""What other domains may use of notifications: the user's part of the account's export (wellness.platform.export).

Usage::

    export = user_export(function_runtime("postgres"))
    export(user_id)
    # -> {'sentMail': [...]}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..platform.export import max_records
from .adapters import PostgresNotificationsStore

if TYPE_CHECKING:
    from ..platform.export import Exporter
    from ..platform.runtime import Runtime


def user_export(runtime: Runtime) -> Exporter:
    """The record of the mail sent to the user: one read of its own store, bounded."""
    unit_of_work = runtime.postgres_unit_of_work(PostgresNotificationsStore)
    limit = max_records(runtime.env)
    return lambda user_id: unit_of_work.read(lambda store: store.export_user(user_id, limit))
