"""The publisher's contract, run against FakePublisher and against PubSubPublisher on the Pub/Sub emulator."""

from __future__ import annotations

import socket
import uuid
from typing import Any, Callable, Iterator

import pytest

from wellness.platform.pubsub import Message, PubSubPublisher, unreachable
from wellness_testing.fakes import FakePublisher

PROJECT = "wellness-test"
Received = tuple[bytes, dict[str, str]]


class Harness:
    """A publisher, what reached `topic`, and a publisher that cannot reach Pub/Sub."""

    def __init__(self, publisher: Any, topic: str, received: Callable[[int], list[Received]], down: Callable[[], Any]):
        self.publisher, self.topic, self.received, self.down = publisher, topic, received, down


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def harness(backend: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    topic = f"contract-{uuid.uuid4().hex[:8]}"
    if backend == "fake":
        fake = FakePublisher()

        def failing() -> FakePublisher:
            fake.fail = True
            return fake

        yield Harness(fake, topic, lambda n: [(d, a) for t, d, a in fake.messages if t == topic], failing)
        return
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", request.getfixturevalue("pubsub_emulator"))
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    admin, subscriber = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    admin.create_topic(name=admin.topic_path(PROJECT, topic))
    subscription = subscriber.subscription_path(PROJECT, topic)
    subscriber.create_subscription(name=subscription, topic=admin.topic_path(PROJECT, topic))

    def received(expected: int) -> list[Received]:
        got: list[Received] = []
        for _ in range(10):  # bounded by pulls, not by time
            response = subscriber.pull(subscription=subscription, max_messages=50, timeout=5)
            got += [(m.message.data, dict(m.message.attributes)) for m in response.received_messages]
            if response.received_messages:
                subscriber.acknowledge(
                    subscription=subscription, ack_ids=[m.ack_id for m in response.received_messages]
                )
            if len(got) >= expected:
                break
        return got

    def down() -> PubSubPublisher:
        monkeypatch.setenv("PUBSUB_EMULATOR_HOST", f"127.0.0.1:{closed_port()}")
        return PubSubPublisher(PROJECT)  # its client is built on its first publish, from the variable

    yield Harness(PubSubPublisher(PROJECT), topic, received, down)
    subscriber.delete_subscription(subscription=subscription)
    admin.delete_topic(topic=admin.topic_path(PROJECT, topic))


def test_each_message_gets_its_own_id_and_arrives_with_its_data_and_attributes(harness: Harness) -> None:
    messages: list[Message] = [(harness.topic, f"m{n}".encode(), {"eventId": f"e{n}"}) for n in range(3)]
    results = harness.publisher.publish_many(messages, timeout=10)
    assert all(isinstance(r, str) and r for r in results) and len(set(results)) == 3
    arrived = harness.received(3)
    assert sorted(data for data, _ in arrived) == [b"m0", b"m1", b"m2"]
    assert sorted(attributes["eventId"] for _, attributes in arrived) == ["e0", "e1", "e2"]


def test_pubsub_out_of_reach_is_an_unreachable_error_per_message_never_a_raise(harness: Harness) -> None:
    messages: list[Message] = [(harness.topic, b"lost", {}), (harness.topic, b"lost too", {})]
    results = harness.down().publish_many(messages, timeout=1)
    assert len(results) == 2 and all(isinstance(r, BaseException) and unreachable(r) for r in results)
