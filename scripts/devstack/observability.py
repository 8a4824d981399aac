"""The Terraform alerts and dashboard queries (terraform/modules/observability/alerts.yaml), locally.

The cloud queries name OpenTelemetry metrics as sent, quoted with PromQL's UTF-8
syntax (`{"http.server.request.duration_count", "http.route"!=""}`); the local
Prometheus (Debian's 2.42) has no UTF-8 names, and the local OTLP receiver writes
dots as underscores. `to_local()` rewrites a query the same way, and only that:
whatever else is wrong with a query stays wrong, so `promtool check rules` and the
local Prometheus catch it.

    >>> to_local('sum by ("http.route") (rate({"http.server.request.duration_count", "http.route"!=""}[5m]))')
    'sum by (http_route) (rate({__name__="http_server_request_duration_count", http_route!=""}[5m]))'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from devstack.catalog import REPO_ROOT, load_catalog
from devstack.stack.otlp_receiver import prometheus_name
from wellness.platform.strict_yaml import read_yaml

ALERTS_FILE = REPO_ROOT / "terraform" / "modules" / "observability" / "alerts.yaml"
API_MATCHER = '"http.route"!=""'  # what Terraform puts for ${api}

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|=~|!~|!=|=|[{}(),]|[^"{}(),=!~]+|[!~]')
_MATCH_OPS = {"=", "!=", "=~", "!~"}


def to_local(query: str) -> str:
    """The query with quoted (UTF-8) metric and label names as the local Prometheus stores them."""
    tokens = _TOKEN.findall(query)
    significant = [i for i, piece in enumerate(tokens) if piece.strip()]
    out = list(tokens)
    depth_braces = 0
    for position, index in enumerate(significant):
        piece = tokens[index]
        if piece == "{":
            depth_braces += 1
        elif piece == "}":
            depth_braces -= 1
        if not piece.startswith('"'):
            continue
        before = tokens[significant[position - 1]] if position > 0 else ""
        after = tokens[significant[position + 1]] if position + 1 < len(significant) else ""
        if before in _MATCH_OPS:
            continue  # a label value: kept as written
        name = prometheus_name(json.loads(piece))
        if after in _MATCH_OPS or depth_braces == 0:
            out[index] = name  # a label name (in a matcher, or in by/without)
        else:
            out[index] = f'__name__="{name}"'  # {"metric.name", ...}: the metric itself
    return "".join(out)


def load() -> dict[str, Any]:
    document: dict[str, Any] = read_yaml(ALERTS_FILE)
    return document


def alerts(local: bool = False) -> list[dict[str, Any]]:
    """Every alert with its query as Terraform sends it (or, local=True, as the local Prometheus reads it)."""
    out = []
    for alert in load()["alerts"]:
        query = alert["query"].replace("${api}", API_MATCHER)
        out.append({**alert, "query": to_local(query) if local else query})
    return out


def dashboard_queries(local: bool = False) -> Iterator[tuple[str, str, str]]:
    """(domain, panel title, query) for every panel of every domain's dashboard."""
    functions = load_catalog().functions
    domains = sorted({fn.domain for fn in functions})
    for domain in domains:
        jobs = "|".join(sorted(fn.name for fn in functions if fn.domain == domain))
        for panel in load()["dashboard_panels"]:
            query = panel["query"].replace("${jobs}", jobs)
            yield domain, panel["title"], to_local(query) if local else query


def _seconds(duration: str) -> str:
    return f"{int(duration.rstrip('s'))}s"


def rule_groups() -> dict[str, Any]:
    """The alerts as a Prometheus rule file (the same names, durations and severities)."""
    rules = [
        {
            "alert": alert["name"],
            "expr": alert["query"],
            "for": _seconds(alert["duration"]),
            "labels": {"severity": alert["severity"].lower()},
            "annotations": {"summary": alert["display_name"], "description": alert["means"]},
        }
        for alert in alerts(local=True)
    ]
    return {"groups": [{"name": "wellness", "interval": "60s", "rules": rules}]}


def write_rule_file(path: Path) -> Path:
    """Write rule_groups() to path (YAML) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(rule_groups(), sort_keys=False, width=200))
    return path
