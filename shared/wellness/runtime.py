"""The composition root: one per function instance.

A function's main.py calls `function_runtime(...)` once at import, naming what it
uses. Settings are read and checked then (a missing variable fails the cold start
with its name); clients are built on first use, so a Postgres-only function never
imports the Firestore or Pub/Sub clients.

    >>> runtime = function_runtime("postgres", "signing_keys")   # doctest: +SKIP
    >>> with runtime.unit_of_work() as uow: ...                  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import threading
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from . import logs, tracing
from .config import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from .auth.keys import Keyset
    from .firestore_outbox import FirestoreOutbox
    from .postgres import UnitOfWork
    from .pubsub import Publisher
    from .secrets import SecretSource

log = logging.getLogger(__name__)
T = TypeVar("T")
NEEDS = ("postgres", "firestore", "pubsub", "signing_keys")
SIGNING_KEYS_SECRET = "jwt-signing-keys"  # noqa: S105 - a secret name, not a secret


class Runtime:
    def __init__(self, settings: Settings, needs: tuple[str, ...] = ()):
        self.settings = settings
        self.needs = needs
        self._keyset_lock = threading.Lock()
        self._keyset: tuple[str, Keyset] | None = None

    @cached_property
    def engine(self) -> Engine:
        from .postgres import build_engine

        return build_engine(self.settings)

    @cached_property
    def firestore(self) -> Any:
        from .firestore import build_client

        return build_client(self.settings)

    @cached_property
    def publisher(self) -> Publisher:
        from .pubsub import PubSubPublisher

        return PubSubPublisher(self.settings.project_id)

    @cached_property
    def secrets(self) -> SecretSource:
        from .secrets import secret_source

        return secret_source(self.settings)

    def keyset(self) -> Keyset:
        """The signing keyset, re-parsed only when the secret's value changes (rotation)."""
        from .auth.keys import Keyset

        raw = self.secrets.get(SIGNING_KEYS_SECRET)
        with self._keyset_lock:
            if self._keyset is None or self._keyset[0] != raw:
                self._keyset = (raw, Keyset.from_json(raw))
            return self._keyset[1]

    def publish_now(self, event_ids: list[str]) -> None:
        """The prompt publish after a commit; the relay catches up whatever fails here."""
        from .outbox import relay

        relay(self.engine, self.publisher, timeout=self.settings.publish_timeout_seconds, ids=event_ids)

    def firestore_transaction(self, work: Callable[[Any, FirestoreOutbox], T]) -> T:
        """Run work(transaction, outbox) in one Firestore transaction, then publish its events promptly.

        `work` may run more than once (Firestore retries on contention), so it must only
        read and write through the transaction; the events of the attempt that committed
        are published, and the relay catches up whatever that publish could not.

            >>> runtime.firestore_transaction(lambda tx, outbox: outbox.add(event))   # doctest: +SKIP
        """
        from google.cloud import firestore

        from .firestore_outbox import FirestoreOutbox, relay

        written: list[str] = []

        @firestore.transactional
        def run(transaction: Any) -> T:
            outbox = FirestoreOutbox(self.firestore, transaction)
            result = work(transaction, outbox)
            written[:] = outbox.written
            return result

        result = _retry_aborted(lambda: run(self.firestore.transaction()))
        if written and self.settings.publish_after_commit:
            try:
                relay(self.firestore, self.publisher, timeout=self.settings.publish_timeout_seconds, ids=written)
            except Exception:  # noqa: BLE001 - the relay publishes whatever this could not
                log.warning("prompt publish failed; the relay will publish", exc_info=True)
        return result

    def unit_of_work(self) -> UnitOfWork:
        from .postgres import UnitOfWork

        after = self.publish_now if self.settings.publish_after_commit else None
        return UnitOfWork(self.engine, after_commit=after)


def _retry_aborted(attempt: Callable[[], T], tries: int = 10) -> T:
    """attempt(), again with jittered backoff while Firestore aborts it for contention.

    The client retries an aborted commit itself, but not a read that times out on a
    lock (a popular post's counter, many reactions at once): that is retried here.
    """
    import random
    import time

    from google.api_core.exceptions import Aborted

    for n in range(tries):
        try:
            return attempt()
        except (Aborted, ValueError) as error:
            # The client gives up on an aborted commit after its own attempts with a ValueError.
            contended = isinstance(error, Aborted) or str(error).startswith("Failed to commit transaction")
            if not contended or n == tries - 1:
                raise
            time.sleep(random.uniform(0, 0.05 * 2**n))  # noqa: S311 - jitter, not security
    raise AssertionError("unreachable")


def function_runtime(*needs: str, settings: Settings | None = None) -> Runtime:
    """Read and check the settings, set up logs and traces, and return the instance's runtime."""
    unknown = set(needs) - set(NEEDS)
    if unknown:
        raise ValueError(f"unknown needs {sorted(unknown)}; choose from {NEEDS}")
    settings = settings or load_settings()
    if "postgres" in needs and not settings.uses_postgres:
        raise SettingsError("this function uses PostgreSQL: set DATABASE_URL (local) or CLOUD_SQL_INSTANCE (cloud)")
    logs.configure(settings.function_name, settings.log_level, project_id=settings.project_id)
    tracing.configure(settings)
    runtime = Runtime(settings, tuple(needs))
    if "signing_keys" in needs:
        runtime.keyset()  # fail the cold start, not the first request, when the key is missing
    return runtime
