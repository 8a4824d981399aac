"""The load report: Locust's numbers per route, joined with what the monitor saw, as JSON and as text.

Locust writes `<prefix>_stats.csv` (one row per route and the "Aggregated" row) and, with
`--csv-full-history`, `<prefix>_stats_history.csv` (a row a second). Its percentiles are
rounded the way Locust stores response times (to 10 ms above 100 ms, to 100 ms above 1 s).

    >>> percentile_row({"Name": "GET /v1/me/tasks", "Request Count": "10", "Failure Count": "0",
    ...     "Requests/s": "2.5", "50%": "12", "95%": "40", "99%": "80", "100%": "91",
    ...     "Average Response Time": "15.2"})["p95"]
    40.0
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

from devstack.load import model


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "", "N/A") else None
    except ValueError:
        return None


def percentile_row(row: dict[str, str]) -> dict[str, Any]:
    return {
        "route": row["Name"],
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": _number(row["Requests/s"]),
        "p50": _number(row.get("50%")),
        "p95": _number(row.get("95%")),
        "p99": _number(row.get("99%")),
        "max": _number(row.get("100%")),
        "avg": round(_number(row.get("Average Response Time")) or 0.0, 1),
    }


def read_locust(prefix: Path) -> dict[str, Any]:
    """Routes, totals, failures and a 5-second timeline from Locust's CSV files."""
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = [percentile_row(r) for r in csv.DictReader(f)]
    totals = next((r for r in rows if r["route"] == "Aggregated"), None)
    routes = sorted((r for r in rows if r["route"] != "Aggregated"), key=lambda r: -r["requests"])
    failures = []
    failures_csv = Path(f"{prefix}_failures.csv")
    if failures_csv.exists():
        with failures_csv.open(newline="") as f:
            failures = [
                {"route": r["Name"], "error": r["Error"], "count": int(r["Occurrences"])} for r in csv.DictReader(f)
            ]
    timeline = []
    history = Path(f"{prefix}_stats_history.csv")
    if history.exists():
        with history.open(newline="") as f:
            aggregated = [r for r in csv.DictReader(f) if r["Name"] == "Aggregated"]
        if aggregated:
            t0 = int(aggregated[0]["Timestamp"])
            last = -5
            for r in aggregated:
                t = int(r["Timestamp"]) - t0
                if t - last >= 5:
                    last = t
                    timeline.append(
                        {
                            "t": t,
                            "users": int(r["User Count"]),
                            "rps": _number(r["Requests/s"]),
                            "failuresPerS": _number(r["Failures/s"]),
                            "p95": _number(r["95%"]),
                        }
                    )
    return {"totals": totals, "routes": routes, "failures": failures, "timeline": timeline}


def _pct(values: list[float], q: float) -> float | None:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 1) if ordered else None


def steady_phase(samples_path: Path, end: float) -> dict[str, Any] | None:
    """Exact percentiles of the requests that ended after every user was spawned and before `end`
    (the run time's end, before Locust stops its users): the load the system holds, without the ramp."""
    if not samples_path.exists():
        return None
    lines = [json.loads(line) for line in samples_path.read_text().splitlines() if line.strip()]
    start = next((line["t"] for line in lines if "spawned" in line), None)
    if start is None or end <= start:
        return None
    requests = [line for line in lines if "route" in line and start <= line["t"] <= end]
    by_route: dict[str, list[dict[str, Any]]] = {}
    for r in requests:
        by_route.setdefault(r["route"], []).append(r)

    def summary(name: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
        ms = [float(r["ms"]) for r in rows]
        return {
            "route": name,
            "requests": len(rows),
            "failures": sum(1 for r in rows if not r["ok"]),
            "rps": round(len(rows) / (end - start), 2),
            "avg": round(sum(ms) / len(ms), 1) if ms else None,
            "p50": _pct(ms, 0.5),
            "p95": _pct(ms, 0.95),
            "p99": _pct(ms, 0.99),
            "max": _pct(ms, 1.0),
        }

    routes = sorted((summary(n, rows) for n, rows in by_route.items()), key=lambda r: -r["requests"])
    return {"seconds": round(end - start, 1), "totals": summary("all", requests), "routes": routes}


def steady_rps(timeline: list[dict[str, Any]], users: int) -> float | None:
    """Requests per second once every user runs (Locust's own rate over the last 10 s, averaged)."""
    full = [p["rps"] for p in timeline if p["users"] >= users and p["rps"] is not None]
    return round(sum(full) / len(full), 1) if full else None


def build(
    run: dict[str, Any], locust: dict[str, Any], monitor: dict[str, Any] | None, steady_phase: dict[str, Any] | None
) -> dict[str, Any]:
    steady = steady_phase["totals"]["rps"] if steady_phase else steady_rps(locust["timeline"], run["users"])
    return {
        "run": run,
        "totals": locust["totals"],
        "steady": steady_phase,
        "steadyRps": steady,
        "realDailyUsers": model.real_daily_users(steady) if steady else None,
        "routes": locust["routes"],
        "failures": locust["failures"],
        "timeline": locust["timeline"],
        **(monitor or {"notMeasured": "event lag, outbox backlog, CPU and memory: only against a local stack"}),
    }


def write(report: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    as_json = out_dir / "report.json"
    as_text = out_dir / "report.md"
    as_json.write_text(json.dumps(report, indent=2, default=str) + "\n")
    as_text.write_text(render(report))
    return as_json, as_text


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def render(report: dict[str, Any]) -> str:
    run, totals = report["run"], report["totals"] or {}
    lines = [
        f"# Load run {run['runId']}: {run['users']} users for {run['durationS']} s against {run['baseUrl']}",
        "",
        f"{run['started']} → {run['finished']}; model: scripts/devstack/load/model.py; machine: {run['machine']}; "
        f"load average at the end (1, 5, 15 min): {run.get('loadAverage')}",
        "",
        f"**{totals.get('requests', 0)} requests, {totals.get('failures', 0)} failed; "
        f"steady {report['steadyRps'] or '–'} req/s** (≈ {report['realDailyUsers'] or '–'} real daily users with "
        f"that peak hour); whole run p50 {_ms(totals.get('p50'))} ms, p95 {_ms(totals.get('p95'))} ms, "
        f"p99 {_ms(totals.get('p99'))} ms",
        "",
    ]
    steady = report.get("steady")
    if steady:
        t = steady["totals"]
        lines += [
            f"**Steady phase** (all {run['users']} users in sessions, {steady['seconds']} s): "
            f"{t['requests']} requests, {t['failures']} failed, {t['rps']} req/s; "
            f"p50 {_ms(t['p50'])} ms, p95 {_ms(t['p95'])} ms, p99 {_ms(t['p99'])} ms",
            "",
            "| route (steady phase) | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {r['route']} | {r['requests']} | {r['failures']} | {r['rps']:.2f} | {_ms(r['p50'])} | "
            f"{_ms(r['p95'])} | {_ms(r['p99'])} | {_ms(r['max'])} |"
            for r in steady["routes"]
        ]
        lines += [""]
    lines += [
        "| route (whole run, Locust) | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in report["routes"]:
        lines.append(
            f"| {r['route']} | {r['requests']} | {r['failures']} | {r['rps'] or 0:.2f} | {_ms(r['p50'])} | "
            f"{_ms(r['p95'])} | {_ms(r['p99'])} | {_ms(r['max'])} |"
        )
    if report["failures"]:
        lines += ["", "Failures:", ""] + [f"- {f['route']}: {f['error']} × {f['count']}" for f in report["failures"]]
    if "notMeasured" in report:
        lines += ["", f"Not measured: {report['notMeasured']}."]
    else:
        lag = report["eventLag"]
        lines += [
            "",
            f"Event lag, completion committed → report updated ({lag['events']} task.completed events, "
            f"{lag['unapplied']} not applied {lag['drainS']} s after the run): "
            f"p50 {_ms(lag['p50'])} ms, p95 {_ms(lag['p95'])} ms, max {_ms(lag['max'])} ms",
            "",
            f"Outbox backlog (pending events), peak: Postgres {report['outboxPeak'].get('postgres')}, "
            f"Firestore {report['outboxPeak'].get('firestore')}; oldest pending at worst "
            f"{report['outboxPeak'].get('oldestS')} s",
            "",
            f"CPU: the stack and the load generator together averaged {report['machineCpuPct']} % of one core.",
            "",
            "| process | CPU avg % of a core | CPU peak % | CPU s | peak RSS MiB |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {p['name']} | {p['cpuAvgPct']} | {p['cpuPeakPct']} | {p['cpuSeconds']} | {p['rssPeakMiB']} |"
            for p in report["processes"]
        ]
    if report["timeline"]:
        lines += ["", "| t s | users | req/s | failures/s | p95 ms (last 10 s) | outbox pending (pg / fs) |"]
        lines += ["| ---: | ---: | ---: | ---: | ---: | --- |"]
        outbox = report.get("outbox") or []
        for p in report["timeline"]:
            near = min(outbox, key=lambda s: abs(s["t"] - p["t"]), default=None)
            pending = f"{near.get('postgres')} / {near.get('firestore')}" if near else "–"
            lines.append(
                f"| {p['t']} | {p['users']} | {p['rps'] or 0:.1f} | {p['failuresPerS'] or 0:.1f} | "
                f"{_ms(p['p95'])} | {pending} |"
            )
    return "\n".join(lines) + "\n"


def now() -> str:
    return f"{dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ}"
