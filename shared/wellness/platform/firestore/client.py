"""The Firestore client, built lazily once per instance, whose every call ends by a deadline.

The client finds the emulator through FIRESTORE_EMULATOR_HOST. Importing
google.cloud.firestore costs about 0.3 s, so only Firestore functions pay it, on
first use.

Left alone, a call to a Firestore that does not answer waits for the generated
client's own timeouts (60 s for a read or a commit, 300 s for a query, each retried),
far past the gateway's 15 s. Here each remote call gets what is left of the deadline
of the unit of work it runs in (`deadline(seconds)`), or `default_seconds` outside one,
as its gRPC timeout and as the limit of its retries; once the deadline has passed, a
call fails at once with DeadlineExceeded.

    Usage::

        client = build_client(settings)
        with deadline(5.0):
            client.document("profiles/u1").get()              # at most 5 s, retries included

The manual layer of google-cloud-firestore passes `retry`/`timeout` through for reads,
queries and batches, but not for a transaction's begin, commit and rollback
(googleapis/python-firestore#221): so the bound is put on the generated client
(`Client._firestore_api`) that every one of those calls goes through.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import time
from typing import TYPE_CHECKING, Any, Callable, Iterator

from ..config import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("firestore_deadline", default=None)
# A rollback releases the locks the transaction holds (a hot document stays locked until
# it expires otherwise): it may run a moment past the deadline.
ROLLBACK_GRACE_SECONDS = 1.0


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every Firestore call inside ends within `seconds` from now (or the enclosing deadline, if sooner)."""
    outer = _DEADLINE.get()
    mine = time.monotonic() + seconds
    token = _DEADLINE.set(mine if outer is None else min(outer, mine))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining(default_seconds: float = math.inf) -> float:
    """Seconds left before the current deadline (`default_seconds` outside any)."""
    current = _DEADLINE.get()
    return default_seconds if current is None else current - time.monotonic()


class _BoundedApi:
    """The generated Firestore client, each method's timeout and retries cut to the deadline."""

    def __init__(self, api: Any, default_seconds: float):
        self._api = api
        self._default_seconds = default_seconds

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._api, name)
        if name.startswith("_") or not callable(attribute):
            return attribute
        return self._bounded(name, attribute)

    def _bounded(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        from google.api_core import exceptions, gapic_v1
        from google.api_core.retry import Retry, if_exception_type

        def call(*args: Any, **kwargs: Any) -> Any:
            left = remaining(self._default_seconds)
            if name == "rollback":
                left = max(left, ROLLBACK_GRACE_SECONDS)
            if left <= 0:
                raise exceptions.DeadlineExceeded(f"Firestore {name}: the store deadline has passed")  # type: ignore[no-untyped-call]
            timeout = kwargs.get("timeout")
            kwargs["timeout"] = min(timeout, left) if isinstance(timeout, (int, float)) else left
            retry = kwargs.get("retry", gapic_v1.method.DEFAULT)
            if retry is gapic_v1.method.DEFAULT:
                # The generated defaults also retry DeadlineExceeded, for up to 60 s: only a
                # refusal is worth another try within a deadline.
                retry = Retry(
                    predicate=if_exception_type(exceptions.ServiceUnavailable, exceptions.ResourceExhausted),
                    initial=0.05,
                    maximum=1.0,
                    timeout=left,
                )
            elif retry is not None:
                retry = retry.with_timeout(left)
            kwargs["retry"] = retry
            return method(*args, **kwargs)

        return call


def build_client(settings: Settings) -> Client:
    """The instance's client; calls outside any `deadline` get STORE_DEADLINE_SECONDS each."""
    from google.cloud import firestore

    default_seconds = settings.store_deadline_seconds

    class BoundedClient(firestore.Client):
        @property
        def _firestore_api(self) -> Any:
            return _BoundedApi(super()._firestore_api, default_seconds)

    client: Client = BoundedClient(project=settings.project_id)
    return client


def unavailable(error: BaseException) -> bool:
    """Whether `error` says Firestore did not answer in time or refused for now (not that the request was wrong)."""
    from google.api_core import exceptions

    return isinstance(
        error,
        (
            exceptions.DeadlineExceeded,
            exceptions.ServiceUnavailable,
            exceptions.RetryError,
            exceptions.ResourceExhausted,
            exceptions.InternalServerError,
        ),
    )


def contended(error: BaseException) -> bool:
    """Whether `error` is Firestore giving up on a transaction for contention (another holds its documents)."""
    from google.api_core.exceptions import Aborted

    # The client gives up on an aborted commit after its own attempts with a ValueError.
    return isinstance(error, Aborted) or (
        isinstance(error, ValueError) and str(error).startswith("Failed to commit transaction")
    )
