"""The platform's ports: what every domain's unit of work offers, whatever the store.

A domain service gets a `UnitOfWork` of its own store type (its ports, plus the two
things every transaction has: an outbox and the record of handled deliveries). It
runs each use case as one function of that store:

    >>> from wellness_testing.fakes import FakeState, FakeTransaction, FakeUnitOfWork
    >>> uow = FakeUnitOfWork(FakeTransaction, FakeState())
    >>> uow.run(lambda store: store.first_delivery("consumer", "event-1"))
    True
    >>> uow.run(lambda store: store.first_delivery("consumer", "event-1"))
    False

`run` commits when the function returns and rolls back when it raises, then hands the
events it wrote to the prompt publish; `read` runs reads with nothing to commit. The
Postgres and Firestore units of work (`wellness.platform.postgres`,
`wellness.platform.firestore`) and the fakes (`wellness_testing.fakes`) implement it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Protocol, TypeVar

if TYPE_CHECKING:
    from .events import Event

T = TypeVar("T")
S = TypeVar("S", covariant=True)


class Outbox(Protocol):
    """Events written in the same transaction as the change they describe."""

    def add(self, event: Event) -> None: ...


class Transaction(Protocol):
    """The platform's half of every domain store: the outbox and the delivery record."""

    @property
    def outbox(self) -> Outbox: ...

    def first_delivery(self, consumer: str, event_id: str) -> bool:
        """Record that `consumer` handles `event_id` in this transaction; False when it already did."""
        ...

    def tombstoned(self, user_id: str) -> bool:
        """Whether this store holds the user's tombstone (wellness.platform.erasure), read in this transaction."""
        ...

    def tombstone(self, user_id: str) -> None:
        """Write the user's tombstone in this transaction, and erase the platform's own records of the user."""
        ...


class UnitOfWork(Protocol[S]):
    """Runs work against a store of type S, in one transaction (`run`) or read-only (`read`)."""

    def run(self, work: Callable[[S], T]) -> T: ...

    def read(self, work: Callable[[S], T]) -> T: ...
