"""The service runners: process groups, PostgreSQL, the gcloud emulators, one function."""

from __future__ import annotations

import http.server as http_server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from devstack.stack.procs import (
    ServiceError,
    group_members,
    live_groups,
    pid_alive,
    port_open,
    spawn,
    start_time,
    stop_group,
    stop_groups,
)
from devstack.stack.services import Emulator, FunctionProcess, PostgresCluster, emulators_available, free_port


@pytest.mark.unit
def test_free_port_can_be_bound() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
    assert not port_open(port)


@pytest.mark.unit
def test_free_port_never_repeats() -> None:
    ports = [free_port() for _ in range(40)]
    assert len(set(ports)) == len(ports)


@pytest.mark.unit
def test_postgres_binaries_fall_back_to_the_pgserver_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from devstack.stack import postgres

    monkeypatch.setattr(postgres.shutil, "which", lambda _name: None)
    monkeypatch.setattr(postgres.glob, "glob", lambda _pattern: [])
    monkeypatch.setattr(postgres.importlib.util, "find_spec", lambda _name: None)
    with pytest.raises(ServiceError, match="pip install pgserver"):
        postgres.find_bindir()

    bundled = tmp_path / "pgserver" / "pginstall" / "bin"
    bundled.mkdir(parents=True)
    (bundled / "pg_ctl").touch()
    (tmp_path / "pgserver" / "__init__.py").touch()
    spec = type("Spec", (), {"origin": str(tmp_path / "pgserver" / "__init__.py")})()
    monkeypatch.setattr(postgres.importlib.util, "find_spec", lambda name: spec if name == "pgserver" else None)
    assert postgres.find_bindir() == bundled


@pytest.mark.unit
def test_stop_group_takes_the_children_along(tmp_path: Path) -> None:
    # Like the gcloud wrapper and its Java child: stopping the parent alone would orphan the child.
    popen = spawn(
        [sys.executable, "-c", "import subprocess,time; subprocess.Popen(['sleep','60']); time.sleep(60)"],
        tmp_path / "tree.log",
    )
    deadline = time.monotonic() + 5
    while len(group_members(popen.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(group_members(popen.pid)) == 2
    stop_group(popen.pid, popen=popen)
    assert group_members(popen.pid) == []
    assert popen.returncode is not None


@pytest.mark.unit
def test_stop_groups_leaves_a_reused_pid_alone(tmp_path: Path) -> None:
    popen = spawn(["sleep", "60"], tmp_path / "sleep.log")
    started = start_time(popen.pid)
    assert started is not None and pid_alive(popen.pid, started)
    stop_groups([(popen.pid, started + 1)])  # what a stale state.json would say about a reused pid
    assert pid_alive(popen.pid)
    stop_groups([(popen.pid, started)], popens=[popen])
    assert not live_groups([popen.pid])


@pytest.mark.integration
def test_postgres_cluster_starts_answers_keeps_data_and_stops() -> None:
    pg8000 = pytest.importorskip("pg8000.native")
    state_dir = Path(tempfile.mkdtemp(prefix="wellness-test-cluster-"))
    cluster = PostgresCluster(state_dir)
    try:
        port = free_port()
        assert cluster.start(port) == f"postgresql+pg8000://postgres@127.0.0.1:{port}/wellness"
        conn = pg8000.Connection("postgres", host="127.0.0.1", port=port, database="wellness")
        assert conn.run("SELECT current_database(), 1 + 1") == [["wellness", 2]]
        conn.run("CREATE TABLE kept (id int)")
        conn.close()
        postmaster = cluster.postmaster_pid()
        assert postmaster and pid_alive(postmaster)

        cluster.stop()
        assert not pid_alive(postmaster)
        assert not port_open(port)

        port = free_port()  # a restart on another port finds the same data
        cluster.start(port)
        conn = pg8000.Connection("postgres", host="127.0.0.1", port=port, database="wellness")
        assert conn.run("SELECT count(*) FROM kept") == [[0]]
        conn.close()
    finally:
        cluster.stop()
        cluster.remove()
    assert not state_dir.exists()


@pytest.mark.integration
def test_emulators_start_answer_and_stop_with_their_java_child(tmp_path: Path) -> None:
    ok, reason = emulators_available()
    if not ok:
        pytest.skip(reason)
    emulators = [
        Emulator(kind, free_port(), "wellness-test", tmp_path / f"{kind}.log") for kind in ("pubsub", "firestore")
    ]
    try:
        for emulator in emulators:  # both boot side by side
            emulator.start()
        for emulator in emulators:
            emulator.wait_ready(90)
            assert emulator.answers()
            assert emulator.host == f"127.0.0.1:{emulator.port}"
        groups = {emulator.kind: emulator.pid or 0 for emulator in emulators}
        for kind, pgid in groups.items():
            commands = [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in group_members(pgid)]
            assert any(b"java" in cmd for cmd in commands), f"no Java process in the {kind} emulator's group"
    finally:
        for emulator in emulators:
            emulator.stop()
    for emulator in emulators:
        assert group_members(groups[emulator.kind]) == []
        assert not port_open(emulator.port)


@pytest.mark.integration
def test_emulator_rejects_a_taken_port(tmp_path: Path) -> None:
    if not emulators_available()[0]:
        pytest.skip(emulators_available()[1])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        with pytest.raises(ServiceError, match="already taken"):
            Emulator("pubsub", sock.getsockname()[1], "p", tmp_path / "x.log").start()


STAND_IN = """
import json, os, sys
def handler(request):
    return json.dumps({"function": os.environ["FUNCTION_NAME"], "cwd": os.getcwd(), "path": sys.path}), 200
"""


@pytest.mark.integration
def test_function_process_serves_and_stops(tmp_path: Path) -> None:
    (tmp_path / "hello").mkdir()
    (tmp_path / "hello" / "main.py").write_text(STAND_IN)
    fn = FunctionProcess(
        "hello",
        free_port(),
        {"FUNCTION_NAME": "hello", "PYTHONPATH": "/somewhere/shared"},
        tmp_path / "hello.log",
        functions_dir=tmp_path,
    )
    try:
        fn.start()  # returns once the port accepts connections
        # The master binds before its worker is forked: the first request may wait a moment.
        with urllib.request.urlopen(fn.url + "/anything", timeout=10) as resp:  # noqa: S310 (local URL)
            body = json.loads(resp.read())
        assert body["function"] == "hello"
        assert body["cwd"] == str(tmp_path / "hello")
        assert "/somewhere/shared" in body["path"]
        pgid = fn.pid
    finally:
        fn.stop()
    assert pgid and group_members(pgid) == []


@pytest.mark.integration
def test_function_process_that_crashes_reports_its_log(tmp_path: Path) -> None:
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "main.py").write_text("raise RuntimeError('settings missing: JWT_ISSUER')\n")
    fn = FunctionProcess("broken", free_port(), {}, tmp_path / "broken.log", functions_dir=tmp_path)
    try:
        with pytest.raises(ServiceError) as info:
            fn.start()
        assert "exited" in str(info.value)
        assert "settings missing: JWT_ISSUER" in info.value.details()
    finally:
        fn.stop()


@pytest.mark.integration
def test_scheduler_posts_to_each_url_and_survives_errors() -> None:
    hits: list[tuple[str, bytes, str]] = []

    class Handler(http_server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hits.append((self.path, body, self.headers["Content-Type"]))
            self.send_response(500 if len(hits) == 1 else 200)  # one failure must not stop the schedule
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http_server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/relay"
        dead = f"http://127.0.0.1:{free_port()}/"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "devstack.stack.scheduler",
                "--url",
                url,
                "--url",
                dead,
                "--interval",
                "0.1",
                "--ticks",
                "3",
                "--timeout",
                "2",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            env=_scripts_env(),
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr
    assert hits == [("/relay", b"{}", "application/json")] * 3
    assert result.stdout.count(f"{dead} failed") == 1  # logged once, not every tick
    assert "HTTP 500" in result.stdout and "answers again" in result.stdout


def _scripts_env() -> dict[str, str]:
    scripts = Path(__file__).resolve().parents[2]
    return {**os.environ, "PYTHONPATH": f"{scripts}{os.pathsep}{scripts.parent / 'shared'}"}
