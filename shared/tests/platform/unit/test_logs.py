import datetime as dt
import io
import json
import logging
import logging.config
import re
import threading

import pytest
from opentelemetry import trace

from wellness.platform import logs, tracing
from wellness.platform.config import load_settings

pytestmark = pytest.mark.unit

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl"


@pytest.fixture
def stream():
    """configure() the root logger into a StringIO; put the root logger back afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    out = io.StringIO()
    logs.configure("journal-create", "DEBUG", project_id="demo", stream=out)
    yield out
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    tracing._reset_for_tests()


def lines(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_json_object_per_line_with_the_base_fields(stream):
    logging.getLogger("wellness.test").info("saved %s\nentries", 3)
    logging.getLogger("x").debug("detail")

    first, second = lines(stream)
    assert first["severity"] == "INFO"
    assert first["message"] == "saved 3\nentries"
    assert first["logger"] == "wellness.test"
    assert first["function"] == "journal-create"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", first["time"])
    assert abs(dt.datetime.fromisoformat(first["time"]) - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
    assert "requestId" not in first and "logging.googleapis.com/trace" not in first
    assert second["severity"] == "DEBUG"


def test_configure_is_idempotent_and_undoes_functions_framework_warning_root(stream):
    existing = logging.getLogger("wellness.before")
    # What functions-framework's dictConfig does when LOG_EXECUTION_ID is set.
    logging.config.dictConfig(
        {
            "version": 1,
            "handlers": {"h": {"class": "logging.StreamHandler"}},
            "root": {"level": "WARNING", "handlers": ["h"]},
        }
    )
    assert existing.disabled

    out = io.StringIO()
    logs.configure("journal-create", project_id="demo", stream=out)
    logs.configure("journal-create", project_id="demo", stream=out)
    existing.info("visible again")

    root = logging.getLogger()
    assert len(root.handlers) == 1 and root.level == logging.INFO
    assert [line["message"] for line in lines(out)] == ["visible again"]


def test_extra_fields_are_merged_at_the_top_level(stream):
    logging.getLogger("t").warning("slow", extra={"fields": {"entryId": "e-9", "latencyMs": 812.5}})

    (line,) = lines(stream)
    assert line["entryId"] == "e-9" and line["latencyMs"] == 812.5 and line["severity"] == "WARNING"


def test_request_context_binds_fields_and_nested_contexts_merge(stream):
    log = logging.getLogger("t")
    with logs.request_context(requestId="r-1"):
        log.info("outer")
        with logs.request_context(userId="u-2"):
            log.info("inner")
        log.info("outer again")
    log.info("outside")

    outer, inner, again, outside = lines(stream)
    assert outer["requestId"] == "r-1" and "userId" not in outer
    assert inner["requestId"] == "r-1" and inner["userId"] == "u-2"
    assert again["requestId"] == "r-1" and "userId" not in again
    assert "requestId" not in outside


def test_request_context_is_per_thread(stream):
    barrier = threading.Barrier(4)

    def handle(request_id: str) -> None:
        with logs.request_context(requestId=request_id):
            barrier.wait()  # every thread is inside its own context at the same time
            logging.getLogger("t").info(request_id)

    threads = [threading.Thread(target=handle, args=(f"r-{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    got = lines(stream)
    assert len(got) == 4 and all(line["requestId"] == line["message"] for line in got)


def test_trace_fields_match_the_current_span(stream):
    tracing.configure(load_settings({"GOOGLE_CLOUD_PROJECT": "demo", "FUNCTION_NAME": "journal-create"}))
    with tracing.tracer().start_as_current_span("POST /journal") as span:
        logging.getLogger("t").info("in span")
    context = span.get_span_context()

    (line,) = lines(stream)
    assert line["logging.googleapis.com/trace"] == f"projects/demo/traces/{context.trace_id:032x}"
    assert line["logging.googleapis.com/spanId"] == f"{context.span_id:016x}"
    assert re.fullmatch(r"[0-9a-f]{16}", line["logging.googleapis.com/spanId"])
    assert line["logging.googleapis.com/trace_sampled"] is True


def test_trace_fields_do_not_need_tracing_configured(stream):
    remote = tracing.extract({"X-Cloud-Trace-Context": "0af7651916cd43dd8448eb211c80319c/255;o=0"})
    with trace.use_span(trace.get_current_span(remote)):
        logging.getLogger("t").info("remote parent only")

    (line,) = lines(stream)
    assert line["logging.googleapis.com/trace"] == "projects/demo/traces/0af7651916cd43dd8448eb211c80319c"
    assert line["logging.googleapis.com/spanId"] == "00000000000000ff"
    assert line["logging.googleapis.com/trace_sampled"] is False


def test_secret_fields_are_redacted_at_any_depth(stream):
    fields = {
        "user": {"id": "u-1", "passwordHash": "argon2-hash", "profile": {"apiKey": "k-123", "api_key": "k-456"}},
        "items": [{"refresh_token": "rt-1"}, {"text": "dear diary"}, ["Bearer abc.def"]],
        "mailBody": "Your code is 991177",
        "body": {"anything": "my private words"},
        "httpRequest": {"requestUrl": "/x", "headers": {"Authorization": "Basic dXNlcg==", "Cookie": "sid=s1"}},
        "bodyLength": 10,
        "textLength": 4,
    }
    with logs.request_context(requestId="r-1", clientSecret="cs-1"):
        logging.getLogger("t").info("login", extra={"fields": fields})

    raw = stream.getvalue()
    for value in (
        "argon2-hash",
        "k-123",
        "k-456",
        "rt-1",
        "dear diary",
        "abc.def",
        "991177",
        "private words",
        "dXNlcg",
        "s1",
        "cs-1",
    ):
        assert value not in raw
    (line,) = lines(stream)
    assert line["user"] == {
        "id": "u-1",
        "passwordHash": "[REDACTED]",
        "profile": {"apiKey": "[REDACTED]", "api_key": "[REDACTED]"},
    }
    assert line["items"] == [{"refresh_token": "[REDACTED]"}, {"text": "[REDACTED]"}, ["Bearer [REDACTED]"]]
    assert line["mailBody"] == line["body"] == line["clientSecret"] == "[REDACTED]"
    assert line["httpRequest"]["headers"] == {"Authorization": "[REDACTED]", "Cookie": "[REDACTED]"}
    assert line["bodyLength"] == 10 and line["textLength"] == 4 and line["requestId"] == "r-1"


def test_jwts_and_bearer_credentials_are_redacted_in_the_message(stream):
    logging.getLogger("t").info("header Authorization: Bearer %s; again token=%s, bearer opaque-42.", "tok-1", JWT)

    (line,) = lines(stream)
    assert line["message"] == "header Authorization: Bearer [REDACTED]; again token=[REDACTED], bearer [REDACTED]"


def test_exception_traceback_goes_to_stack_trace_and_message(stream):
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        logging.getLogger("t").exception("failed for %s", JWT)

    (line,) = lines(stream)
    assert line["severity"] == "ERROR"
    assert line["stack_trace"].startswith("Traceback (most recent call last):")
    assert line["stack_trace"].rstrip().endswith("ZeroDivisionError: division by zero")
    assert line["message"] == "failed for [REDACTED]\n" + line["stack_trace"]


@pytest.mark.parametrize(("status", "severity"), [(200, "INFO"), (302, "INFO"), (404, "WARNING"), (503, "ERROR")])
def test_access_log_uses_cloud_logging_http_request_fields(stream, status, severity):
    logs.access_log(
        logging.getLogger("wellness.platform.http"),
        method="POST",
        url="https://api.example.com/v1/verify?email=a%40b.c&token=abc123&Api-Key=k9&x",
        status=status,
        latency_seconds=0.012,
        request_size=123,
        response_size=4567,
        user_agent="app/1.0",
        remote_ip="203.0.113.9",
    )

    (line,) = lines(stream)
    assert line["severity"] == severity
    assert line["httpRequest"] == {
        "requestMethod": "POST",
        "requestUrl": "https://api.example.com/v1/verify?email=a%40b.c&token=[REDACTED]&Api-Key=[REDACTED]&x",
        "status": status,
        "requestSize": "123",
        "responseSize": "4567",
        "userAgent": "app/1.0",
        "remoteIp": "203.0.113.9",
        "latency": "0.012s",
        "protocol": "HTTP/1.1",
    }
    assert "abc123" not in stream.getvalue() and "k9" not in stream.getvalue()


def test_redact_url_leaves_clean_urls_byte_for_byte():
    assert logs.redact_url("/v1/entries?from=2026-01-01&q=a+b%2Fc") == "/v1/entries?from=2026-01-01&q=a+b%2Fc"
    assert logs.redact_url("/v1/entries") == "/v1/entries"
    assert logs.redact_url("/v1/x?access%5Ftoken=t1") == "/v1/x?access%5Ftoken=[REDACTED]"
