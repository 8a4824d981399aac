"""The local stack: Pub/Sub topology, function_env, traces, and Stack end to end.

Stack is driven here with stand-ins (three tiny functions, a migration, a seed and a
gateway written below) so these tests check the orchestration, not the product;
the product's own end-to-end tests use the `local_stack` fixture.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from devstack.catalog import load_catalog
from devstack.stack.layout import SCRIPTS_DIR, SHARED_DIR, Layout, function_env
from devstack.stack.procs import live_groups, port_open
from devstack.stack.services import emulators_available, free_port
from devstack.stack.traces import format_traces

if TYPE_CHECKING:
    from devstack.stack.stack import Stack

# -- pubsub_setup -------------------------------------------------------------------


@pytest.mark.integration
def test_pubsub_setup_creates_the_topology_idempotently(pubsub_emulator: str) -> None:
    from devstack.stack.pubsub_setup import LANES, admin_clients, lane_subscription, setup_topology

    catalog = load_catalog()
    project = f"setup-test-{os.getpid()}"  # its own project: the session emulator is shared
    urls = {sub.function: f"http://127.0.0.1:9{i:03d}" for i, sub in enumerate(catalog.subscriptions)}
    first = setup_topology(pubsub_emulator, project, catalog, urls)
    expected_topics = set(catalog.topics) | {sub.dead_letter_topic for sub in catalog.subscriptions}
    assert set(first.created) >= expected_topics

    publisher, subscriber = admin_clients(pubsub_emulator)
    try:
        topics = {t.name.rsplit("/", 1)[1] for t in publisher.list_topics(project=f"projects/{project}")}
        assert topics == expected_topics
        subs = {s.name.rsplit("/", 1)[1]: s for s in subscriber.list_subscriptions(project=f"projects/{project}")}
        for sub in catalog.subscriptions:
            hold = subs[sub.dead_letter_hold]
            assert hold.topic.endswith(f"/topics/{sub.dead_letter_topic}") and not hold.push_config.push_endpoint
            for lane, message_filter in LANES.items():  # no candidate runs: both lanes go to the live process
                push = subs[lane_subscription(sub, lane)]
                assert push.filter == message_filter
                assert push.push_config.push_endpoint == urls[sub.function]
                dead_letters = f"projects/{project}/topics/{sub.dead_letter_topic}"
                assert push.dead_letter_policy.dead_letter_topic == dead_letters
                assert push.dead_letter_policy.max_delivery_attempts == sub.max_delivery_attempts
                assert push.retry_policy.minimum_backoff.seconds == sub.minimum_backoff_seconds
                assert push.retry_policy.maximum_backoff.seconds == sub.maximum_backoff_seconds
                assert push.ack_deadline_seconds == sub.ack_deadline_seconds

        again = setup_topology(pubsub_emulator, project, catalog, urls)
        assert again.created == [] and again.updated == []

        moved = {name: url.replace("127.0.0.1:9", "127.0.0.1:8") for name, url in urls.items()}
        changed = setup_topology(pubsub_emulator, project, catalog, moved)
        lanes = [lane_subscription(sub, lane) for sub in catalog.subscriptions for lane in LANES]
        assert sorted(changed.updated) == sorted(lanes)
        for sub in catalog.subscriptions:
            for lane in LANES:
                name = f"projects/{project}/subscriptions/{lane_subscription(sub, lane)}"
                assert subscriber.get_subscription(subscription=name).push_config.push_endpoint == moved[sub.function]
    finally:
        publisher.transport.close()
        subscriber.transport.close()


@pytest.mark.integration
def test_pubsub_setup_skips_push_subscriptions_of_functions_not_running(pubsub_emulator: str) -> None:
    from devstack.stack.pubsub_setup import setup_topology

    catalog = load_catalog()
    report = setup_topology(pubsub_emulator, f"skip-test-{os.getpid()}", catalog, {})
    assert sorted(report.skipped) == sorted(sub.name for sub in catalog.subscriptions)
    assert set(report.created) >= set(catalog.topics)


# -- function_env and traces ----------------------------------------------------------


@pytest.mark.unit
def test_function_env_holds_what_the_functions_read(tmp_path: Path) -> None:
    env = function_env(
        "auth-login",
        database_url="postgresql+pg8000://postgres@127.0.0.1:1/wellness",
        pubsub_host="127.0.0.1:2",
        firestore_host="127.0.0.1:3",
        keyset_json='{"keys": []}',
        state_dir=tmp_path,
    )
    assert env["FUNCTION_NAME"] == "auth-login"
    assert env["GOOGLE_CLOUD_PROJECT"] == "wellness-local" and env["APP_ENV"] == "local"
    assert env["SECRETS_BACKEND"] == "env" and env["SECRET_JWT_SIGNING_KEYS"] == '{"keys": []}'
    assert (env["JWT_ISSUER"], env["JWT_AUDIENCE"]) == ("wellness-local", "wellness-app")
    assert env["TRACE_EXPORTER"] == "file" and env["TRACE_FILE"] == str(tmp_path / "traces.jsonl")
    assert env["PYTHONPATH"] == str(SHARED_DIR)
    assert "FUNCTION_NAME" not in function_env(
        None, database_url="x", pubsub_host="y", firestore_host="z", keyset_json="{}", state_dir=tmp_path
    )


def _span(trace: str, span: str, parent: str | None, name: str, service: str, start: str, ms: float) -> str:
    return json.dumps(
        {
            "traceId": trace,
            "spanId": span,
            "parentSpanId": parent,
            "name": name,
            "service": service,
            "start": f"2026-01-01T00:00:{start}Z",
            "end": "",
            "durationMs": ms,
            "status": "UNSET",
            "attributes": {"http.response.status_code": 201},
        }
    )


@pytest.mark.unit
def test_traces_print_as_trees_without_the_relay_ticks(tmp_path: Path) -> None:
    path = tmp_path / "traces.jsonl"
    path.write_text(
        "\n".join(
            [
                _span("aaaa1111", "s1", "gateway-span", "POST /v1/auth/signup", "auth-signup", "01.000000", 12.5),
                _span("aaaa1111", "s3", "s1", "apply user.created", "profile-on-user-created", "01.200000", 30),
                _span("aaaa1111", "s2", "s1", "INSERT outbox", "auth-signup", "01.100000", 2),
                _span("bbbb2222", "r1", None, "job outbox-relay", "outbox-relay", "02.000000", 3),
                '{"traceId": "torn',
            ]
        )
        + "\n"
    )
    text = format_traces(path, quiet_services=["outbox-relay"])
    assert "bbbb2222" not in text
    lines = text.splitlines()
    assert lines[0].startswith("trace aaaa1111") and "3 span(s)" in lines[0]
    assert [line.split(" [")[0].split("ms  ")[1] for line in lines[1:]] == [
        "POST /v1/auth/signup",
        "  INSERT outbox",
        "  apply user.created",
    ]
    assert "http.response.status_code=201" in lines[1]
    assert "job outbox-relay" in format_traces(path, "bbbb")
    assert "no trace cccc" in format_traces(path, "cccc")
    assert "no spans" in format_traces(tmp_path / "missing.jsonl")


# -- Stack with stand-ins -----------------------------------------------------------

CATALOG = """
defaults: {memory: 256Mi, timeout: 30, max_instances: 1}
functions:
  auth-jwks: {kind: http, domain: auth, route: GET /v1/auth/jwks, stores: [], secrets: [], cold_start_ms: 1000}
  outbox-relay: {kind: job, domain: platform, schedule: "* * * * *", stores: [postgres, pubsub], secrets: []}
  thing-on-event: {kind: subscriber, domain: things, topic: thing.happened, stores: [pubsub], secrets: []}
"""
TOPICS = """
defaults: {ack_deadline_seconds: 10, max_delivery_attempts: 5, minimum_backoff_seconds: 1, maximum_backoff_seconds: 5}
topics:
  thing.happened: {}
"""
OPENAPI = """
swagger: "2.0"
x-issuer: "${jwt_issuer}"
x-audience: "${jwt_audience}"
paths:
  /v1/auth/jwks:
    get:
      x-google-backend: {address: "${backend_auth_jwks}"}
"""
# Each stand-in appends what it received to hits.log beside it, which the test reads.
FUNCTION = """
import json, os
from pathlib import Path
def handler(request):
    with open(Path(__file__).parent / "hits.log", "a") as fh:
        fh.write(request.get_data(as_text=True) + "\\n")
    keys = ("FUNCTION_NAME", "APP_ENV", "DATABASE_URL", "PUBSUB_EMULATOR_HOST", "JWT_ISSUER")
    return {"keys": [], "env": {k: os.environ.get(k) for k in keys}}
"""
MIGRATE = """
import os, sqlalchemy
from pathlib import Path
with sqlalchemy.create_engine(os.environ["DATABASE_URL"]).connect() as conn:
    conn.execute(sqlalchemy.text("SELECT 1"))
(Path(os.environ["TRACE_FILE"]).parent / "migrated").write_text(os.environ["DATABASE_URL"])
"""
SEED = """
import os
from pathlib import Path
(Path(os.environ["TRACE_FILE"]).parent / "seeded").write_text("yes")
"""
GATEWAY = """
import argparse, urllib.request, yaml
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
parser = argparse.ArgumentParser()
for flag in ("--spec", "--host", "--port"):
    parser.add_argument(flag)
args = parser.parse_args()
paths = yaml.safe_load(open(args.spec))["paths"]
class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        address = paths[self.path]["get"]["x-google-backend"]["address"]
        body = urllib.request.urlopen(address + self.path).read()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
server = ThreadingHTTPServer((args.host, int(args.port)), Handler)
print(f"gateway listening on http://{args.host}:{args.port}", flush=True)
server.serve_forever()
"""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())


@pytest.fixture
def stand_in_layout(tmp_path: Path) -> Layout:
    _write(tmp_path / "functions" / "catalog.yaml", CATALOG)
    for name in ("auth-jwks", "outbox-relay", "thing-on-event"):
        _write(tmp_path / "functions" / name / "main.py", FUNCTION)
    _write(tmp_path / "contracts" / "topics.yaml", TOPICS)
    _write(tmp_path / "contracts" / "openapi.yaml", OPENAPI)
    _write(tmp_path / "tools" / "standin_migrate.py", MIGRATE)
    _write(tmp_path / "tools" / "standin_seed.py", SEED)
    _write(tmp_path / "tools" / "standin_gateway.py", GATEWAY)
    return Layout(
        functions_dir=tmp_path / "functions",
        contracts_dir=tmp_path / "contracts",
        tool_path=(tmp_path / "tools", SCRIPTS_DIR, SHARED_DIR),
        migrate_module="standin_migrate",
        seed_module="standin_seed",
        gateway_module="standin_gateway",
    )


def _hits(layout: Layout, name: str) -> list[str]:
    path = layout.functions_dir / name / "hits.log"
    return path.read_text().splitlines() if path.exists() else []


def _wait(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _publish(host: str, data: bytes) -> None:
    from google.pubsub_v1.types import PubsubMessage

    from devstack.stack.pubsub_setup import admin_clients

    publisher, subscriber = admin_clients(host)
    try:
        publisher.publish(topic="projects/wellness-local/topics/thing.happened", messages=[PubsubMessage(data=data)])
    finally:
        publisher.transport.close()
        subscriber.transport.close()


def _cli(state_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SCRIPTS_DIR), str(SHARED_DIR)])}
    return subprocess.run(
        [sys.executable, "-m", "devstack", "--state-dir", str(state_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.integration
def test_stack_up_outage_and_down_with_stand_ins(
    tmp_path: Path, stand_in_layout: Layout, postgres_url: str, firestore_emulator: str
) -> None:
    from devstack.stack.stack import Stack, StackError

    if not emulators_available()[0]:
        pytest.skip(emulators_available()[1])
    state_dir = tmp_path / "state"
    lines: list[str] = []
    stack = Stack(
        state_dir,
        free_port(),
        domains=["auth", "things"],
        database_url=postgres_url,
        firestore_host=firestore_emulator,
        layout=stand_in_layout,
        relay_interval=0.2,
        progress=lines.append,
    )
    stack.up()
    try:
        # platform (the relay) came along because a selected function publishes
        assert sorted(stack.urls) == ["auth-jwks", "outbox-relay", "thing-on-event"]
        assert lines and all(line.startswith("[") for line in lines)
        with urllib.request.urlopen(f"{stack.gateway_url}/v1/auth/jwks", timeout=10) as resp:  # noqa: S310
            env = json.loads(resp.read())["env"]
        assert env == {
            "FUNCTION_NAME": "auth-jwks",
            "APP_ENV": "local",
            "DATABASE_URL": postgres_url,
            "PUBSUB_EMULATOR_HOST": stack.pubsub_host,
            "JWT_ISSUER": "wellness-local",
        }
        assert stack.env["FIRESTORE_EMULATOR_HOST"] == firestore_emulator
        assert (state_dir / "migrated").read_text() == postgres_url and (state_dir / "seeded").exists()
        assert "${" not in (state_dir / "openapi.rendered.yaml").read_text()
        _wait(lambda: len(_hits(stand_in_layout, "outbox-relay")) >= 2)  # the scheduler ticks the job
        assert set(_hits(stand_in_layout, "outbox-relay")) == {"{}"}

        pubsub_host = stack.pubsub_host or ""
        _publish(pubsub_host, b"first")
        live = "projects/wellness-local/subscriptions/thing-on-event.live"

        def pushed_through() -> set[str]:
            pushes = [json.loads(hit) for hit in _hits(stand_in_layout, "thing-on-event") if "Zmlyc3Q=" in hit]
            assert all(base64.b64decode(push["message"]["data"]) == b"first" for push in pushes)
            return {push["subscription"] for push in pushes}

        # The emulator pushes through both lanes (it ignores filters); the subscriber library keeps to its own.
        _wait(lambda: live in pushed_through())
        assert pushed_through() <= {live, "projects/wellness-local/subscriptions/thing-on-event.candidate"}

        status = _cli(state_dir, "status")
        assert status.returncode == 0, status.stdout + status.stderr
        assert "thing-on-event" in status.stdout and "DEAD" not in status.stdout
        assert f"console                          console    up    {stack.console_url}" in status.stdout
        with urllib.request.urlopen(f"{stack.console_url}/", timeout=10) as resp:  # noqa: S310
            assert "thing-on-event" in resp.read().decode()  # the console reads this stack's state
        again = _cli(state_dir, "up")
        assert again.returncode == 0 and "already up" in again.stdout
        with pytest.raises(StackError, match="already recorded"):
            Stack(state_dir, layout=stand_in_layout).up()

        port = int(pubsub_host.rsplit(":", 1)[1])
        stack.stop_pubsub()
        assert not port_open(port)
        stack.start_pubsub()  # same port, topology recreated: delivery works again
        _publish(pubsub_host, b"second")
        _wait(lambda: any("c2Vjb25k" in hit for hit in _hits(stand_in_layout, "thing-on-event")))
        groups = [rec["pgid"] for rec in stack.processes.values()]
    finally:
        stack.down()
    assert not live_groups(groups)
    assert not (state_dir / "state.json").exists()
    assert (state_dir / "jwt-keyset.json").exists()  # data stays unless --clean
    assert _cli(state_dir, "status").returncode == 1


@pytest.mark.integration
def test_stack_that_fails_to_start_stops_everything_and_shows_the_log(
    tmp_path: Path, stand_in_layout: Layout, postgres_url: str
) -> None:
    from devstack.stack.stack import Stack, StackError

    _write(stand_in_layout.functions_dir / "auth-jwks" / "main.py", "raise SystemExit('no JWT_ISSUER here')\n")
    stack = Stack(
        tmp_path / "state",
        free_port(),
        domains=["auth"],
        database_url=postgres_url,
        pubsub_host="127.0.0.1:1",
        firestore_host="127.0.0.1:2",
        layout=stand_in_layout,
    )
    with pytest.raises(StackError, match="no JWT_ISSUER here"):
        stack.up()
    assert stack.processes == {} and not (tmp_path / "state" / "state.json").exists()


@pytest.mark.e2e
def test_local_stack_serves_the_jwks_through_the_gateway(local_stack: Stack) -> None:
    with urllib.request.urlopen(f"{local_stack.gateway_url}/v1/auth/jwks", timeout=10) as resp:  # noqa: S310
        assert resp.status == 200
        assert json.loads(resp.read())["keys"]
    assert local_stack.function_url("auth-jwks").startswith("http://127.0.0.1:")
