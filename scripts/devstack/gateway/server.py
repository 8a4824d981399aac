"""The local stand-in for Google API Gateway, driven by the same (rendered) OpenAPI 2.0 document.

It routes by `paths`, checks access tokens as `securityDefinitions` say, and
forwards to each operation's `x-google-backend` with the headers the cloud
gateway adds (X-Apigateway-Api-Userinfo, X-Forwarded-Authorization,
X-Request-Id, trace context, X-Forwarded-For/-Proto). Its own errors use the
API's JSON error body. Every answer, the backend's or its own, carries
ANSWER_HEADERS (`X-Content-Type-Options: nosniff`). Developer machines and CI only.

    $ PYTHONPATH=scripts:shared .venv/bin/python -m devstack.gateway.server --spec /tmp/openapi.yaml --port 8080
    gateway listening on http://127.0.0.1:8080

or in-process::

    app = create_app(load_yaml(rendered, "openapi.rendered.yaml"))
    server = make_gateway_server(app, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request

from devstack.gateway.auth import Authenticator, AuthError
from devstack.gateway.proxy import GatewayError, error_body, forward, forward_headers, phrase
from devstack.gateway.spec import Operation, RouteTable, normalize_path
from devstack.stack.procs import serve_until_stopped
from wellness.platform.strict_yaml import read_yaml

_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,128}")
# Set on every answer (replacing a backend's own value): a browser never sniffs a type from a body.
ANSWER_HEADERS = (("X-Content-Type-Options", "nosniff"),)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}")
_CLOUD_TRACE = re.compile(r"^([0-9a-fA-F]{32})/")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclasses.dataclass
class _Exchange:
    request_id: str
    backend: str = "-"
    trace_id: str = "-"


class Gateway:
    """A WSGI app; one instance serves one rendered document."""

    def __init__(self, spec: dict[str, Any], *, jwks_cache_seconds: float, jwks_cooldown_seconds: float = 30.0):
        self.routes = RouteTable.from_spec(spec)
        self._session = requests.Session()
        # No proxies, .netrc credentials or default headers: the backend sees the client's headers only.
        self._session.trust_env = False
        self._session.headers.clear()
        self._auth = Authenticator(jwks_cache_seconds=jwks_cache_seconds, cooldown_seconds=jwks_cooldown_seconds)

    def close(self) -> None:
        """Close pooled backend connections."""
        self._session.close()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.monotonic()
        exchange = _Exchange(request_id=uuid.uuid4().hex)
        path = "-"
        try:
            request = Request(environ)
            client_id = request.headers.get("X-Request-Id", "")
            if _REQUEST_ID.fullmatch(client_id):
                exchange.request_id = client_id
            path, query = _request_target(environ)
            status, headers, body = self._handle(request, path, query, exchange)
        except GatewayError as exc:
            status, headers, body = _error(exc, exchange.request_id)
        except Exception:  # noqa: BLE001 - the one place any bug becomes a 502 JSON answer, not an HTML 500
            traceback.print_exc(file=sys.stderr)
            failure = GatewayError(502, "gateway_error", "The gateway failed to handle the request.")
            status, headers, body = _error(failure, exchange.request_id)
        latency = (time.monotonic() - started) * 1000
        method = environ.get("REQUEST_METHOD", "-")
        # The path only: query strings can carry credentials, and the Authorization header is never logged.
        sys.stderr.write(
            f"gateway {method} {_CONTROL.sub('?', path)} {status.split()[0]} {latency:.1f}ms "
            f"backend={exchange.backend} requestId={exchange.request_id} traceId={exchange.trace_id}\n"
        )
        sys.stderr.flush()
        named = {name.lower() for name, _ in ANSWER_HEADERS}
        start_response(status, [h for h in headers if h[0].lower() not in named] + list(ANSWER_HEADERS))
        # A HEAD answer has the GET answer's headers and no body, also when the gateway answers itself.
        return [] if method == "HEAD" else [body]

    def _handle(
        self, request: Request, raw_path: str, query: str, exchange: _Exchange
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        # Read the body up front: closing a socket with an unread upload resets it before the client sees a 401.
        body = request.get_data(cache=False)
        path = normalize_path(raw_path)
        found = self.routes.match(path)
        if found is None:
            raise GatewayError(404, "not_found", "The current request is not defined by this API.")
        route, params = found
        operation = route.operations.get(request.method)
        if operation is None:
            raise GatewayError(405, "method_not_allowed", "The method is not allowed.", {"Allow": route.allow})
        payload = self._authenticate(operation, request)
        url = operation.backend_url(path, params, query)
        exchange.backend = url.split("?", 1)[0]
        headers = forward_headers(request, exchange.request_id, payload)
        exchange.trace_id = trace_id(headers)
        return forward(self._session, operation, request.method, url, headers, body, exchange.request_id)

    def _authenticate(self, operation: Operation, request: Request) -> str | None:
        if operation.public:
            return None
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        challenge = {"WWW-Authenticate": "Bearer"}
        if scheme.lower() != "bearer" or not token:
            raise GatewayError(401, "unauthenticated", "A bearer access token is required.", challenge)
        failure = "The access token is not valid."
        for alternative in operation.security:
            try:
                payload = None
                for provider in alternative:
                    payload = self._auth.verify(token, provider)
                return payload
            except AuthError as exc:
                failure = str(exc)
        raise GatewayError(401, "unauthenticated", failure, challenge)


def trace_id(headers: dict[str, str]) -> str:
    """The trace the request is forwarded in (its traceparent, else X-Cloud-Trace-Context), or "-".

    >>> trace_id({"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"})
    '4bf92f3577b34da6a3ce929d0e0e4736'
    """
    found = _TRACEPARENT.match(headers.get("traceparent", "")) or _CLOUD_TRACE.match(
        headers.get("X-Cloud-Trace-Context", "")
    )
    return found.group(1).lower() if found else "-"


def _request_target(environ: dict[str, Any]) -> tuple[str, str]:
    """The path and query exactly as the client sent them (PATH_INFO is already percent-decoded)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw and raw.startswith("/"):
        path, _, query = raw.partition("?")
        return path, query.partition("#")[0]
    if raw:  # absolute-form target ("GET http://host/path HTTP/1.1")
        parts = urlsplit(raw)
        return parts.path or "/", parts.query
    path = quote(environ.get("PATH_INFO", "").encode("latin-1"), safe="/:@!$&'()*+,;=-._~")
    return path or "/", environ.get("QUERY_STRING", "")


def _error(exc: GatewayError, request_id: str) -> tuple[str, list[tuple[str, str]], bytes]:
    body = error_body(exc.code, exc.message, request_id)
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("X-Request-Id", request_id)]
    return f"{exc.status} {phrase(exc.status)}", headers + list(exc.headers.items()), body


class _JsonErrorHandler(WSGIRequestHandler):
    """Werkzeug's handler, minus its access log (ours is richer and omits queries) and its HTML error pages."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # Reached for requests too malformed to get to the app (bad request line, oversized headers).
        request_id = uuid.uuid4().hex
        text = phrase(code)
        body = error_body(text.lower().replace(" ", "_").replace("-", "_"), text, request_id)
        self.log_error("code %d, message %s", code, message)
        self.close_connection = True
        self.send_response(code, text)
        for name, value in (
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("X-Request-Id", request_id),
            ("Connection", "close"),
            *ANSWER_HEADERS,
        ):
            self.send_header(name, value)
        self.end_headers()
        if getattr(self, "command", None) != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)


def create_app(
    spec: dict[str, Any], *, jwks_cache_seconds: float = 300, jwks_cooldown_seconds: float = 30.0
) -> Gateway:
    """The gateway for one rendered OpenAPI 2.0 document; raises SpecError for what it cannot serve."""
    return Gateway(spec, jwks_cache_seconds=jwks_cache_seconds, jwks_cooldown_seconds=jwks_cooldown_seconds)


def make_gateway_server(app: WSGIApp, host: str = "127.0.0.1", port: int = 0) -> BaseWSGIServer:
    """A threaded server for the app (port 0 picks a free one: see `server.server_port`)."""
    return make_server(host, port, app, threaded=True, request_handler=_JsonErrorHandler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.gateway.server", description="The local API gateway.")
    parser.add_argument("--spec", required=True, type=Path, help="a rendered OpenAPI 2.0 document (YAML or JSON)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--jwks-cache-seconds", type=float, default=300)
    args = parser.parse_args(argv)
    app = create_app(read_yaml(args.spec), jwks_cache_seconds=args.jwks_cache_seconds)
    server = make_gateway_server(app, args.host, args.port)
    try:
        serve_until_stopped(server, "gateway", f"gateway listening on http://{args.host}:{server.server_port}")
    finally:
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
