"""Show the spans the local functions wrote (TRACE_EXPORTER=file) as trees.

    $ scripts/dev traces            # the last 5 traces
    $ scripts/dev traces 4bf92f35   # one trace, by id or id prefix

Each line of traces.jsonl is one span: traceId, spanId, parentSpanId, name,
service, start, end (RFC 3339), durationMs, status, attributes. One request through
the gateway, a function, Pub/Sub and a subscriber shares one traceId, so the tree
shows the whole path.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MAX_ATTRIBUTES = 6
MAX_VALUE = 60


def load_spans(path: Path) -> list[dict[str, Any]]:
    """Every well-formed span in the file; a torn last line (a function still writing) is skipped."""
    spans = []
    try:
        lines = path.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return []
    for line in lines:
        try:
            span = json.loads(line)
        except ValueError:
            continue
        if isinstance(span, dict) and span.get("traceId") and span.get("spanId"):
            spans.append(span)
    return spans


def group_traces(spans: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """traceId -> spans, the traces ordered by their first span's start (oldest first)."""
    traces: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for span in spans:
        traces[span["traceId"]].append(span)
    return dict(sorted(traces.items(), key=lambda item: min(str(s.get("start", "")) for s in item[1])))


def _attributes(attrs: dict[str, Any] | None) -> str:
    if not attrs:
        return ""
    parts = []
    for key, value in list(attrs.items())[:MAX_ATTRIBUTES]:
        text = str(value)
        parts.append(f"{key}={text[:MAX_VALUE] + '…' if len(text) > MAX_VALUE else text}")
    more = len(attrs) - MAX_ATTRIBUTES
    return "  " + " ".join(parts) + (f" (+{more})" if more > 0 else "")


def _line(span: dict[str, Any], depth: int) -> str:
    duration = span.get("durationMs")
    took = f"{duration:8.1f} ms" if isinstance(duration, int | float) else "       ? ms"
    status = span.get("status") or ""
    flag = f" {status}" if status not in ("", "UNSET", "OK") else ""
    return f"  {took}  {'  ' * depth}{span.get('name', '?')} [{span.get('service') or '?'}]{flag}" + _attributes(
        span.get("attributes")
    )


def span_children(spans: list[dict[str, Any]]) -> dict[str | None, list[dict[str, Any]]]:
    """Each span's children by its id (None: the roots), siblings by start time.

    A parent that is not among `spans` (the gateway, a client) makes the span a root.
    """
    by_id = {span["spanId"]: span for span in spans}
    children: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for span in spans:
        parent = span.get("parentSpanId")
        children[parent if parent in by_id else None].append(span)
    for siblings in children.values():
        siblings.sort(key=lambda s: str(s.get("start", "")))
    return children


def render_trace(trace_id: str, spans: list[dict[str, Any]]) -> list[str]:
    """One trace as an indented tree: parents before children, siblings by start time."""
    children = span_children(spans)
    start = min(str(s.get("start", "")) for s in spans)
    services = sorted({str(s.get("service")) for s in spans if s.get("service")})
    lines = [f"trace {trace_id}  {start}  {len(spans)} span(s)  {', '.join(services)}"]

    def walk(parent: str | None, depth: int, seen: set[str]) -> None:
        for span in children.get(parent, []):
            if span["spanId"] in seen:  # a malformed file must not loop forever
                continue
            seen.add(span["spanId"])
            lines.append(_line(span, depth))
            walk(span["spanId"], depth + 1, seen)

    walk(None, 0, set())
    return lines


def format_traces(path: Path, trace_id: str | None = None, count: int = 5, quiet_services: Iterable[str] = ()) -> str:
    """The last `count` traces (or the ones whose id starts with trace_id) as text.

    Single-span traces of quiet_services are left out of the listing: the local
    scheduler ticks the outbox relay every second and would push everything else out.
    """
    quiet = set(quiet_services)
    traces = group_traces(load_spans(path))
    if quiet and not trace_id:
        traces = {
            tid: spans for tid, spans in traces.items() if not (len(spans) == 1 and spans[0].get("service") in quiet)
        }
    if not traces:
        return f"no spans in {path} yet (functions write them there when TRACE_EXPORTER=file)"
    if trace_id:
        chosen = {tid: spans for tid, spans in traces.items() if tid.startswith(trace_id.lower())}
        if not chosen:
            return f"no trace {trace_id} in {path}"
    else:
        chosen = dict(list(traces.items())[-count:])
    return "\n\n".join("\n".join(render_trace(tid, spans)) for tid, spans in chosen.items())
