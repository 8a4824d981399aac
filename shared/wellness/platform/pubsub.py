"""Publishing to Pub/Sub: the port and the real adapter (the fake is wellness_testing.fakes.FakePublisher).

The adapter speaks Pub/Sub's REST API (`projects.topics.publish`,
https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.topics/publish) through
google-auth's `AuthorizedSession`, not the gRPC client library: a function publishes a
handful of events after a commit, and building the library's client (its import, channel
and batching threads) cost ~0.19 s of CPU on a cold start at 1 vCPU where this costs
~0.08 s (requests and google-auth, which the Cloud SQL connector and the telemetry's
credentials load in the cloud anyway). On the emulator (`PUBSUB_EMULATOR_HOST`, which
serves the same REST API over plain HTTP) it sends no credentials.

Every publish has its own short deadline for the whole batch (the relay leaves what did
not go pending and moves on when Pub/Sub is down); within it, what Pub/Sub may answer
differently a moment later (a refused connection, 429, 5xx) is tried again with backoff,
as the client library's default retry does. Each publish is a span in the trace of the
request that wrote the event (the prompt publish and the relay alike), and the message
carries that span's `traceparent`, so one trace runs request -> publish -> every subscriber.

    >>> publisher = PubSubPublisher("my-project")   # the session is built on the first publish

Then, on Pub/Sub (or its emulator; the integration tests publish for real)::

    results = publisher.publish_many([("user.created", b"{}", {})], timeout=5)
"""

from __future__ import annotations

import base64
import os
import threading
import time
from typing import TYPE_CHECKING, Any, Protocol, Sequence

from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

from . import metrics, tracing

if TYPE_CHECKING:
    from google.auth.credentials import Credentials

Message = tuple[str, bytes, dict[str, str]]  # topic, data, attributes

API = "https://pubsub.googleapis.com/v1"
SCOPE = "https://www.googleapis.com/auth/pubsub"
MAX_PER_CALL = 1000  # Pub/Sub's limit of messages per publish request
RETRIED_STATUSES = {408, 429, 500, 502, 503, 504}
FIRST_BACKOFF_SECONDS = 0.1
MAX_BACKOFF_SECONDS = 1.0


class Publisher(Protocol):
    def publish_many(self, messages: Sequence[Message], timeout: float) -> list[BaseException | str]:
        """Publish all; for each message its message id or the error that stopped it."""
        ...


_UNREACHABLE = {"ServiceUnavailable", "DeadlineExceeded", "RetryError", "TimeoutError", "ConnectionError"}


def unreachable(error: BaseException) -> bool:
    """Whether a publish failed because Pub/Sub did not answer (rather than refusing the message)."""
    return type(error).__name__ in _UNREACHABLE or isinstance(error, (TimeoutError, ConnectionError))


class ServiceUnavailable(Exception):  # noqa: N818 - named as Google's status, which `unreachable` knows
    """Pub/Sub answered, until the deadline, only with statuses that say "try again" (429, 5xx)."""


class PublishRefused(Exception):  # noqa: N818 - a refusal, not a bug: a missing topic, a denied permission
    """Pub/Sub refused the request; trying again would not change the answer."""


class PubSubPublisher:
    """The real adapter, over REST. Its session is built on the first publish (or the runtime's warm-up)."""

    def __init__(self, project_id: str):
        self._project_id = project_id
        self._session: Any = None
        self._base = API
        self._lock = threading.Lock()

    def _get_session(self) -> Any:
        with self._lock:
            if self._session is None:
                from google.auth.transport.requests import AuthorizedSession

                credentials: Credentials
                emulator = os.environ.get("PUBSUB_EMULATOR_HOST")
                if emulator:
                    from google.auth.credentials import AnonymousCredentials

                    self._base, credentials = f"http://{emulator}/v1", AnonymousCredentials()  # type: ignore[no-untyped-call]
                else:
                    import google.auth

                    self._base, (credentials, _) = API, google.auth.default(scopes=[SCOPE])
                self._session = AuthorizedSession(credentials)  # type: ignore[no-untyped-call]
            return self._session

    def prepare(self) -> None:
        """Build the session now (the runtime's warm-up), not on the first publish."""
        self._get_session()

    def publish_many(self, messages: Sequence[Message], timeout: float) -> list[BaseException | str]:
        """Publish all; each message is a PRODUCER span in its event's trace, whose context it carries on.

        One request per topic (and per MAX_PER_CALL messages): Pub/Sub stores a request's
        messages together or not at all, so each of them gets the request's outcome.
        """
        session = self._get_session()
        # One deadline for the whole batch: a publish that does not answer must not cost
        # `timeout` once per topic.
        deadline = time.monotonic() + timeout
        spans: list[trace.Span] = []
        bodies: list[dict[str, Any]] = []
        by_topic: dict[str, list[int]] = {}
        for index, (topic, data, attributes) in enumerate(messages):
            span = _publish_span(topic, attributes)
            # The subscriber's span becomes a child of this publish, not of the request that wrote the event.
            with trace.use_span(span, end_on_exit=False):
                carried = {**attributes, **tracing.inject()}
            spans.append(span)
            bodies.append({"data": base64.b64encode(data).decode("ascii"), "attributes": carried})
            by_topic.setdefault(topic, []).append(index)
        outcomes: dict[int, BaseException | str] = {}
        for topic, indexes in by_topic.items():
            for start in range(0, len(indexes), MAX_PER_CALL):
                chunk = indexes[start : start + MAX_PER_CALL]
                url = f"{self._base}/projects/{self._project_id}/topics/{topic}:publish"
                try:
                    ids: list[BaseException | str] = list(
                        self._post(session, url, [bodies[i] for i in chunk], deadline)
                    )
                except Exception as exc:  # noqa: BLE001 - each message's own failure is reported, not raised
                    ids = [exc] * len(chunk)
                outcomes.update(zip(chunk, ids, strict=True))
        results = [outcomes[index] for index in range(len(messages))]
        for (topic, _, _), span, result in zip(messages, spans, results, strict=True):
            if isinstance(result, BaseException):
                span.set_status(StatusCode.ERROR, type(result).__name__)
                metrics.messages_sent(topic, 1, error_type=type(result).__name__)
            else:
                span.set_attribute("messaging.message.id", result)
                metrics.messages_sent(topic, 1)
            span.end()
        return results

    @staticmethod
    def _post(session: Any, url: str, messages: list[dict[str, Any]], deadline: float) -> list[str]:
        """The message ids of one publish request, tried again with backoff while the deadline allows."""
        import requests

        backoff = FIRST_BACKOFF_SECONDS
        error: Exception | None = None
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                # timeout bounds each connect and read; max_allowed_time the whole call, a token refresh included.
                response = session.request(
                    "POST", url, json={"messages": messages}, timeout=remaining, max_allowed_time=remaining
                )
            except requests.Timeout as exc:
                raise TimeoutError(f"Pub/Sub did not answer within {remaining:.2f} s") from exc
            except requests.ConnectionError as exc:
                error = ConnectionError(f"Pub/Sub out of reach: {exc}")
            else:
                if response.ok:
                    return list(response.json()["messageIds"])
                if response.status_code not in RETRIED_STATUSES:
                    raise PublishRefused(f"{response.status_code}: {response.text[:300]}")
                error = ServiceUnavailable(f"{response.status_code}: {response.text[:300]}")
            time.sleep(max(0.0, min(backoff, deadline - time.monotonic())))
            backoff = min(2 * backoff, MAX_BACKOFF_SECONDS)
        raise error or TimeoutError("no time left to publish")


def _publish_span(topic: str, attributes: dict[str, str]) -> trace.Span:
    """A PRODUCER span under the event's own trace context (the request that caused it), else the current one."""
    parent = tracing.extract(attributes) if attributes.get("traceparent") else None
    span = tracing.tracer().start_span(f"publish {topic}", context=parent, kind=SpanKind.PRODUCER)
    span.set_attribute("messaging.system", metrics.PUBSUB)
    span.set_attribute("messaging.destination.name", topic)
    span.set_attribute("messaging.operation.type", "send")
    if attributes.get("eventId"):
        span.set_attribute("event.id", attributes["eventId"])
    return span
