"""JSON logs in Cloud Logging's structured format: one object per line on stdout.

Each line has severity, message, time (RFC 3339, UTC), logger, function, the fields
bound by `request_context` (requestId, ...), the trace fields Cloud Logging uses to
group a request's lines under its trace (when a span is current), and any
`extra={"fields": {...}}`. `logger.exception` also puts the traceback in
`stack_trace` and appends it to message, as Error Reporting expects. Tracebacks go to
logs only, never into a response.

Redaction, applied to every line before it is written:

- a field whose key, compared case-insensitively with `-` and `_` removed, contains
  password, passwd, secret, token, authorization, cookie, apikey or privatekey, or
  is exactly text, body or mailbody (journal text, mail bodies), has its value
  replaced by "[REDACTED]", at any depth of dicts and lists (context fields, extra
  fields, httpRequest);
- in the message, the stack trace and every string value, anything shaped like a
  JWT (`eyJ...` then two more base64url segments, dot-separated) becomes
  "[REDACTED]" and `Bearer <credential>` becomes "Bearer [REDACTED]";
- in access_log's URL, query parameters named like a secret keep their name and
  lose their value.

A function configures its logs once, at import, then binds the request's fields
around each request (configure replaces the root logger's handlers, so this is
prose rather than a doctest)::

    configure("journal-create")
    with request_context(requestId="r-1"):
        logging.getLogger(__name__).info("saved", extra={"fields": {"entryId": "e-9"}})
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import logging
import os
import re
import sys
import types
from collections.abc import Iterator, Mapping
from typing import IO, Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from . import tracing
from .clock import timestamp

REDACTED = "[REDACTED]"
_SECRET_KEY_PARTS = ("password", "passwd", "secret", "token", "authorization", "cookie", "apikey", "privatekey")
_CONTENT_KEYS = frozenset({"text", "body", "mailbody"})
_BEARER = re.compile(r"\b(Bearer)\s+[^\s\"',;]+", re.IGNORECASE)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_MAX_DEPTH = 12  # deeper structures are cut, which also guards against reference cycles
_TRACE = "logging.googleapis.com/trace"
_SPAN = "logging.googleapis.com/spanId"
_SAMPLED = "logging.googleapis.com/trace_sampled"

_context: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "wellness_log_context", default=types.MappingProxyType({})
)


def configure(
    function_name: str, level: str = "INFO", *, project_id: str | None = None, stream: IO[str] | None = None
) -> None:
    """Send every log record to stdout (or `stream`) as one JSON line; safe to call again.

    Usage (in a function's module, at import)::

        configure("auth-login", "DEBUG")
    """
    handler = logging.StreamHandler(stream if stream is not None else sys.stdout)
    handler.setFormatter(JsonFormatter(function_name, project_id or os.environ.get("GOOGLE_CLOUD_PROJECT")))
    root = logging.getLogger()
    # Replacing (not adding) makes this idempotent and drops the plain-text handler that
    # functions-framework installs with LOG_EXECUTION_ID, whose dictConfig also sets the
    # root to WARNING and disables every logger that existed before it ran.
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for existing in list(logging.root.manager.loggerDict.values()):
        if isinstance(existing, logging.Logger):
            existing.disabled = False


@contextlib.contextmanager
def request_context(**fields: Any) -> Iterator[Mapping[str, Any]]:
    """Bind fields (requestId, ...) to every line logged inside; nested contexts merge.

    Context variables are per thread, so each gthread request sees only its own fields;
    work handed to another thread or executor does not inherit them.

    >>> with request_context(requestId="r-1"), request_context(userId="u-2") as bound:
    ...     dict(bound)
    {'requestId': 'r-1', 'userId': 'u-2'}
    """
    merged = types.MappingProxyType({**_context.get(), **fields})
    token = _context.set(merged)
    try:
        yield merged
    finally:
        _context.reset(token)


def access_log(
    logger: logging.Logger,
    *,
    method: str,
    url: str,
    status: int,
    latency_seconds: float,
    request_size: int | None,
    response_size: int | None,
    user_agent: str | None,
    remote_ip: str | None,
    protocol: str = "HTTP/1.1",
    forwarded_hops: int | None = None,
) -> None:
    """Log one request with Cloud Logging's `httpRequest` (INFO, 4xx WARNING, 5xx ERROR).

    >>> import io
    >>> written = io.StringIO()
    >>> handler = logging.StreamHandler(written)
    >>> handler.setFormatter(JsonFormatter("me-get"))
    >>> log = logging.getLogger("doctest.access_log")
    >>> log.propagate = False
    >>> log.addHandler(handler)
    >>> access_log(log, method="GET", url="/v1/me?token=x", status=404, latency_seconds=0.012,
    ...            request_size=0, response_size=512, user_agent="app/1.0", remote_ip="203.0.113.9")
    >>> line = json.loads(written.getvalue())
    >>> line["severity"], line["httpRequest"]["requestUrl"], line["httpRequest"]["latency"]
    ('WARNING', '/v1/me?token=[REDACTED]', '0.012s')
    >>> log.removeHandler(handler)
    """
    http: dict[str, Any] = {
        "requestMethod": method,
        "requestUrl": redact_url(url),
        "status": status,
        "requestSize": None if request_size is None else str(request_size),
        "responseSize": None if response_size is None else str(response_size),
        "userAgent": user_agent,
        "remoteIp": remote_ip,
        "latency": _duration(latency_seconds),
        "protocol": protocol,
    }
    http = {key: value for key, value in http.items() if value is not None}
    level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
    fields: dict[str, Any] = {"httpRequest": http}
    if forwarded_hops is not None:  # how many X-Forwarded-For entries came (never their addresses): see client_ip
        fields["forwardedHops"] = forwarded_hops
    logger.log(level, "%s %s %s", method, http["requestUrl"], status, extra={"fields": fields})


def redact(value: Any, _depth: int = 0) -> Any:
    """A copy of value with secret-named fields, JWTs and bearer credentials replaced.

    >>> redact({"user": {"passwordHash": "x", "note": "Bearer abc"}, "body": "dear diary"})
    {'user': {'passwordHash': '[REDACTED]', 'note': 'Bearer [REDACTED]'}, 'body': '[REDACTED]'}
    """
    if isinstance(value, str):
        return _JWT.sub(REDACTED, _BEARER.sub(rf"\1 {REDACTED}", value))
    if _depth >= _MAX_DEPTH:
        return "[TRUNCATED]"
    if isinstance(value, Mapping):
        return {
            str(key): REDACTED if _is_secret_key(str(key)) else redact(item, _depth + 1) for key, item in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(item, _depth + 1) for item in value]
    return value


def redact_url(url: str) -> str:
    """The URL with the values of secret-named query parameters replaced; the rest kept as sent.

    >>> redact_url("/v1/verify?email=a%40b.c&token=abc123")
    '/v1/verify?email=a%40b.c&token=[REDACTED]'
    """
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parts.query.split("&")
    kept = [_redact_pair(pair) for pair in pairs]
    # Rebuild only when something changed, so a clean URL is logged byte for byte.
    return url if kept == pairs else urlunsplit(parts._replace(query="&".join(kept)))


def _redact_pair(pair: str) -> str:
    name = pair.partition("=")[0]
    return f"{name}={REDACTED}" if _is_secret_key(unquote_plus(name)) else pair


def _is_secret_key(key: str) -> bool:
    folded = key.lower().replace("-", "").replace("_", "")
    return folded in _CONTENT_KEYS or any(part in folded for part in _SECRET_KEY_PARTS)


def _duration(seconds: float) -> str:
    # google.protobuf.Duration's JSON form: seconds with up to 9 decimals and an "s".
    return f"{max(seconds, 0.0):.9f}".rstrip("0").rstrip(".") + "s"


def _severity(levelno: int) -> str:
    for threshold, name in ((50, "CRITICAL"), (40, "ERROR"), (30, "WARNING"), (20, "INFO")):
        if levelno >= threshold:
            return name
    return "DEBUG"


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of Cloud Logging structured JSON, redacted.

    >>> record = logging.makeLogRecord({"name": "auth", "levelno": logging.WARNING, "msg": "refused %s",
    ...                                 "args": ("Bearer abc",), "fields": {"password": "hunter2", "userId": "u1"}})
    >>> line = json.loads(JsonFormatter("auth-login", "my-project").format(record))
    >>> line["severity"], line["message"], line["password"], line["userId"], line["function"]
    ('WARNING', 'refused Bearer [REDACTED]', '[REDACTED]', 'u1', 'auth-login')
    """

    def __init__(self, function_name: str, project_id: str | None = None) -> None:
        super().__init__()
        self.function_name = function_name
        self.project_id = project_id

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = dict(_context.get())
        fields = getattr(record, "fields", None)
        if isinstance(fields, Mapping):
            payload.update(fields)
        payload = redact(payload)
        message = record.getMessage()
        stack = self.formatException(record.exc_info) if record.exc_info else record.exc_text
        if record.stack_info:
            stack = f"{stack}\n{self.formatStack(record.stack_info)}" if stack else self.formatStack(record.stack_info)
        if stack:
            message = f"{message}\n{stack}"
            payload["stack_trace"] = redact(stack)
        payload.update(
            severity=_severity(record.levelno),
            message=redact(message),
            time=timestamp(dt.datetime.fromtimestamp(record.created, dt.UTC)),
            logger=record.name,
            function=self.function_name,
        )
        ids = tracing.current_ids()
        if ids is not None:
            trace_id, span_id, sampled = ids
            payload[_TRACE] = f"projects/{self.project_id}/traces/{trace_id}" if self.project_id else trace_id
            payload[_SPAN] = span_id
            payload[_SAMPLED] = sampled
        # default=: objects json cannot encode are logged as their redacted str().
        return json.dumps(payload, default=lambda obj: redact(str(obj)), separators=(",", ":"))
