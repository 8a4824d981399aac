"""Erased users stay erased: a tombstone per deleted account in each store, checked by every subscriber.

Events about a user can arrive after `user.deleted`: a late or redelivered one, or one
republished from a dead-letter hold (the runbook's fix). Applied, a late `user.created`
would bring the profile back, public, with the name the user took away. So
`@subscriber` (wellness.platform.subscriber), in the transaction of the delivery record:

- on `user.deleted`, first writes the user's tombstone in its store (`Transaction.tombstone`)
  and erases what the platform itself keeps of the user there (the stored answers of
  the user's idempotency keys), then lets the domain erase its data;
- on any other event about a user, drops it (acked, outcome "dropped") when the store
  holds the user's tombstone (`Transaction.tombstoned`), before the domain sees it.

One tombstone per store serves every domain in it (PostgreSQL: `erased_users`; Firestore:
`erasedUsers`): whichever subscriber of `user.deleted` runs first writes it, and the others
find it. The check and the tombstone are serialized per user (PostgreSQL: a transaction
advisory lock, shared by the check and exclusive for the tombstone; Firestore: the check
reads the tombstone's document in the transaction, which then conflicts with its write),
so an event applied concurrently with the deletion either commits before the domain's
erasure (which then erases it) or sees the tombstone.

A tombstone holds `pseudonym(user_id)` and when it was written, nothing else. The id is a
random UUID (122 bits), so its SHA-256 can be neither inverted nor found by trying ids;
only someone who already holds the id can tell that it was erased. A keyed hash (HMAC)
would add a secret to every subscriber and to the migrations for no more than that, and
losing or rotating its key would silently resurrect every erased user. Tombstones are
kept for good: an event may wait in an outbox or a dead-letter hold for any time, and
64 characters per deleted account is no burden.

    >>> pseudonym("4b0d4a4e-3b8b-4a4e-9f8e-0d1c2b3a4f5e") == pseudonym("4b0d4a4e-3b8b-4a4e-9f8e-0d1c2b3a4f5e")
    True
    >>> len(pseudonym("u1")), "u1" in pseudonym("u1")
    (64, False)
    >>> import dataclasses
    >>> from wellness_testing.factories import profile_updated
    >>> updated = profile_updated()
    >>> about_a_user(updated), about_a_user(dataclasses.replace(updated, user_id=ANONYMOUS))
    (True, False)
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .events import Event

USER_DELETED = "user.deleted"
COLLECTION = "erasedUsers"  # Firestore; the PostgreSQL table is `erased_users`
ANONYMOUS = "anonymous"  # the acting user of an event nobody signed in for (auth's password.reset_submitted)


def pseudonym(user_id: str) -> str:
    """What tombstones and idempotency records hold instead of the user's id: SHA-256, hex."""
    return hashlib.sha256(f"erased-user:{user_id}".encode()).hexdigest()


def about_a_user(event: Event) -> bool:
    """Whether the event names a user whose tombstone would make it moot."""
    return bool(event.user_id) and event.user_id != ANONYMOUS
