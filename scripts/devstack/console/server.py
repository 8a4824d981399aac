"""The developer console: the local stack in a browser, on 127.0.0.1 only.

    python -m devstack.console.server --state-dir .local/dev --port 8081   (scripts/dev up starts it)

Pages (plain server-rendered HTML; a little JavaScript refreshes them and draws the graphs):

    /            the processes: state, port, last error, a link to each log
    /requests    the gateway's recent requests; each opens its trace as a waterfall
    /events      both outboxes' backlog and every dead-letter hold, with a re-publish button
    /mail        what the SMTP sink caught, links clickable
    /metrics     request rate, p95 latency, event lag and the outbox from the local Prometheus
    /reference   the API reference (Swagger UI) with a sign-in box; "Try it" calls the gateway
                 through /gateway/…, a same-origin pass-through (the API serves no CORS)

Everything is read from the stack's state folder (state.json, logs/, traces.jsonl,
mail/) and the emulators on each request. It answers only requests addressed to
127.0.0.1 or localhost (no DNS rebinding) and refuses cross-site POSTs, since the
pages carry reset links and the pass-through carries tokens.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import flask
import requests
from markupsafe import Markup
from werkzeug.serving import make_server

from devstack.catalog import CONTRACTS_DIR, FUNCTIONS_DIR, load_catalog
from devstack.console import events, metrics, reference, sources
from devstack.stack.layout import PROJECT
from devstack.stack.procs import LOCALHOST, serve_until_stopped
from devstack.stack.state import StackState
from wellness.platform.operations import document_operations

NAV = (
    ("functions", "functions"),
    ("requests_page", "requests"),
    ("events_page", "events"),
    ("mail", "mail"),
    ("metrics_page", "metrics"),
    ("reference_page", "API reference"),
)
# What the pass-through hands on, each way; the gateway adds the rest (request id, forwarding headers).
_TO_GATEWAY = ("Authorization", "Content-Type", "Accept", "X-Request-Id", "traceparent")
_FROM_GATEWAY = ("Content-Type", "X-Request-Id", "X-Trace-Id", "Retry-After", "WWW-Authenticate", "Allow")
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _routes(contracts_dir: Path) -> list[tuple[re.Pattern[str], str]]:
    from wellness.platform.strict_yaml import read_yaml  # PyYAML only once the console serves

    doc = read_yaml(contracts_dir / "openapi.yaml")
    out = []
    for path in dict.fromkeys(op.path for op in document_operations(doc)):
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))
        out.append((re.compile(f"^{pattern}/?$"), path))
    return out


def create_app(
    state_dir: Path,
    *,
    port: int | None = None,
    functions_dir: Path = FUNCTIONS_DIR,
    contracts_dir: Path = CONTRACTS_DIR,
) -> flask.Flask:
    """The console for the stack recorded in state_dir; port: the one it serves on (for the Host check)."""
    app = flask.Flask(__name__, static_folder=str(reference.STATIC), template_folder=str(reference.TEMPLATES))
    catalog = load_catalog(functions_dir, contracts_dir)
    routes = _routes(contracts_dir)
    allowed_hosts = {f"{LOCALHOST}:{port}", f"localhost:{port}"} if port else None
    http = requests.Session()
    http.trust_env = False  # the gateway is local: no proxy from the environment

    def state() -> StackState:
        found = StackState.load(state_dir)
        if found is None:
            flask.abort(503, f"no stack is recorded in {state_dir}: scripts/dev up")
        return found

    def render(template: str, page: str, refresh: int | None = None, **context: Any) -> str:
        current = StackState.load(state_dir)
        return flask.render_template(
            template,
            page=page,
            nav=NAV,
            refresh=refresh,
            gateway_url=current.gateway_url if current else None,
            **context,
        )

    @app.before_request
    def guard() -> flask.Response | None:
        if allowed_hosts is not None and flask.request.host not in allowed_hosts:
            return flask.Response("this console answers on 127.0.0.1 only\n", status=421, mimetype="text/plain")
        origin = flask.request.headers.get("Origin")
        if flask.request.method not in _SAFE_METHODS and origin and urlsplit(origin).netloc != flask.request.host:
            return flask.Response("cross-site request refused\n", status=403, mimetype="text/plain")
        return None

    @app.get("/")
    def functions() -> str:
        current = state()
        rows = sources.processes(current)
        kinds = {fn.name: fn.kind for fn in catalog.functions}
        for row in rows:
            row["function_kind"] = kinds.get(row["name"])
        return render("functions.html", "functions", refresh=5, rows=rows, state_dir=current.state_dir)

    @app.get("/logs/<name>")
    def logs(name: str) -> str:
        files = sources.log_names(state())
        if name not in files:
            flask.abort(404, f"no log named {name}")
        lines = flask.request.args.get("lines", default=300, type=int)
        text = "\n".join(sources.tail_lines(files[name], max(1, min(lines, 5000))))
        return render("logs.html", f"log {name}", refresh=3, name=name, text=text, names=sorted(files), lines=lines)

    @app.get("/requests")
    def requests_page() -> str:
        current = state()
        rows = sources.recent_requests(current)
        for row in rows:
            row["route"] = next((route for pattern, route in routes if pattern.match(row["path"])), row["path"])
        return render("requests.html", "requests", refresh=3, rows=rows)

    @app.get("/traces/<trace_id>")
    def trace(trace_id: str) -> str:
        if not re.fullmatch(r"[0-9a-fA-F]{32}", trace_id):
            flask.abort(404, "a trace id is 32 hex digits")
        current = state()
        found = sources.find_trace(current.state_dir / "traces.jsonl", trace_id)
        kinds = {fn.name: fn.kind for fn in catalog.functions}
        return render("trace.html", f"trace {trace_id[:8]}", refresh=3, trace=found, trace_id=trace_id, kinds=kinds)

    @app.get("/events")
    def events_page() -> str:
        current = state()
        backlog = events.outbox_backlog(current.database_url, current.firestore_host, PROJECT)
        holds = events.dead_letters(current.pubsub_host, PROJECT, catalog) if current.pubsub_host else []
        return render(
            "events.html",
            "events",
            refresh=5,
            backlog=backlog,
            holds=holds,
            preview=events.message_preview,
            done=flask.request.args.get("done"),
            failed=flask.request.args.get("failed"),
        )

    @app.post("/events/republish")
    def republish() -> Any:
        current = state()
        name = flask.request.form.get("subscription", "")
        message_id = flask.request.form.get("message", "")
        sub = next((s for s in catalog.subscriptions if s.name == name), None)
        if sub is None or not message_id or not current.pubsub_host:
            flask.abort(400, "say which subscription's hold and which message")
        try:
            new_id = events.republish(current.pubsub_host, PROJECT, sub, message_id)
        except events.HoldError as exc:
            return flask.redirect(flask.url_for("events_page", failed=str(exc)), code=303)
        done = f"re-published message {message_id} from {sub.dead_letter_hold} to {sub.topic} as message {new_id}"
        return flask.redirect(flask.url_for("events_page", done=done), code=303)

    @app.get("/mail")
    def mail() -> str:
        return render("mail.html", "mail", refresh=5, mails=sources.mails(state().state_dir / "mail"))

    @app.get("/metrics")
    def metrics_page() -> str:
        return render("metrics.html", "metrics", url=metrics.prometheus_url(state()), graphs=metrics.GRAPHS)

    @app.get("/api/graphs")
    def graphs() -> flask.Response:
        minutes = max(1, min(flask.request.args.get("minutes", default=15, type=int), 24 * 60))
        return flask.jsonify(metrics.range_graphs(metrics.prometheus_url(state()), minutes=minutes))

    @app.get("/reference")
    def reference_page() -> str:
        gateway = state().gateway_url
        spec = reference.reference_spec(base_url=gateway, contracts_dir=contracts_dir, functions_dir=functions_dir)
        config = {"interactive": True, "gatewayUrl": gateway, "proxy": "/gateway"}
        return render(
            "reference.html",
            "API reference",
            spec=Markup(reference.spec_json(spec)),  # noqa: S704 - JSON made safe for a <script> element
            config=Markup(json.dumps(config).replace("</", "<\\/")),  # noqa: S704 - the same
            version=reference.swagger_ui_version(),
        )

    @app.get("/reference/openapi.json")
    def reference_document() -> flask.Response:
        spec = reference.reference_spec(
            base_url=state().gateway_url, contracts_dir=contracts_dir, functions_dir=functions_dir
        )
        return flask.jsonify(spec)

    @app.get("/reference/assets/<name>")
    def swagger_asset(name: str) -> Any:
        return flask.send_from_directory(reference.swagger_ui_dir(), name, max_age=3600)

    @app.route("/gateway/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def gateway(rest: str) -> flask.Response:
        base = state().gateway_url
        if not base:
            flask.abort(503, "the gateway is not running")
        query = flask.request.query_string.decode()
        url = f"{base}/{rest}" + (f"?{query}" if query else "")
        headers = {k: v for k in _TO_GATEWAY if (v := flask.request.headers.get(k))}
        try:
            answer = http.request(flask.request.method, url, headers=headers, data=flask.request.get_data(), timeout=30)
        except requests.RequestException as exc:
            body = {"error": {"code": "gateway_unreachable", "message": str(exc)[:200], "details": [], "requestId": ""}}
            return flask.Response(json.dumps(body), status=502, mimetype="application/json")
        out = {k: v for k in _FROM_GATEWAY if (v := answer.headers.get(k))}
        return flask.Response(answer.content, status=answer.status_code, headers=out)

    @app.errorhandler(404)
    @app.errorhandler(400)
    @app.errorhandler(503)
    def error(exc: Any) -> tuple[str, int]:
        return render("error.html", "error", message=getattr(exc, "description", str(exc))), exc.code

    return app


def _warm_up() -> None:
    import google.cloud.firestore  # noqa: F401
    import sqlalchemy  # noqa: F401

    import wellness.platform.firestore.outbox  # noqa: F401
    import wellness.platform.postgres.outbox  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.console.server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--state-dir", type=Path, required=True, help="the stack's state folder (.local/dev)")
    parser.add_argument("--port", type=int, required=True, help="port on 127.0.0.1")
    parser.add_argument("--functions-dir", type=Path, default=FUNCTIONS_DIR)
    parser.add_argument("--contracts-dir", type=Path, default=CONTRACTS_DIR)
    args = parser.parse_args(argv)
    app = create_app(
        args.state_dir.resolve(), port=args.port, functions_dir=args.functions_dir, contracts_dir=args.contracts_dir
    )
    server = make_server(LOCALHOST, args.port, app, threaded=True)
    # The first events page would otherwise pay for SQLAlchemy, Firestore and Pub/Sub's imports.
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
    serve_until_stopped(server, "console", f"console listening on http://{LOCALHOST}:{args.port}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
