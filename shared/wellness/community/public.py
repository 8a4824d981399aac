"""What other domains may use of community: the user's part of the account's export (wellness.platform.export).

Usage::

    export = user_export(function_runtime("firestore"))
    export(user_id)
    # -> {'posts': [...], 'comments': [...], 'reactions': [...], 'reports': [...], 'rateLimitSlots': [...]}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..platform.export import max_records
from .adapters import FirestoreCommunityStore

if TYPE_CHECKING:
    from ..platform.export import Exporter
    from ..platform.runtime import Runtime


def user_export(runtime: Runtime) -> Exporter:
    """The user's posts, comments, reactions, reports, rate-limit slots: one read of its own store, bounded."""
    unit_of_work = runtime.firestore_unit_of_work(FirestoreCommunityStore)
    limit = max_records(runtime.env)
    return lambda user_id: unit_of_work.read(lambda store: store.export_user(user_id, limit))
