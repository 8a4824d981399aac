"""HTTP functions: one decorator that makes an endpoint correct by default.

`@endpoint("operationId", runtime)` wraps a handler so that every request gets a
request id (echoed in X-Request-Id), a log context and a trace span joined to the
caller's trace; its body, query and path parameters are checked against the
operation in contracts/openapi.yaml; the caller's identity is read for protected
operations; library errors become the JSON error body; anything unexpected is a
500 with no detail (the traceback is logged). The app's `X-Trace-Id` is recorded as
`clientTraceId` (span and logs); every answer carries `X-Trace-Id`, the server's
trace id, for support requests. Each request is measured
(`http.server.request.duration` by route) and telemetry is flushed, boundedly,
before returning.

    runtime = function_runtime("firestore")
    profiles = profile_service(runtime)

    @endpoint("profileGetMine", runtime)
    def handler(request: ApiRequest) -> ApiResponse:
        profile, etag = profiles.mine(request.user_id)
        return ApiResponse(200, profile, {"ETag": etag})
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import time
import uuid
from typing import Any, Callable, Mapping

import flask
from opentelemetry.trace import SpanKind

from . import idempotency, logs, metrics, revocation, smoke, tracing
from .answers import install_answer_headers
from .errors import AppError, MethodNotAllowedError, NotFoundError, UnavailableError, error_body
from .identity import Caller, Headers, caller_from_headers, check_forwarded_token
from .operations import Operation, check_parameters, operation, parse_body
from .runtime import Runtime
from .secrets import SecretError

log = logging.getLogger("wellness.http")
# The same rule as the gateway's: an id it passes on is kept, so one id follows a request.
_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,128}")


@dataclasses.dataclass(frozen=True)
class ApiRequest:
    body: Any
    params: Mapping[str, Any]  # query and path parameters, converted and checked
    caller: Caller | None
    request_id: str
    headers: Mapping[str, str]

    @property
    def user_id(self) -> str:
        """The caller's id (protected operations only)."""
        if self.caller is None:
            raise RuntimeError("this operation is public: there is no caller")
        return self.caller.user_id

    client_ip: str = ""  # the client's address by the trusted-hops rule (client_ip below)


def client_ip(forwarded_for: str | None, remote_addr: str | None, trusted_hops: int) -> str:
    """The client's address: the X-Forwarded-For entry `trusted_hops` places left of the last one.

    Each proxy appends the address it received the request from; entries left of the one
    the first trusted proxy wrote are the client's own word and may be anything. So the
    client is the (trusted_hops + 1)-th entry from the right, where trusted_hops counts the
    entries our own infrastructure appends after it (TRUSTED_PROXY_HOPS; 0 locally, where
    the local gateway appends the peer's address and nothing follows). Too small a count
    names one of our proxies (every client shares one throttle key: one client could lock
    everyone out); too large lets a client pick its own key. A header with fewer entries
    than the chain writes did not come through it: the peer's address is used.

    >>> client_ip("6.6.6.6, 203.0.113.9", "10.0.0.1", 0)
    '203.0.113.9'
    >>> client_ip("6.6.6.6, 203.0.113.9, 35.191.0.1, 10.1.0.7, 35.191.0.2", "10.0.0.1", 3)
    '203.0.113.9'
    >>> client_ip("203.0.113.9", "10.0.0.1", 3)
    '10.0.0.1'
    """
    entries = [entry.strip() for entry in (forwarded_for or "").split(",") if entry.strip()]
    index = len(entries) - 1 - trusted_hops
    if index < 0:
        return remote_addr or ""
    return entries[index]


def _forwarded_hops(forwarded_for: str | None) -> int:
    return len([entry for entry in (forwarded_for or "").split(",") if entry.strip()])


@dataclasses.dataclass(frozen=True)
class ApiResponse:
    status: int
    body: Any = None
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)


Handler = Callable[[ApiRequest], ApiResponse]
SECRET_RETRY_SECONDS = 30  # a secret without a version gets one from the deploy's next step, minutes away at most


def _request_id(headers: Headers) -> str:
    incoming = headers.get("X-Request-Id", "")
    return incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def _json_text(body: Any) -> str:
    return "" if body is None else json.dumps(body, separators=(",", ":"))


def _json_response(status: int, body: Any, request_id: str, headers: Mapping[str, str] | None = None) -> flask.Response:
    return _raw_response(status, _json_text(body).encode(), request_id, headers)


def _raw_response(status: int, payload: bytes, request_id: str, headers: Mapping[str, str] | None) -> flask.Response:
    # application/json even when empty: the contract `produces` it for every answer, and
    # Flask would otherwise label an empty 204 text/html.
    response = flask.Response(payload, status=status, content_type="application/json")
    response.headers["X-Request-Id"] = request_id
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _error_response(error: AppError, request_id: str) -> flask.Response:
    headers: dict[str, str] = {}
    retry_after = getattr(error, "retry_after_seconds", None)  # 429s, 503s, and 409 for a key still in progress
    if isinstance(retry_after, int):
        headers["Retry-After"] = str(retry_after)
    if isinstance(error, MethodNotAllowedError):
        headers["Allow"] = error.details[0]["allow"] if error.details else ""
    if error.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return _json_response(
        error.status, error_body(error.code, error.message, request_id, error.details), request_id, headers
    )


def _read_body(request: flask.Request, limit: int) -> bytes:
    """At most limit+1 bytes: enough to know it is too large without reading it all."""
    return request.stream.read(limit + 1) if request.content_length != 0 else b""


def _prepare(op: Operation, request: flask.Request, runtime: Runtime) -> ApiRequest:
    if request.method != op.method:
        raise MethodNotAllowedError("method_not_allowed", f"Use {op.method}.", [{"allow": op.method}])
    path_params = op.match_path(request.path)
    if path_params is None and request.path not in ("", "/"):
        raise NotFoundError("not_found", "No such resource.")
    headers = {k: v for k, v in request.headers.items()}
    caller = caller_from_headers(request.headers) if op.secured else None
    if caller is not None and runtime.settings.verify_forwarded_token:
        check_forwarded_token(request.headers, caller, runtime.token_verifier.verify)
    body = parse_body(
        op, _read_body(request, runtime.settings.max_body_bytes), request.content_type, runtime.settings.max_body_bytes
    )
    params = check_parameters(op, request.args.to_dict(), path_params or {})
    client = client_ip(request.headers.get("X-Forwarded-For"), request.remote_addr, runtime.settings.trusted_proxy_hops)
    return ApiRequest(body=body, params=params, caller=caller, request_id="", headers=headers, client_ip=client)


def _client_trace_id(headers: Headers) -> str | None:
    """The app's own x-trace-id, when it is a sane token (it goes into logs and spans as sent)."""
    value = headers.get("X-Trace-Id", "")
    return value if _REQUEST_ID.fullmatch(value) else None


def _serve(
    request: flask.Request,
    runtime: Runtime,
    span_name: str,
    work: Callable[[str], flask.Response],
    route: str | None = None,
) -> flask.Response:
    """The frame every HTTP function shares: request id, log context, span, error mapping, access log, flush."""
    started = time.perf_counter()
    request_id = _request_id(request.headers)
    client_trace_id = _client_trace_id(request.headers)
    response: flask.Response | None = None
    with (
        logs.request_context(requestId=request_id, **({"clientTraceId": client_trace_id} if client_trace_id else {})),
        tracing.tracer().start_as_current_span(
            span_name, context=tracing.extract(dict(request.headers)), kind=SpanKind.SERVER
        ) as span,
    ):
        span.set_attribute("http.request.method", request.method)
        span.set_attribute("url.path", request.path)
        if route:
            span.set_attribute("http.route", route)
        if client_trace_id:
            span.set_attribute("clientTraceId", client_trace_id)
        try:
            response = work(request_id)
        except AppError as error:
            response = _error_response(error, request_id)
        except SecretError as error:
            # Secrets are read on first use, so a function starts before its secret has a version
            # (a first release adds them after the apply); until then the request that needs one
            # is unavailable, not broken. The message names the secret, never a value.
            log.error("secret unavailable: %s", error)
            response = _error_response(UnavailableError(retry_after_seconds=SECRET_RETRY_SECONDS), request_id)
        except Exception:  # noqa: BLE001 - the one place an unexpected error becomes a plain 500
            log.exception("unhandled error")
            response = _json_response(
                500, error_body("internal", "Something went wrong on our side.", request_id), request_id
            )
        span.set_attribute("http.response.status_code", response.status_code)
        trace_id = tracing.trace_id()
        if trace_id:
            response.headers["X-Trace-Id"] = trace_id
        forwarded = request.headers.get("X-Forwarded-For")
        logs.access_log(
            log,
            method=request.method,
            url=request.url,
            status=response.status_code,
            latency_seconds=time.perf_counter() - started,
            request_size=request.content_length or 0,
            response_size=response.content_length or 0,
            user_agent=request.headers.get("User-Agent", ""),
            remote_ip=client_ip(forwarded, request.remote_addr, runtime.settings.trusted_proxy_hops),
            forwarded_hops=_forwarded_hops(forwarded),
        )
    metrics.http_request(
        request.method, route, response.status_code, time.perf_counter() - started, trigger="http" if route else "timer"
    )
    tracing.flush()
    return response


def install_json_errors() -> None:
    """Make functions-framework's own 404/405 (paths its router refuses, /favicon.ico) JSON too.

    functions-framework exposes `errorhandler` for the app it is building while main.py
    is imported; outside create_app (unit tests) it is a no-op stand-in.
    """
    import functions_framework

    def answer(error: Exception) -> flask.Response:
        status = getattr(error, "code", 404) or 404
        request_id = _request_id(flask.request.headers)
        code, message = ("not_found", "No such resource.") if status == 404 else ("method_not_allowed", "Not allowed.")
        return _json_response(status, error_body(code, message, request_id), request_id)

    register = functions_framework.errorhandler
    building = getattr(register, "__self__", None)
    if getattr(building, "_got_first_request", False):
        return  # the app that was being built already serves (a test process that built several apps)
    for status in (404, 405):
        register(status)(answer)


def _once(
    op: Operation, runtime: Runtime, request: flask.Request, prepared: ApiRequest, handler: Handler
) -> flask.Response | None:
    """Serve an Idempotency-Key request at most once (wellness.platform.idempotency); None without a key."""
    raw_key = request.headers.get(idempotency.HEADER)
    if raw_key is None or not op.declares_header(idempotency.HEADER):
        return None
    key = idempotency.IdempotentRequest(
        op.operation_id,
        prepared.caller.user_id if prepared.caller else "",
        idempotency.check_key(raw_key),
        idempotency.fingerprint(op.method, request.path, prepared.body, prepared.params),
    )
    request_id = prepared.request_id

    def handle() -> idempotency.Answer:
        result = handler(prepared)
        return idempotency.Answer(result.status, _json_text(result.body), dict(result.headers))

    def error_answer(error: AppError) -> idempotency.Answer:
        sent = _error_response(error, request_id)
        kept = {k: v for k in idempotency.REPLAYED_HEADERS if (v := sent.headers.get(k)) is not None}
        return idempotency.Answer(sent.status_code, sent.get_data(as_text=True), kept)

    answer = idempotency.serve_once(
        runtime.idempotency_keys,
        key,
        handle,
        error_answer,
        lease_seconds=runtime.settings.idempotency_lease_seconds,
        ttl_seconds=runtime.settings.idempotency_ttl_seconds,
    )
    return _raw_response(answer.status, answer.body.encode(), request_id, answer.headers)


def endpoint(operation_id: str, runtime: Runtime) -> Callable[[Handler], Callable[[flask.Request], flask.Response]]:
    """Serve one operation of contracts/openapi.yaml with `handler`.

    An operation that declares the `Idempotency-Key` header is served at most once per key
    (wellness.platform.idempotency), its keys kept in the function's own store. For a
    protected operation, every unit of work that commits refuses a caller whose session
    has ended (wellness.platform.revocation).
    """
    op = operation(operation_id)  # an unknown operation fails at import, not at the first request
    if op.declares_header(idempotency.HEADER) and runtime.idempotency_store is None:
        raise RuntimeError(f"{operation_id} takes {idempotency.HEADER}: its function needs postgres or firestore")
    install_json_errors()
    install_answer_headers()

    def decorate(handler: Handler) -> Callable[[flask.Request], flask.Response]:
        def serve(request: flask.Request) -> flask.Response:
            def work(request_id: str) -> flask.Response:
                prepared = dataclasses.replace(_prepare(op, request, runtime), request_id=request_id)
                claims = prepared.caller.claims if prepared.caller else None
                with revocation.acting_for(claims), smoke.in_lane_of(claims):
                    once = _once(op, runtime, request, prepared, handler)
                    if once is not None:
                        return once
                    result = handler(prepared)
                return _json_response(result.status, result.body, request_id, result.headers)

            return _serve(request, runtime, f"{op.method} {op.path}", work, route=op.path)

        serve.__name__ = serve.__qualname__ = handler.__name__
        metrics.handler_ready()
        serve.__doc__ = handler.__doc__
        return serve

    return decorate


def job(runtime: Runtime) -> Callable[[Callable[[], Mapping[str, Any]]], Callable[[flask.Request], flask.Response]]:
    """A function that Cloud Scheduler calls (not routed by the gateway): POST runs it, 200 with its summary."""
    install_json_errors()
    install_answer_headers()

    def decorate(run: Callable[[], Mapping[str, Any]]) -> Callable[[flask.Request], flask.Response]:
        def serve(request: flask.Request) -> flask.Response:
            def work(request_id: str) -> flask.Response:
                if request.method != "POST":
                    raise MethodNotAllowedError("method_not_allowed", "Use POST.", [{"allow": "POST"}])
                return _json_response(200, dict(run()), request_id)

            return _serve(request, runtime, f"job {runtime.settings.function_name}", work)

        serve.__name__ = serve.__qualname__ = run.__name__
        metrics.handler_ready()
        return serve

    return decorate
