"""What other domains may use of reflection: the user's part of the account's export (wellness.platform.export).

Usage::

    export = user_export(function_runtime("firestore"))
    export(user_id)
    # -> {'reflections': [...]}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..platform.export import max_records
from .adapters import FirestoreReflectionStore

if TYPE_CHECKING:
    from ..platform.export import Exporter
    from ..platform.runtime import Runtime


def user_export(runtime: Runtime) -> Exporter:
    """Every reflection of the user: one read of its own store, bounded."""
    unit_of_work = runtime.firestore_unit_of_work(FirestoreReflectionStore)
    limit = max_records(runtime.env)
    return lambda user_id: unit_of_work.read(lambda store: {"reflections": store.reflections.export(user_id, limit)})
