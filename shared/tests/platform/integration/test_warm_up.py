"""The runtime's warm-up on the real Pub/Sub emulator: the publisher's session built ahead of the first publish.

The warm-up runs in a thread of the worker gunicorn forks; if it fails, the first
publish builds its session lazily as before. Counted, never timed: how much it saves is
measured by scripts/bench-cold-start.
"""

from __future__ import annotations

from typing import Callable

import pytest

from wellness.platform.pubsub import PubSubPublisher
from wellness.platform.runtime import Runtime

pytestmark = pytest.mark.integration


def test_the_warm_up_builds_the_publisher_s_session_and_leaves_the_stores_lazy(
    runtime_for: Callable[..., Runtime],
) -> None:
    runtime = runtime_for("postgres", "pubsub", "firestore")
    runtime.needs, runtime.warm_publisher = ("postgres", "pubsub", "firestore"), True

    runtime.warm_up()

    publisher = runtime.publisher
    assert isinstance(publisher, PubSubPublisher) and publisher._session is not None
    assert not {"engine", "firestore"} & set(runtime.__dict__)
    assert publisher.publish_many([], timeout=5) == []  # the built session serves the first publish


def test_a_failed_warm_up_leaves_the_session_to_the_first_publish(
    runtime_for: Callable[..., Runtime], monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = runtime_for("pubsub")
    runtime.needs, runtime.warm_publisher = ("pubsub",), True
    publisher = runtime.publisher
    assert isinstance(publisher, PubSubPublisher)
    monkeypatch.setattr(publisher, "prepare", lambda: (_ for _ in ()).throw(RuntimeError("no credentials yet")))

    runtime.warm_up()  # does not raise

    assert publisher._session is None
    assert publisher.publish_many([], timeout=5) == [] and publisher._session is not None
