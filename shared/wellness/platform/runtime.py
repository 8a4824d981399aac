"""The composition root: one per function instance.

A function's main.py calls `function_runtime(...)` once at import, naming the stores
it uses. Settings are read and checked then (a missing variable fails the cold start
with its name); clients are built on first use, so a Postgres-only function never
imports the Firestore or Pub/Sub clients. A function whose every write publishes can
ask for its Pub/Sub client ahead (`warm_publisher=True`): in the process that serves
(the worker gunicorn forks after importing main.py in its arbiter) a background thread
builds it while the worker starts (`Runtime.warm_up`); the publisher builds its client
once under its lock, so a publish meanwhile waits for that build. A
domain's wiring builds its unit of work from the runtime::

    runtime = function_runtime("postgres", "pubsub")
    uow = runtime.postgres_unit_of_work(PostgresProgramStore)
"""

from __future__ import annotations

import logging
import os
import threading
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Mapping, TypeVar

from . import logs, metrics, tracing
from .breaker import CircuitBreaker
from .config import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction
    from sqlalchemy import Connection, Engine

    from .firestore.unit_of_work import FirestoreTransaction, FirestoreUnitOfWork
    from .idempotency import IdempotencyKeys
    from .identity import JwksVerifier
    from .outbox import RelayResult
    from .postgres.unit_of_work import PostgresTransaction, PostgresUnitOfWork
    from .pubsub import Publisher
    from .secrets import SecretSource

log = logging.getLogger(__name__)
NEEDS = ("postgres", "firestore", "pubsub")
P = TypeVar("P", bound="PostgresTransaction")
F = TypeVar("F", bound="FirestoreTransaction")


class Runtime:
    def __init__(
        self,
        settings: Settings,
        needs: tuple[str, ...] = (),
        env: Mapping[str, str] | None = None,
        *,
        warm_publisher: bool = False,
    ):
        self.settings = settings
        self.needs = needs
        self.warm_publisher = warm_publisher
        self.env: Mapping[str, str] = os.environ if env is None else env  # domains read their own settings here

    @cached_property
    def engine(self) -> Engine:
        from .postgres.engine import build_engine

        return build_engine(self.settings)

    @cached_property
    def firestore(self) -> Client:
        from .firestore.client import build_client

        return build_client(self.settings)

    @cached_property
    def publisher(self) -> Publisher:
        from .pubsub import PubSubPublisher

        return PubSubPublisher(self.settings.project_id)

    @cached_property
    def secrets(self) -> SecretSource:
        from .secrets import secret_source

        return secret_source(self.settings)

    @cached_property
    def token_verifier(self) -> JwksVerifier:
        """Checks forwarded bearer tokens against the published JWKS (VERIFY_FORWARDED_TOKEN)."""
        from .identity import JwksVerifier

        settings = self.settings.require("jwks_uri")
        return JwksVerifier(str(settings.jwks_uri), issuer=settings.jwt_issuer, audiences=(settings.jwt_audience,))

    @cached_property
    def prompt_publish_breaker(self) -> CircuitBreaker:
        """Shared by every unit of work of the instance: one slow publish spares the requests after it."""
        return CircuitBreaker(self.settings.prompt_publish_cooldown_seconds)

    def prompt_publish(
        self, relay_ids: Callable[[list[str], float], RelayResult]
    ) -> Callable[[list[str]], None] | None:
        """The after-commit publish of a unit of work: bounded by the prompt timeout, skipped while the breaker is open.

        Whatever it does not publish stays in the outbox for the relay job, which has
        its own, longer timeout (PUBLISH_TIMEOUT_SECONDS).
        """
        if not self.settings.publish_after_commit:
            return None
        breaker, timeout = self.prompt_publish_breaker, self.settings.prompt_publish_timeout_seconds

        def publish(ids: list[str]) -> None:
            if not breaker.allow():
                log.info("prompt publish skipped: Pub/Sub failed recently; the relay publishes %d event(s)", len(ids))
                return
            try:
                result = relay_ids(ids, timeout)
            except BaseException:
                breaker.failed()
                raise
            if result.failed:
                breaker.failed()
                log.warning(
                    "prompt publish: %d event(s) left to the relay; skipping Pub/Sub for a while", result.failed
                )
            else:
                breaker.succeeded()

        return publish

    @property
    def idempotency_store(self) -> str | None:
        """Where this function keeps idempotency keys: with its own data (Postgres first), or nowhere."""
        return next((store for store in ("postgres", "firestore") if store in self.needs), None)

    @cached_property
    def idempotency_keys(self) -> IdempotencyKeys:
        if self.idempotency_store == "postgres":
            from .postgres.idempotency import PostgresIdempotencyKeys

            return PostgresIdempotencyKeys(self.engine)
        if self.idempotency_store == "firestore":
            from .firestore.idempotency import FirestoreIdempotencyKeys

            return FirestoreIdempotencyKeys(self.firestore)
        raise RuntimeError("this function has no store for idempotency keys: declare postgres or firestore")

    def postgres_unit_of_work(self, store: Callable[[Connection], P]) -> PostgresUnitOfWork[P]:
        """A unit of work on this instance's engine whose events are published promptly after each commit."""
        from .postgres.outbox import relay
        from .postgres.unit_of_work import PostgresUnitOfWork

        return PostgresUnitOfWork(
            self.engine,
            store,
            after_commit=self.prompt_publish(
                lambda ids, timeout: relay(self.engine, self.publisher, timeout=timeout, ids=ids)
            ),
            deadline_seconds=self.settings.store_deadline_seconds,
        )

    def firestore_unit_of_work(self, store: Callable[[Client, Transaction | None], F]) -> FirestoreUnitOfWork[F]:
        """A unit of work on this instance's Firestore client whose events are published promptly after each commit."""
        from .firestore.client import deadline
        from .firestore.outbox import relay
        from .firestore.unit_of_work import FirestoreUnitOfWork

        def relay_ids(ids: list[str], timeout: float) -> RelayResult:
            # The claim and the mark are Firestore calls too: all of it within twice the publish's wait.
            with deadline(2 * timeout):
                return relay(self.firestore, self.publisher, timeout=timeout, ids=ids)

        return FirestoreUnitOfWork(
            lambda: self.firestore,
            store,
            after_commit=self.prompt_publish(relay_ids),
            deadline_seconds=self.settings.store_deadline_seconds,
        )

    def warm_up(self) -> None:
        """Build the Pub/Sub client ahead of the first request, for a function whose every write publishes.

        Runs in a background thread of the process that serves (see `_after_fork`), best
        effort: if it fails, the first publish builds the client as it always did. Only
        where the function asks (`warm_publisher`): measured alone at 1 vCPU
        (scripts/bench-cold-start), sign-up's first answer comes 70-150 ms sooner, but a
        function whose first request does not publish (a repeated task completion) got
        ~0.25 s slower and 28 MiB bigger. Warming more did not pay either: the first
        database connection raced the first request into opening a second one
        (program-tasks-mine ~90 ms slower), and the Firestore client's build is all
        imports, CPU the request needs too (no change).
        """
        if self.warm_publisher and "pubsub" in self.needs and self.settings.publish_after_commit:
            self._warm("the Pub/Sub client", self._prepare_publisher)

    def _prepare_publisher(self) -> None:
        from .pubsub import PubSubPublisher

        if isinstance(self.publisher, PubSubPublisher):
            self.publisher.prepare()

    @staticmethod
    def _warm(what: str, build: Callable[[], object]) -> None:
        try:
            build()
        except Exception:  # noqa: BLE001 - the request builds it again and reports what fails then
            log.info("warm-up: %s failed; the first request opens it", what, exc_info=True)


# The instance's runtime, warmed up in the process gunicorn forks to serve (threads do not survive fork).
_instance: Runtime | None = None


def _after_fork() -> None:
    if _instance is not None and _instance.warm_publisher:
        threading.Thread(target=_instance.warm_up, name="wellness-warm-up", daemon=True).start()


os.register_at_fork(after_in_child=_after_fork)


def function_runtime(*needs: str, settings: Settings | None = None, warm_publisher: bool = False) -> Runtime:
    """Read and check the settings, set up logs, traces and metrics, and return the instance's runtime.

    `warm_publisher=True`: every request that succeeds publishes (sign-up), so the Pub/Sub
    client is built while the worker starts rather than on the first publish.
    """
    metrics.initialization_started()
    unknown = set(needs) - set(NEEDS)
    if unknown:
        raise ValueError(f"unknown needs {sorted(unknown)}; choose from {NEEDS}")
    settings = settings or load_settings()
    if "postgres" in needs and not settings.uses_postgres:
        raise SettingsError("this function uses PostgreSQL: set DATABASE_URL (local) or CLOUD_SQL_INSTANCE (cloud)")
    if settings.verify_forwarded_token:
        settings.require("jwks_uri")  # fail the cold start, not every request
    logs.configure(settings.function_name, settings.log_level, project_id=settings.project_id)
    tracing.configure(settings)
    metrics.configure(settings)
    global _instance
    _instance = Runtime(settings, tuple(needs), warm_publisher=warm_publisher)
    return _instance
