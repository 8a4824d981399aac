"""Publishing to Pub/Sub: the port and the real adapter (the fake is wellness_testing.fakes.FakePublisher).

The Python client retries a publish for up to 600 s by default; here every publish
has its own short timeout, so a caller (the relay) can leave the row pending and
move on when Pub/Sub is down. Each publish is a span in the trace of the request
that wrote the event (the prompt publish and the relay alike), and the message
carries that span's `traceparent`, so one trace runs request → publish → every
subscriber. (The client's own OpenTelemetry spans, `enable_open_telemetry_tracing`,
stay off: they hang under whatever span is current — the relay job's — and end in
the client's batch thread after the flush.)

    >>> publisher = PubSubPublisher("my-project")   # the client is built on the first publish

Then, on Pub/Sub (or its emulator; the integration tests publish for real)::

    results = publisher.publish_many([("user.created", b"{}", {})], timeout=5)
"""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol, Sequence

from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

from . import metrics, tracing

Message = tuple[str, bytes, dict[str, str]]  # topic, data, attributes


class Publisher(Protocol):
    def publish_many(self, messages: Sequence[Message], timeout: float) -> list[BaseException | str]:
        """Publish all; for each message its message id or the error that stopped it."""
        ...


_UNREACHABLE = {"ServiceUnavailable", "DeadlineExceeded", "RetryError", "TimeoutError", "ConnectionError"}


def unreachable(error: BaseException) -> bool:
    """Whether a publish failed because Pub/Sub did not answer (rather than refusing the message)."""
    return type(error).__name__ in _UNREACHABLE or isinstance(error, (TimeoutError, ConnectionError))


class PubSubPublisher:
    """The real adapter. The client (≈0.3 s to import) is built on first publish, not at cold start."""

    def __init__(self, project_id: str):
        self._project_id = project_id
        self._client: Any = None
        self._lock = threading.Lock()

    def _get_client(self) -> Any:
        with self._lock:
            if self._client is None:
                from google.cloud import pubsub_v1  # type: ignore[attr-defined]

                self._client = pubsub_v1.PublisherClient()
            return self._client

    def prepare(self) -> None:
        """Build the client now (the runtime's warm-up), not on the first publish."""
        self._get_client()

    def publish_many(self, messages: Sequence[Message], timeout: float) -> list[BaseException | str]:
        """Publish all; each message is a PRODUCER span in its event's trace, whose context it carries on."""
        from google.api_core.retry import Retry

        client = self._get_client()
        retry = Retry(timeout=timeout)
        sent = []
        for topic, data, attributes in messages:
            span = _publish_span(topic, attributes)
            # The subscriber's span becomes a child of this publish, not of the request that wrote the event.
            with trace.use_span(span, end_on_exit=False):
                carried = {**attributes, **tracing.inject()}
            path = client.topic_path(self._project_id, topic)
            sent.append((topic, span, client.publish(path, data, retry=retry, timeout=timeout, **carried)))
        # One deadline for the whole batch: a publish that does not answer must not cost
        # `timeout` once per message.
        deadline = time.monotonic() + timeout
        results: list[BaseException | str] = []
        for topic, span, future in sent:
            try:
                message_id = str(future.result(timeout=max(0.0, deadline - time.monotonic())))
                span.set_attribute("messaging.message.id", message_id)
                results.append(message_id)
                metrics.messages_sent(topic, 1)
            except Exception as exc:  # noqa: BLE001 - each message's own failure is reported, not raised
                span.set_status(StatusCode.ERROR, type(exc).__name__)
                results.append(exc)
                metrics.messages_sent(topic, 1, error_type=type(exc).__name__)
            finally:
                span.end()
        return results


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
