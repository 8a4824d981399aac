"""The platform's fakes: a unit of work over in-memory state, an outbox, a publisher, secrets.

A domain's fake store subclasses `FakeTransaction` and keeps its data in a `FakeState`
subclass; `FakeUnitOfWork` runs each piece of work on a copy of the state and keeps
the copy only when the work returns, like a real transaction:

    >>> uow = FakeUnitOfWork(FakeTransaction, FakeState())
    >>> def fails(store: FakeTransaction) -> None:
    ...     store.first_delivery("c", "e1")
    ...     raise RuntimeError("rolled back")
    >>> uow.run(fails)
    Traceback (most recent call last):
    ...
    RuntimeError: rolled back
    >>> uow.run(lambda store: store.first_delivery("c", "e1"))   # the failed attempt left nothing
    True
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from typing import Callable, Generic, Mapping, Sequence, TypeVar

from wellness.platform import revocation
from wellness.platform.erasure import pseudonym
from wellness.platform.events import Event
from wellness.platform.pubsub import Message
from wellness.platform.secrets import SecretNotFound

T = TypeVar("T")


@dataclasses.dataclass
class FakeState:
    """The data of a fake store; a domain's fake subclasses it with its own collections."""

    deliveries: set[tuple[str, str]] = dataclasses.field(default_factory=set)
    tombstones: set[str] = dataclasses.field(default_factory=set)  # pseudonyms of erased users
    revoked: dict[str, dt.datetime] = dataclasses.field(default_factory=dict)  # ended sessions: key -> until


class FakeOutbox:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, event: Event) -> None:
        event.validate()
        self.events.append(event)


class FakeTransaction:
    """The platform's half of every fake store: an outbox and the delivery record, over a copy of the state."""

    def __init__(self, state: FakeState):
        self.state = state
        self.outbox = FakeOutbox()

    def first_delivery(self, consumer: str, event_id: str) -> bool:
        if (consumer, event_id) in self.state.deliveries:
            return False
        self.state.deliveries.add((consumer, event_id))
        return True

    def tombstoned(self, user_id: str) -> bool:
        return pseudonym(user_id) in self.state.tombstones

    def tombstone(self, user_id: str) -> None:
        self.state.tombstones.add(pseudonym(user_id))


S = TypeVar("S", bound=FakeTransaction)
St = TypeVar("St", bound=FakeState)


class FakeUnitOfWork(Generic[S, St]):
    """All-or-nothing over in-memory state; `published` holds the events of the work that committed.

    Like the real ones, `run` refuses (401 token_revoked) work for a caller whose session the
    state records as ended (wellness.platform.revocation); `read` does not check. Set
    `unavailable` to an exception to make every run and read raise it (a store that is down).
    """

    def __init__(
        self,
        store: Callable[[St], S],
        state: St,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ):
        self._store = store
        self.state = state
        self._now = now
        self.published: list[Event] = []
        self.commits = 0
        self.unavailable: Exception | None = None

    def run(self, work: Callable[[S], T]) -> T:
        if self.unavailable is not None:
            raise self.unavailable
        caller = revocation.current_keys()
        if caller and any(
            self.state.revoked.get(key, dt.datetime.min.replace(tzinfo=dt.UTC)) > self._now() for key in caller
        ):
            raise revocation.revoked()
        working = copy.deepcopy(self.state)
        store = self._store(working)
        result = work(store)
        self.state = working
        self.commits += 1
        self.published += store.outbox.events
        return result

    def read(self, work: Callable[[S], T]) -> T:
        if self.unavailable is not None:
            raise self.unavailable
        return work(self._store(copy.deepcopy(self.state)))

    def events(self, event_type: str | None = None) -> list[Event]:
        """The committed events, of one type when given."""
        return [e for e in self.published if event_type is None or e.type == event_type]


class FakePublisher:
    """Records what was published; `fail` makes every publish fail (Pub/Sub down)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.fail = False

    def publish_many(self, messages: Sequence[Message], timeout: float) -> list[BaseException | str]:
        if self.fail:
            return [ConnectionError("pubsub unavailable") for _ in messages]
        self.messages.extend(messages)
        return [str(len(self.messages) - len(messages) + i) for i in range(len(messages))]


class FakeSecrets:
    """In-memory secrets for unit tests; `set` simulates a rotation, `reads` counts gets.

    >>> fake = FakeSecrets({"a": "1"}); fake.set("a", "2"); fake.get("a"), fake.reads
    ('2', 1)
    """

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self._values = dict(values or {})
        self.reads = 0

    def get(self, name: str) -> str:
        self.reads += 1
        value = self._values.get(name)
        if not value:  # missing or empty, as the real sources answer
            raise SecretNotFound(f"secret {name!r} is not in FakeSecrets (or is empty)")
        return value

    def set(self, name: str, value: str) -> None:
        self._values[name] = value

    def __repr__(self) -> str:
        return f"FakeSecrets(names={sorted(self._values)})"
