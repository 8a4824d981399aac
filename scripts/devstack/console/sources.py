"""What the console shows, read from the stack's own files: state.json, the logs, traces.jsonl, the mail folder.

Nothing here keeps state between requests: every page reads the files again, so the
console shows the stack as it is now (a restarted emulator, a new log line).

    >>> parse_request_line("gateway POST /v1/auth/signup 201 41.2ms backend=http://127.0.0.1:4001/v1/auth/signup "
    ...                    "requestId=5f0c traceId=4bf92f3577b34da6a3ce929d0e0e4736")["traceId"]
    '4bf92f3577b34da6a3ce929d0e0e4736'
    >>> linkify("reset: https://app.wellness.invalid/reset-password?token=abc&x=1.")
    Markup('reset: <a href="https://app.wellness.invalid/reset-password?token=abc&amp;x=1">https://app.wellness.invalid/reset-password?token=abc&amp;x=1</a>.')
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from devstack.stack.mailsink import read_mail
from devstack.stack.state import StackState
from devstack.stack.traces import load_spans, span_children

TAIL_BYTES = 512 * 1024  # how far back a log is read for its last lines and last error
_REQUEST = re.compile(
    r"^gateway (?P<method>\S+) (?P<path>\S+) (?P<status>\d{3}) (?P<latency>[\d.]+)ms "
    r"backend=(?P<backend>\S+) requestId=(?P<requestId>\S+)(?: traceId=(?P<traceId>[0-9a-f]+|-))?"
)
_URL = re.compile(r"https?://[^\s<>\"']+")
_ERROR_SEVERITIES = {"ERROR", "CRITICAL", "ALERT", "EMERGENCY"}


def tail_lines(path: Path | str, count: int, max_bytes: int = TAIL_BYTES) -> list[str]:
    """The last `count` complete lines of a file (reading at most max_bytes from its end)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - max_bytes))
            data = fh.read()
    except FileNotFoundError:
        return []
    lines = data.decode(errors="replace").splitlines()
    if size > max_bytes and lines:
        lines = lines[1:]  # the first one is cut
    return lines[-count:] if count else lines


# -- processes -------------------------------------------------------------------------------


def last_error(log: Path | str) -> dict[str, str] | None:
    """The newest error in a log: a JSON line of severity ERROR or worse, or a Python traceback's last line."""
    lines = tail_lines(log, 0)
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if line.startswith("{"):
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and str(entry.get("severity", "")).upper() in _ERROR_SEVERITIES:
                return {"time": str(entry.get("time", "")), "message": str(entry.get("message", ""))[:300]}
        elif line.startswith("Traceback (most recent call last)"):
            # The exception is the first unindented line after the traceback header.
            after = next((n for n in lines[index + 1 :] if n and not n.startswith(" ")), line)
            return {"time": "", "message": after[:300]}
    return None


def processes(state: StackState) -> list[dict[str, Any]]:
    """Every process of the stack: name, kind, alive, port, url, log and last error."""
    rows = []
    for row in state.status():
        record = state.processes.get(row["name"], {})
        rows.append(
            {
                **row,
                "port": record.get("port")
                or (state.cluster.port if row["kind"] == "postgres" and state.cluster else None),
                "error": last_error(row["log"]) if row.get("log") else None,
            }
        )
    return rows


def log_names(state: StackState) -> dict[str, Path]:
    """Name -> log file of everything that writes one (the processes, the tools, PostgreSQL)."""
    found = {path.stem: path for path in sorted((state.state_dir / "logs").glob("*.log"))}
    if state.cluster is not None:
        found["postgres"] = state.cluster.log_path
    return found


# -- requests and traces --------------------------------------------------------------------


def parse_request_line(line: str) -> dict[str, Any] | None:
    found = _REQUEST.match(line)
    if not found:
        return None
    request: dict[str, Any] = found.groupdict()
    request["status"] = int(request["status"])
    request["latency"] = float(request["latency"])
    if request.get("traceId") in (None, "-"):
        request["traceId"] = None
    return request


def recent_requests(state: StackState, count: int = 100) -> list[dict[str, Any]]:
    """The gateway's last requests, newest first, each with its contract route when it matches one."""
    requests = [r for line in tail_lines(state.log_path("gateway"), 0) if (r := parse_request_line(line))]
    return list(reversed(requests[-count:]))


def _time(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclasses.dataclass
class Bar:
    """One span of a waterfall: where it sits (percent of the trace) and what it was."""

    span: dict[str, Any]
    depth: int
    offset: float
    width: float
    start_ms: float

    @property
    def label(self) -> str:
        return str(self.span.get("name", "?"))

    @property
    def service(self) -> str:
        return str(self.span.get("service") or "?")

    @property
    def duration_ms(self) -> float:
        value = self.span.get("durationMs")
        return float(value) if isinstance(value, int | float) else 0.0

    @property
    def failed(self) -> bool:
        return str(self.span.get("status") or "") == "ERROR"


@dataclasses.dataclass
class Waterfall:
    trace_id: str
    start: dt.datetime | None
    total_ms: float
    bars: list[Bar]

    @property
    def services(self) -> list[str]:
        """The services in the order they first appear (the caller first, then its subscribers)."""
        seen: dict[str, None] = {}
        for bar in sorted(self.bars, key=lambda b: b.start_ms):
            seen.setdefault(bar.service, None)
        return list(seen)


def waterfall(spans: list[dict[str, Any]], trace_id: str) -> Waterfall:
    """The spans of one trace, parents before children, with their positions on a shared time axis."""
    children = span_children(spans)
    starts = [t for s in spans if (t := _time(s.get("start")))]
    ends = [t for s in spans if (t := _time(s.get("end")))]
    t0 = min(starts) if starts else None
    total = max(((max(ends) - t0).total_seconds() * 1000) if t0 and ends else 0.0, 0.001)
    bars: list[Bar] = []

    def walk(parent: str | None, depth: int) -> None:
        for span in children.get(parent, []):
            if any(bar.span is span for bar in bars):
                continue  # a malformed file must not loop forever
            start = _time(span.get("start"))
            start_ms = (start - t0).total_seconds() * 1000 if start and t0 else 0.0
            raw = span.get("durationMs")
            duration = float(raw) if isinstance(raw, int | float) else 0.0
            offset = min(100.0, 100.0 * start_ms / total)
            width = max(0.3, min(100.0 - offset, 100.0 * duration / total))
            bars.append(Bar(span, depth, offset, width, start_ms))
            walk(span["spanId"], depth + 1)

    walk(None, 0)
    return Waterfall(trace_id, t0, total, bars)


def find_trace(traces_file: Path, trace_id: str) -> Waterfall | None:
    spans = [span for span in load_spans(traces_file) if span["traceId"] == trace_id.lower()]
    return waterfall(spans, trace_id.lower()) if spans else None


# -- mail -------------------------------------------------------------------------------------


def linkify(text: str) -> Markup:
    """Text as HTML with every http(s) URL a link (a sentence's final period stays outside it)."""
    out, last = [], 0
    for found in _URL.finditer(text):
        url = found.group(0).rstrip(".,;:!?)")
        end = found.start() + len(url)
        out.append(escape(text[last : found.start()]))
        out.append(Markup('<a href="{0}">{0}</a>').format(url))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def _body(message: EmailMessage) -> str:
    try:
        return str(message.get_content())
    except (KeyError, LookupError):
        part = message.get_body(preferencelist=("plain", "html"))
        return str(part.get_content()) if part is not None else ""


def mails(mail_dir: Path) -> list[dict[str, Any]]:
    """Every mail the sink kept, newest first: number, headers, text, and the links in it."""
    out = []
    for number, message in enumerate(read_mail(mail_dir)):
        text = _body(message)
        out.append(
            {
                "number": number,
                "date": str(message["Date"] or ""),
                "to": str(message["To"] or ""),
                "subject": str(message["Subject"] or ""),
                "event": str(message["X-Wellness-Event-Id"] or ""),
                "text": text,
                "html": linkify(text),
                "links": [u.rstrip(".,;:!?)") for u in _URL.findall(text)],
            }
        )
    return list(reversed(out))
