"""The forwarding half of the local gateway: headers in, the backend call, headers out.

Usage::

    headers = forward_headers(request, "req-1", payload)
    status, headers, body = forward(session, operation, "GET", url, headers, b"", "req-1")
"""

from __future__ import annotations

import json
import secrets
import sys
import time
from http import HTTPStatus

import requests
import urllib3
from werkzeug.wrappers import Request

from devstack.gateway.spec import Operation

USERINFO_HEADER = "X-Apigateway-Api-Userinfo"
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
# Never taken from the client: identity headers only the gateway may vouch for (the functions trust
# them), and the ones the gateway sets itself.
_FROM_GATEWAY_ONLY = frozenset(
    {
        "host",
        "content-length",
        "expect",
        "authorization",
        "x-forwarded-authorization",
        USERINFO_HEADER.lower(),
        "x-endpoint-api-userinfo",
        "x-request-id",
        "x-forwarded-for",
        "x-forwarded-proto",
    }
)
_READ_CHUNK = 64 * 1024
BACKEND_RETRIES = 1  # ESPv2's --backend_retry_num default


class GatewayError(Exception):
    """An answer the gateway gives itself instead of the backend's."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def error_body(code: str, message: str, request_id: str) -> bytes:
    """The API's error body (contracts/openapi.yaml `Error`)."""
    return json.dumps({"error": {"code": code, "message": message, "details": [], "requestId": request_id}}).encode()


def forward_headers(request: Request, request_id: str, payload: str | None) -> dict[str, str]:
    """The client's headers as API Gateway hands them to the backend."""
    named = {t.strip().lower() for t in request.headers.get("Connection", "").split(",")}
    headers = {
        name: value
        for name, value in request.headers.items()
        if name.lower() not in HOP_BY_HOP | named | _FROM_GATEWAY_ONLY
    }
    # The cloud gateway puts its own identity token in Authorization (to invoke the private
    # function) and hands the client's on, unverified on public routes, in X-Forwarded-Authorization.
    if request.headers.get("Authorization"):
        headers["X-Forwarded-Authorization"] = request.headers["Authorization"]
    if payload is not None:
        headers[USERINFO_HEADER] = payload
    headers["X-Request-Id"] = request_id
    if "traceparent" not in request.headers and "X-Cloud-Trace-Context" not in request.headers:
        trace, span = secrets.randbits(128) or 1, secrets.randbits(64) or 1
        headers["traceparent"] = f"00-{trace:032x}-{span:016x}-01"
        headers["X-Cloud-Trace-Context"] = f"{trace:032x}/{span};o=1"
    forwarded_for = request.headers.get("X-Forwarded-For")
    remote = request.remote_addr or "unknown"
    headers["X-Forwarded-For"] = f"{forwarded_for}, {remote}" if forwarded_for else remote
    headers["X-Forwarded-Proto"] = request.scheme
    return headers


def forward(
    session: requests.Session,
    operation: Operation,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
    request_id: str,
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Send the request to the backend; its status line, headers and body, or a GatewayError."""
    deadline = operation.backend.deadline
    started = time.monotonic()
    unavailable = GatewayError(503, "backend_unavailable", "The backend is unavailable.")
    timed_out = GatewayError(504, "backend_timeout", "The backend did not answer in time.")
    # API Gateway's proxy is Envoy (ESPv2), which retries a backend once when the connection fails
    # or is reset before an answer (ESPv2's --backend_retry_ons default "reset,connect-failure,
    # refused-stream", --backend_retry_num 1). So does this gateway. Under load it matters: a
    # kept-alive connection that the function's server closes (gunicorn's keep-alive, 2 s) just as
    # a request goes out on it gets no answer, and without the retry the app would see a 503 that
    # the cloud never shows it (scripts/load found one in ~1,700 requests at 100 users).
    for attempt in range(1 + BACKEND_RETRIES):
        left = deadline - (time.monotonic() - started)
        try:
            response = session.request(
                method,
                url,
                data=body or None,
                headers=headers,
                timeout=(left, left),
                allow_redirects=False,
                stream=True,
            )
            break
        except (requests.ConnectTimeout, requests.ConnectionError) as exc:
            # (a ConnectTimeout is a Timeout too; as Envoy: "upstream connect error", a 503)
            if attempt == BACKEND_RETRIES or time.monotonic() - started >= deadline:
                raise unavailable from None
            print(f"gateway: {method} {url}: {type(exc).__name__}; retrying once [{request_id}]", file=sys.stderr)
        except requests.Timeout:
            raise timed_out from None
        except requests.RequestException:
            raise unavailable from None
    try:
        chunks = []
        # Raw bytes, not decoded: a gzip body goes back gzip, with its Content-Encoding.
        while chunk := response.raw.read(_READ_CHUNK, decode_content=False):
            chunks.append(chunk)
            if time.monotonic() - started > deadline:
                raise timed_out  # the deadline covers the whole answer, not each socket read
    except urllib3.exceptions.ReadTimeoutError:
        raise timed_out from None
    except (urllib3.exceptions.HTTPError, OSError):
        raise unavailable from None
    finally:
        response.close()
    content = b"".join(chunks)
    raw_headers = response.raw.headers
    named = {t.strip().lower() for t in raw_headers.get("Connection", "").split(",")}
    out = [
        (k, v)
        for k, v in raw_headers.iteritems()
        if k.lower() not in HOP_BY_HOP | named | {"content-length", "x-request-id"}
    ]
    if method == "HEAD":
        if "Content-Length" in raw_headers:
            out.append(("Content-Length", raw_headers["Content-Length"]))
    elif response.status_code >= 200 and response.status_code not in (204, 304):
        out.append(("Content-Length", str(len(content))))
    out.append(("X-Request-Id", request_id))
    return f"{response.status_code} {response.reason or phrase(response.status_code)}", out, content


def phrase(status: int) -> str:
    """The reason phrase for a status line; backends may answer with codes Python has no name for."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
