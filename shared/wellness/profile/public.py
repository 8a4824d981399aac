"""What other domains may use of profiles, read inside their own Firestore transaction.

Reflections take the day of an entry in the author's zone; the community shows each
author's public profile. Both read the profile where it lives, in the caller's
transaction, so no copy goes stale. The account's export reads the stored profile
(`user_export`, wellness.platform.export).

    Usage::

        timezone_of(store, user_id)
        # -> 'Europe/Paris'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from ..platform.clock import DEFAULT_TIMEZONE
from ..platform.firestore.unit_of_work import FirestoreTransaction
from .adapters import FirestoreProfiles, FirestoreProfileStore

if TYPE_CHECKING:
    from ..platform.export import Exporter
    from ..platform.runtime import Runtime


def timezone_of(tx: FirestoreTransaction, user_id: str) -> str:
    """The user's time zone; UTC until the profile exists."""
    return FirestoreProfiles(tx).timezone(user_id) or DEFAULT_TIMEZONE


def public_profiles(tx: FirestoreTransaction, user_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The public subsets of these users' profiles, by user id (one round trip; missing ones left out)."""
    return {user_id: p.public() for user_id, p in FirestoreProfiles(tx).get_many(user_ids).items()}


def user_export(runtime: Runtime) -> Exporter:
    """The user's stored profile (None when there is none), in a read of its own."""
    unit_of_work = runtime.firestore_unit_of_work(FirestoreProfileStore)
    return lambda user_id: {"profile": unit_of_work.read(lambda store: store.profiles.export(user_id))}
