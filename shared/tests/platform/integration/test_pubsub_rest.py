"""The REST publisher's own behaviour: per-topic outcomes on the real emulator, and what it tries again.

What every publisher does is the port's contract (ports/test_publisher.py); here, what
only the REST adapter decides: a refusal (a missing topic) is not "unreachable" and costs
the other topics nothing, and a "try again" status is tried again within the deadline,
counted on a loopback server that answers as told.
"""

from __future__ import annotations

import http.server
import json
import threading
import uuid
from collections.abc import Iterator

import pytest

from wellness.platform.pubsub import PublishRefused, PubSubPublisher, ServiceUnavailable, unreachable

PROJECT = "wellness-test"


@pytest.mark.integration
def test_a_missing_topic_is_refused_for_its_messages_only(
    pubsub_emulator: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", pubsub_emulator)
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    admin = pubsub_v1.PublisherClient()
    present, missing = f"present-{uuid.uuid4().hex[:8]}", f"missing-{uuid.uuid4().hex[:8]}"
    admin.create_topic(name=admin.topic_path(PROJECT, present))
    try:
        results = PubSubPublisher(PROJECT).publish_many(
            [(present, b"a", {}), (missing, b"b", {}), (present, b"c", {})], timeout=10
        )
    finally:
        admin.delete_topic(topic=admin.topic_path(PROJECT, present))
    assert isinstance(results[0], str) and isinstance(results[2], str) and results[0] != results[2]
    assert isinstance(results[1], PublishRefused) and not unreachable(results[1])
    assert "404" in str(results[1])


class Answers:
    """A loopback Pub/Sub that answers each publish with the next status in `statuses` (then 200)."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses, self.requests = statuses, 0


@pytest.fixture
def answering(monkeypatch: pytest.MonkeyPatch) -> Iterator[Answers]:
    answers = Answers([])

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the standard library's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            answers.requests += 1
            status = answers.statuses.pop(0) if answers.statuses else 200
            payload = {"messageIds": [str(n) for n in range(len(body["messages"]))]} if status == 200 else {}
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the standard library's name
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", f"127.0.0.1:{server.server_address[1]}")
    yield answers
    server.shutdown()
    server.server_close()


@pytest.mark.unit
def test_a_try_again_status_is_tried_again_within_the_deadline(answering: Answers) -> None:
    answering.statuses = [503, 429]
    results = PubSubPublisher(PROJECT).publish_many([("t", b"a", {}), ("t", b"b", {})], timeout=10)
    assert results == ["0", "1"] and answering.requests == 3


@pytest.mark.unit
def test_pubsub_that_only_says_try_again_is_unreachable_once_the_deadline_passes(answering: Answers) -> None:
    answering.statuses = [503] * 1000
    [result] = PubSubPublisher(PROJECT).publish_many([("t", b"a", {})], timeout=0.5)
    assert isinstance(result, ServiceUnavailable) and unreachable(result)
    assert 1 < answering.requests < 1000  # tried again with backoff, not in a tight loop


@pytest.mark.unit
def test_a_refusal_is_not_tried_again(answering: Answers) -> None:
    answering.statuses = [403]
    [result] = PubSubPublisher(PROJECT).publish_many([("t", b"a", {})], timeout=10)
    assert isinstance(result, PublishRefused) and not unreachable(result) and answering.requests == 1
