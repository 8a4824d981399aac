"""Publishing to Pub/Sub: the port and the real adapter (the fake is wellness_testing.fakes.FakePublisher).

The Python client retries a publish for up to 600 s by default; here every publish
has its own short timeout, so a caller (the relay) can leave the row pending and
move on when Pub/Sub is down.

    >>> publisher = PubSubPublisher("my-project")   # the client is built on the first publish
    >>> results = publisher.publish_many([("user.created", b"{}", {})], timeout=5)  # doctest: +SKIP
"""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol, Sequence

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

    def publish_many(self, messages: Sequence[Message], timeout: float) -> list[BaseException | str]:
        from google.api_core.retry import Retry

        client = self._get_client()
        retry = Retry(timeout=timeout)
        futures = []
        for topic, data, attributes in messages:
            path = client.topic_path(self._project_id, topic)
            futures.append(client.publish(path, data, retry=retry, timeout=timeout, **attributes))
        # One deadline for the whole batch: a publish that does not answer must not cost
        # `timeout` once per message.
        deadline = time.monotonic() + timeout
        results: list[BaseException | str] = []
        for future in futures:
            try:
                results.append(str(future.result(timeout=max(0.0, deadline - time.monotonic()))))
            except Exception as exc:  # noqa: BLE001 - each message's own failure is reported, not raised
                results.append(exc)
        return results
