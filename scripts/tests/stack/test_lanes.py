"""The lanes on the emulator: the smoke's messages are taken by the candidate's subscription only.

The emulator keeps each subscription's filter but does not apply it (it pushes every
message through both lanes), so the library's subscriber takes only its lane's, by the
subscription each push names (wellness.platform.smoke.filtered_out). This checks that the
pushes name what the rule reads, and what it leaves each lane.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from google.pubsub_v1.types import PubsubMessage

from devstack.catalog import load_catalog
from devstack.stack.pubsub_setup import admin_clients, setup_topology
from wellness.platform.smoke import filtered_out

pytestmark = pytest.mark.integration


class Recorder(ThreadingHTTPServer):
    """A push endpoint that acks and remembers the event ids it would apply (its lane's)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Push)
        self.received: list[str] = []
        self.through: set[str] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Push(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert isinstance(self.server, Recorder)
        attributes = body["message"]["attributes"]
        self.server.through.add(body["subscription"].rsplit("/", 1)[1])
        if not filtered_out(body["subscription"], attributes):
            self.server.received.append(attributes["eventId"])
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def endpoints() -> Iterator[tuple[Recorder, Recorder]]:
    live, candidate = Recorder(), Recorder()
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (live, candidate)]
    for thread in threads:
        thread.start()
    yield live, candidate
    for server in (live, candidate):
        server.shutdown()
        server.server_close()


def test_the_candidate_lane_takes_the_smokes_messages_and_the_live_lane_every_other(
    pubsub_emulator: str, endpoints: tuple[Recorder, Recorder]
) -> None:
    live, candidate = endpoints
    catalog = load_catalog()
    sub = next(s for s in catalog.subscriptions if s.topic == "task.completed")
    project = f"lanes-test-{os.getpid()}"  # its own project: the session emulator is shared
    setup_topology(pubsub_emulator, project, catalog, {sub.function: live.url}, {sub.function: candidate.url})
    publisher, subscriber = admin_clients(pubsub_emulator)
    try:
        topic = f"projects/{project}/topics/{sub.topic}"
        messages = [
            PubsubMessage(data=b"{}", attributes={"eventId": "user-1"}),
            PubsubMessage(data=b"{}", attributes={"eventId": "smoke-1", "smoke": "true"}),
            PubsubMessage(data=b"{}", attributes={"eventId": "user-2", "traceparent": "x"}),
            PubsubMessage(data=b"{}", attributes={"eventId": "smoke-2", "smoke": "true"}),
        ]
        publisher.publish(topic=topic, messages=messages)
        want = (["user-1", "user-2"], ["smoke-1", "smoke-2"])
        for _ in range(400):  # bounded by polls, not by the clock
            if (sorted(live.received), sorted(candidate.received)) == want:
                break
            time.sleep(0.05)
        assert (sorted(live.received), sorted(candidate.received)) == want
        assert (live.through, candidate.through) == ({f"{sub.name}.live"}, {f"{sub.name}.candidate"})
    finally:
        publisher.transport.close()
        subscriber.transport.close()
