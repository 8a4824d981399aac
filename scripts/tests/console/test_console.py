"""The console's pages and readers, on a stack state folder written here, and the reference document.

The browser tests (tests/browser) drive the same console on the real stack; these check
what each page makes of the files, the guards, and the pass-through, in a second.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from devstack.catalog import CONTRACTS_DIR, load_catalog
from devstack.console import metrics, reference, sources
from devstack.console.server import create_app
from devstack.stack.state import StackState
from wellness.platform.operations import document_operations
from wellness.platform.strict_yaml import read_yaml

pytestmark = pytest.mark.unit

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def _span(span: str, parent: str | None, name: str, service: str, start: str, ms: float) -> dict[str, Any]:
    return {
        "traceId": TRACE,
        "spanId": span,
        "parentSpanId": parent,
        "name": name,
        "service": service,
        "start": f"2026-11-30T10:00:{start}Z",
        "end": f"2026-11-30T10:00:{float(start) + ms / 1000:09.6f}Z",
        "durationMs": ms,
        "status": "UNSET",
        "attributes": {"http.response.status_code": 201},
    }


class _Gateway(BaseHTTPRequestHandler):
    """A stand-in gateway: answers with what it got, so the pass-through can be checked."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answer = json.dumps(
            {
                "path": self.path,
                "auth": self.headers.get("Authorization"),
                "cookie": self.headers.get("Cookie"),
                "body": body.decode(),
            }
        ).encode()
        self.send_response(201)
        for name, value in (("Content-Type", "application/json"), ("X-Request-Id", "r-1"), ("Set-Cookie", "x=1")):
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def state_dir(tmp_path: Path, gateway: str) -> Path:
    """A stack's state folder as `scripts/dev up` leaves it: state.json, logs, traces, mail."""
    state = StackState(tmp_path)
    state.gateway_url = gateway
    state.processes = {
        "auth-signup": {
            "pid": None,
            "pgid": None,
            "started": None,
            "log": str(tmp_path / "logs/auth-signup.log"),
            "kind": "function",
            "port": 4001,
            "url": "http://127.0.0.1:4001",
        },
    }
    (tmp_path / "logs").mkdir()
    state._save()
    (tmp_path / "logs/gateway.log").write_text(
        "gateway listening on http://127.0.0.1:8080\n"
        f"gateway POST /v1/auth/signup 201 41.2ms backend=http://127.0.0.1:4001/v1/auth/signup requestId=req-1 "
        f"traceId={TRACE}\n"
        "gateway GET /v1/programs/mindful-7 401 1.0ms backend=- requestId=req-2 traceId=-\n"
    )
    (tmp_path / "logs/auth-signup.log").write_text(
        '{"severity": "INFO", "message": "ok", "time": "t0"}\n'
        '{"severity": "ERROR", "message": "database is gone", "time": "2026-11-30T10:00:00Z"}\n'
        '{"severity": "INFO", "message": "later", "time": "t2"}\n'
    )
    spans = [
        _span("a1", "gw", "POST /v1/auth/signup", "auth-signup", "01.000000", 40),
        _span("b1", "a1", "apply user.created", "profile-on-user-created", "01.100000", 20),
        _span("b2", "a1", "apply user.created", "notifications-on-user-created", "01.050000", 30),
    ]
    (tmp_path / "traces.jsonl").write_text("\n".join(json.dumps(s) for s in spans) + '\n{"traceId": "torn')
    (tmp_path / "mail").mkdir()
    mail = EmailMessage()
    mail["To"], mail["Subject"], mail["Date"] = (
        "ada@example.com",
        "Reset your password",
        "Mon, 30 Nov 2026 10:00:00 +0000",
    )
    mail.set_content("Open https://app.wellness.invalid/reset-password?token=abc&x=1.\n")
    (tmp_path / "mail/00000000000000000001.eml").write_bytes(bytes(mail))
    return tmp_path


@pytest.fixture
def client(state_dir: Path) -> Any:
    return create_app(state_dir).test_client()


def test_the_processes_page_shows_each_process_with_its_last_error(client: Any) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "auth-signup" in page and "DEAD" in page  # no pid: not running
    assert "database is gone" in page and "/logs/auth-signup" in page
    assert client.get("/logs/auth-signup").status_code == 200
    assert client.get("/logs/nothing").status_code == 404


def test_requests_are_listed_newest_first_with_their_route_and_trace(client: Any) -> None:
    page = client.get("/requests").get_data(as_text=True)
    assert page.index("req-2") < page.index("req-1")
    assert "/v1/programs/{programId}" in page  # the contract's route for /v1/programs/mindful-7
    assert f"/traces/{TRACE}" in page


def test_a_trace_is_a_waterfall_of_its_spans_by_service(client: Any, state_dir: Path) -> None:
    found = sources.find_trace(state_dir / "traces.jsonl", TRACE)
    assert found is not None
    assert [bar.label for bar in found.bars] == ["POST /v1/auth/signup", "apply user.created", "apply user.created"]
    assert found.services == ["auth-signup", "notifications-on-user-created", "profile-on-user-created"]
    assert [bar.depth for bar in found.bars] == [0, 1, 1]
    assert found.bars[0].offset == 0 and found.bars[0].width == pytest.approx(100 * 40 / found.total_ms)
    page = client.get(f"/traces/{TRACE}").get_data(as_text=True)
    assert "profile-on-user-created" in page and "kind-subscriber" in page
    assert client.get("/traces/not-hex").status_code == 404


def test_mail_links_are_clickable(client: Any) -> None:
    page = client.get("/mail").get_data(as_text=True)
    link = "https://app.wellness.invalid/reset-password?token=abc&amp;x=1"
    assert f'<a href="{link}">{link}</a>.' in page


def test_without_prometheus_the_graphs_say_so(client: Any) -> None:
    assert "Prometheus not running" in client.get("/metrics").get_data(as_text=True)
    assert client.get("/api/graphs").get_json() == {
        "available": False,
        "reason": "Prometheus not running",
        "graphs": [],
    }


def test_the_pass_through_hands_the_call_to_the_gateway_and_nothing_else(client: Any) -> None:
    answer = client.post(
        "/gateway/v1/auth/login?x=1",
        json={"email": "a@example.com"},
        headers={"Authorization": "Bearer t", "Cookie": "console=1"},
    )
    assert answer.status_code == 201 and answer.headers["X-Request-Id"] == "r-1"
    assert "Set-Cookie" not in answer.headers
    got = answer.get_json()
    assert got["path"] == "/v1/auth/login?x=1" and got["auth"] == "Bearer t" and got["cookie"] is None
    assert json.loads(got["body"]) == {"email": "a@example.com"}


def test_only_local_hosts_and_same_site_posts_are_served(state_dir: Path) -> None:
    guarded = create_app(state_dir, port=8081).test_client()
    assert guarded.get("/", headers={"Host": "127.0.0.1:8081"}).status_code == 200
    assert guarded.get("/", headers={"Host": "rebound.example:8081"}).status_code == 421  # DNS rebinding
    cross = guarded.post(
        "/events/republish", headers={"Host": "127.0.0.1:8081", "Origin": "https://evil.example"}, data={}
    )
    assert cross.status_code == 403
    same = guarded.post("/gateway/v1/auth/login", headers={"Host": "127.0.0.1:8081", "Origin": "http://127.0.0.1:8081"})
    assert same.status_code == 201


def test_the_reference_page_embeds_the_document_and_serves_swagger_ui_from_the_package(client: Any) -> None:
    page = client.get("/reference").get_data(as_text=True)
    assert 'id="openapi"' in page and '"interactive": true' in page and "/reference/assets/swagger-ui-bundle.js" in page
    asset = client.get("/reference/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.get_data()) > 500_000
    asset.close()


def test_the_reference_document_is_the_contract_with_its_examples_tagged_by_domain() -> None:
    contract = read_yaml(CONTRACTS_DIR / "openapi.yaml")
    spec = reference.reference_spec(base_url="https://api.example.test/base")
    assert (spec["host"], spec["schemes"], spec["basePath"]) == ("api.example.test", ["https"], "/base")
    assert "x-google" not in json.dumps(spec) and "${" not in json.dumps(spec)
    assert spec["securityDefinitions"]["bearer"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": spec["securityDefinitions"]["bearer"]["description"],
    }
    domains = set(load_catalog().domains)
    ops = document_operations(spec)
    assert [op.operation_id for op in ops] == [op.operation_id for op in document_operations(contract)]
    assert all(len(op.spec["tags"]) == 1 and op.spec["tags"][0] in domains for op in ops)
    assert json.dumps(contract["definitions"]) == json.dumps(spec["definitions"])  # every example kept
    with pytest.raises(ValueError, match="http"):
        reference.reference_spec(base_url="gateway.example")


def test_the_static_page_inlines_everything_and_nothing_ends_its_scripts_early(tmp_path: Path) -> None:
    out = tmp_path / "reference.html"
    assert reference.main(["--out", str(out), "--base-url", "https://api.example.test"]) == 0
    page = out.read_text()
    assert "<script src" not in page and "<link" not in page  # nothing to fetch
    assert page.count("</script>") == 4 and page.count("</style>") == 2
    assert '"interactive": false' in page and "api.example.test" in page
    assert reference.swagger_ui_version() in page


def test_last_error_reads_tracebacks_too(tmp_path: Path) -> None:
    log = tmp_path / "x.log"
    log.write_text('Traceback (most recent call last):\n  File "main.py", line 1\nValueError: boom\nrestarted\n')
    assert sources.last_error(log) == {"time": "", "message": "ValueError: boom"}
    assert sources.last_error(tmp_path / "missing.log") is None


class _Prometheus(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        result = [{"metric": {"job": "auth-login"}, "values": [[1764500000, "0.5"], [1764500015, "NaN"]]}]
        body = json.dumps({"status": "success", "data": {"resultType": "matrix", "result": result}}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_graphs_come_from_prometheus_range_queries() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Prometheus)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        answer = metrics.range_graphs(f"http://127.0.0.1:{server.server_port}", minutes=5)
    finally:
        server.shutdown()
        server.server_close()
    assert answer["available"] and len(answer["graphs"]) == len(metrics.GRAPHS)
    assert answer["graphs"][0]["series"] == [{"label": "job=auth-login", "points": [[1764500000.0, 0.5]]}]
    gone = metrics.range_graphs("http://127.0.0.1:9", minutes=5)
    assert not gone["available"] and gone["reason"].startswith("Prometheus not running")
