"""The cloud capacity plan, computed from the catalog, prod's Terraform variables and a load report.

    scripts/capacity-plan                                             # the plan of the committed report
    scripts/capacity-plan --report .local/load/<run>/report.json --write  # refresh terraform/README.md from a run
    scripts/capacity-plan --check                                     # lint: is the README's plan current?

The README's plan is computed from `terraform/load-report.json` (kept beside it by --write), so
it is checked like any generated file: a change to the catalog's sizing or prod's tfvars that
changes the plan fails `python -m devstack.lint` until the plan is refreshed.

At 10, 100 and 1,000 requests per second of the load model's mix (model.py):

- **Instances per function.** Each function serves one request at a time (catalog
  `concurrency`), so by Little's law it keeps `arrival rate × time in service` instances
  busy; the plan asks for that over TARGET_UTILISATION, rounded up. The time in service of
  an HTTP function is the mean latency of its route through the local gateway in the
  report's steady phase (conservative: it includes the gateway and a shared 2-core machine);
  a subscriber's is SUBSCRIBER_SECONDS. The mix and the events per request come from the
  report (its steady phase's routes; deliveries recorded by the Postgres subscribers), with
  sign-ups at model.SIGNUPS_PER_REQUEST (a load run signs everyone up at once; a day does not).
- **Cloud SQL connections**: the instances of every Postgres function × `db_pool_size`,
  plus what the Terraform precondition also reserves (one candidate instance per function,
  the migration job, `db_reserved_connections`), against `db_max_connections`.
- **Pub/Sub**: publishes and push deliveries per second (each topic's subscribers, from
  functions/catalog.yaml).
- **Monthly cost** at that rate held for a 30-day month (an upper bound: real traffic has
  quiet nights), with the prices in PRICES, each named with the page it comes from.
  Firestore operations per request are estimates per route (FIRESTORE_OPS), not measured.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devstack.catalog import REPO_ROOT, Catalog, Function, load_catalog
from devstack.load import model

RATES = (10, 100, 1000)
TARGET_UTILISATION = 0.6  # headroom for bursts and cold starts: Cloud Run adds instances before they are all busy
SUBSCRIBER_SECONDS = 0.1  # one push, applied and acked (traces here: 5-230 ms on a loaded 2-core machine)
MONTH_SECONDS = 30 * 86_400
MESSAGE_BYTES = 1_000  # an event envelope is under 1 KB; Pub/Sub bills at least 1,000 bytes per message
SPANS_PER_REQUEST = 2  # the request and, on writes, the publish (README: Sampling and cost)
LOG_BYTES_PER_REQUEST = 1_500  # one JSON access line plus, on writes, an outbox line
SIGNUP, ENROLL = "POST /v1/auth/signup", "POST /v1/programs/{programId}/enrollments"
README = REPO_ROOT / "terraform" / "README.md"
REPORT = REPO_ROOT / "terraform" / "load-report.json"  # the report the README's plan was computed from
MARKER = ("<!-- capacity-plan:start -->", "<!-- capacity-plan:end -->")

# List prices (USD) in europe-west1 / eur3 when this was written: check the pages before budgeting.
PRICES: dict[str, tuple[float, str]] = {
    "run_vcpu_second": (0.000024, "Cloud Run, request-based billing (cloud.google.com/run/pricing)"),
    "run_gib_second": (0.0000025, "Cloud Run memory"),
    "run_million_requests": (0.40, "Cloud Run requests (2 M free a month)"),
    "gateway_million_calls": (3.00, "API Gateway, 2 M–1 B calls a month (first 2 M free; $1.50 above 1 B)"),
    "pubsub_tib": (40.0, "Pub/Sub throughput, publish + delivery (first 10 GiB free)"),
    "firestore_100k_reads": (0.06, "Firestore multi-region (eur3) reads"),
    "firestore_100k_writes": (0.18, "Firestore multi-region writes"),
    "firestore_100k_deletes": (0.02, "Firestore multi-region deletes"),
    "sql_vcpu_hour": (0.0413, "Cloud SQL Enterprise vCPU-hour (×2 for REGIONAL: a standby)"),
    "sql_gib_hour": (0.007, "Cloud SQL Enterprise memory GiB-hour (×2 for REGIONAL)"),
    "trace_million_spans": (0.20, "Cloud Trace spans beyond 2.5 M a month"),
    "logging_gib": (0.50, "Cloud Logging ingestion beyond 50 GiB a month"),
    "warm_instance_month": (10.0, "one idle min instance, 1 vCPU + 0.5 GiB (terraform/README.md)"),
}
FREE = {"run_vcpu_second": 180_000, "run_gib_second": 360_000, "run_requests": 2e6, "gateway_calls": 2e6}

# Firestore operations per request (reads, writes, deletes), by route: estimates from the code
# (the outbox document is a write and, once published, a delete). Postgres routes have none.
FIRESTORE_OPS: dict[str, tuple[int, int, int]] = {
    "GET /v1/me/profile": (1, 0, 0),
    "PATCH /v1/me/profile": (1, 2, 1),
    "GET /v1/community/posts": (21, 0, 0),  # a page of 20 and my reactions' lookup
    "POST /v1/community/posts": (1, 2, 0),
    "POST /v1/community/posts/{postId}/comments": (2, 3, 0),
    "PUT /v1/community/posts/{postId}/reactions/me": (2, 2, 0),
    "DELETE /v1/community/posts/{postId}/reactions/me": (2, 1, 1),
    "POST /v1/me/reflections": (0, 2, 1),
    "GET /v1/me/reflections": (20, 0, 0),
}


@dataclass(frozen=True)
class Terraform:
    pool_size: int
    max_connections: int
    reserved: int
    tier: str
    regional: bool
    warm_min_instances: int


def prod_terraform(root: Path = REPO_ROOT) -> Terraform:
    import hcl2

    parsed = hcl2.loads((root / "terraform" / "envs" / "prod" / "terraform.tfvars").read_text())
    values = {k: v.strip('"') if isinstance(v, str) else v for k, v in parsed.items()}  # python-hcl2 8 keeps quotes
    variables = (root / "terraform" / "modules" / "wellness" / "variables.tf").read_text()
    reserved = re.search(r'variable "db_reserved_connections"[^}]*default\s*=\s*(\d+)', variables)
    return Terraform(
        pool_size=int(values["db_pool_size"]),
        max_connections=int(values["db_max_connections"]),
        reserved=int(reserved.group(1)) if reserved else 0,
        tier=str(values["db_tier"]),
        regional=values.get("db_availability_type") == "REGIONAL",
        warm_min_instances=int(values.get("warm_min_instances", 0)),
    )


def _sql_tier(tier: str) -> tuple[int, float]:
    """(vCPUs, GiB) of a db-custom-CPUS-MIB tier."""
    match = re.fullmatch(r"db-custom-(\d+)-(\d+)", tier)
    if not match:
        raise ValueError(f"cannot price Cloud SQL tier {tier!r} (expected db-custom-CPUS-MIB)")
    return int(match.group(1)), int(match.group(2)) / 1024


def _gib(memory: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", memory).groups()  # type: ignore[union-attr]
    return int(number) / (1024 if unit == "Mi" else 1)


def plan(report: dict[str, Any], catalog: Catalog, tf: Terraform, rates: tuple[int, ...] = RATES) -> dict[str, Any]:
    steady = report.get("steady") or {}
    routes = {r["route"]: dict(r) for r in (steady.get("routes") or report["routes"])}
    sessions = sum(r["requests"] for r in routes.values())
    if not sessions:
        raise ValueError("the report has no requests")
    # The steady phase is sessions only; onboarding (sign-up, then one enrollment a program) joins
    # at model.SIGNUPS_PER_REQUEST, timed as the whole run measured it.
    whole = {r["route"]: r for r in report["routes"]}
    for route, per_signup in ((SIGNUP, 1), (ENROLL, len(model.PROGRAMS))):
        share = model.SIGNUPS_PER_REQUEST * per_signup
        measured = whole.get(route) or routes.get(route) or {}
        routes[route] = {**measured, "route": route, "requests": share * sessions / (1 - share)}
    total = sum(r["requests"] for r in routes.values())
    by_route = {fn.route: fn for fn in catalog.functions if fn.route}
    whole_run = (report.get("totals") or {}).get("requests") or total
    events = {topic: n / whole_run for topic, n in (report.get("eventsByTopic") or {}).items()}
    if "user.created" in events or not events:
        events["user.created"] = model.SIGNUPS_PER_REQUEST
    subscribers = {s.function: s.topic for s in catalog.subscriptions}
    functions: dict[str, Function] = {fn.name: fn for fn in catalog.functions}
    rows = []
    for rate in rates:
        load: dict[str, tuple[float, float]] = {}  # function -> (arrivals per second, seconds each)
        for route, measured in routes.items():
            fn = by_route.get(route)
            if fn is not None:
                seconds = (measured.get("avg") or measured.get("p50") or 100.0) / 1000
                load[fn.name] = (rate * measured["requests"] / total, seconds)
        for name, topic in subscribers.items():
            if events.get(topic):
                load[name] = (rate * events[topic], SUBSCRIBER_SECONDS)
        instances = {
            # (less a hair: 1.0000000001 busy instances is one, not two)
            name: max(1, math.ceil(arrivals * seconds / TARGET_UTILISATION / functions[name].concurrency - 1e-9))
            for name, (arrivals, seconds) in load.items()
        }
        over = sorted(name for name, n in instances.items() if n > functions[name].max_instances)
        postgres = [fn for fn in catalog.functions if "postgres" in fn.stores and not fn.release_job]
        connections = (
            sum(instances.get(fn.name, 0) * tf.pool_size for fn in postgres)
            + len(postgres) * tf.pool_size  # a candidate instance of each during a release
            + 1  # the migration job
            + tf.reserved
        )
        publishes = rate * sum(events.values())
        deliveries = rate * sum(
            share * sum(1 for s in catalog.subscriptions if s.topic == topic) for topic, share in events.items()
        )
        rows.append(
            {
                "rate": rate,
                "instances": dict(sorted(instances.items(), key=lambda kv: -kv[1])),
                "instancesTotal": sum(instances.values()),
                "overMaxInstances": over,
                "sqlConnections": connections,
                "pubsubPublishesPerS": round(publishes, 1),
                "pubsubDeliveriesPerS": round(deliveries, 1),
                "cost": monthly_cost(rate, load, functions, routes, total, publishes + deliveries, tf, catalog),
            }
        )
    postgres = [fn for fn in catalog.functions if "postgres" in fn.stores and not fn.release_job]
    configured = (
        sum(fn.max_instances * tf.pool_size for fn in postgres) + len(postgres) * tf.pool_size + 1 + tf.reserved
    )
    return {
        "source": report["run"],
        "configuredConnectionBudget": configured,
        "mix": {route: round(r["requests"] / total, 4) for route, r in routes.items()},
        "eventsPerRequest": {t: round(v, 3) for t, v in events.items()},
        "terraform": tf.__dict__,
        "rates": rows,
    }


def monthly_cost(
    rate: int,
    load: dict[str, tuple[float, float]],
    functions: dict[str, Function],
    routes: dict[str, dict[str, Any]],
    total: int,
    messages_per_s: float,
    tf: Terraform,
    catalog: Catalog,
) -> dict[str, float]:
    def price(key: str) -> float:
        return PRICES[key][0]

    vcpu_s = sum(a * s * float(functions[n].cpu) for n, (a, s) in load.items()) * MONTH_SECONDS
    gib_s = sum(a * s * _gib(functions[n].memory) for n, (a, s) in load.items()) * MONTH_SECONDS
    invocations = sum(a for a, _ in load.values()) * MONTH_SECONDS
    requests = rate * MONTH_SECONDS
    run = (
        max(0.0, vcpu_s - FREE["run_vcpu_second"]) * price("run_vcpu_second")
        + max(0.0, gib_s - FREE["run_gib_second"]) * price("run_gib_second")
        + max(0.0, invocations - FREE["run_requests"]) / 1e6 * price("run_million_requests")
    )
    warm = sum(1 for fn in catalog.functions if fn.warm) * tf.warm_min_instances * price("warm_instance_month")
    billable_calls = max(0.0, requests - FREE["gateway_calls"])
    gateway = (
        min(billable_calls, 1e9) / 1e6 * price("gateway_million_calls") + max(0.0, billable_calls - 1e9) / 1e6 * 1.50
    )
    pubsub_bytes = messages_per_s * MONTH_SECONDS * MESSAGE_BYTES
    pubsub = max(0.0, pubsub_bytes - 10 * 2**30) / 2**40 * price("pubsub_tib")
    reads = writes = deletes = 0.0
    for route, measured in routes.items():
        r, w, d = FIRESTORE_OPS.get(route, (0, 0, 0))
        per_month = rate * measured["requests"] / total * MONTH_SECONDS
        reads, writes, deletes = reads + r * per_month, writes + w * per_month, deletes + d * per_month
    firestore = (
        reads / 1e5 * price("firestore_100k_reads")
        + writes / 1e5 * price("firestore_100k_writes")
        + deletes / 1e5 * price("firestore_100k_deletes")
    )
    cpus, gib = _sql_tier(tf.tier)
    sql = (cpus * price("sql_vcpu_hour") + gib * price("sql_gib_hour")) * 720 * (2 if tf.regional else 1)
    trace = max(0.0, requests * SPANS_PER_REQUEST - 2.5e6) / 1e6 * price("trace_million_spans")
    logging = max(0.0, requests * LOG_BYTES_PER_REQUEST / 2**30 - 50) * price("logging_gib")
    parts = {
        "cloudRun": run + warm,
        "apiGateway": gateway,
        "cloudSql": sql,
        "firestore": firestore,
        "pubsub": pubsub,
        "traceAndLogs": trace + logging,
    }
    return {**{k: round(v) for k, v in parts.items()}, "total": round(sum(parts.values()))}


def render(result: dict[str, Any]) -> str:
    src, tf = result["source"], result["terraform"]
    rates = result["rates"]
    head = "| | " + " | ".join(f"{r['rate']:,} req/s" for r in rates) + " |"
    rule = "| --- |" + " ---: |" * len(rates)
    lines = [
        f"From the load report of run `{src['runId']}` ({src['users']} users, {src['durationS']} s, {src['started']}, "
        f"{src['machine']}) and prod's `terraform.tfvars` (pool {tf['pool_size']}, max_connections "
        f"{tf['max_connections']}, `{tf['tier']}`{' regional' if tf['regional'] else ''}). Generated by "
        "`scripts/capacity-plan`; do not edit by hand.",
        "",
        head,
        rule,
        "| instances, all functions (at least one per function with traffic) | "
        + " | ".join(str(r["instancesTotal"]) for r in rates)
        + " |",
    ]
    busiest = list(rates[-1]["instances"])[:8]
    for name in busiest:
        lines.append(f"| — {name} | " + " | ".join(str(r["instances"].get(name, 0)) for r in rates) + " |")
    lines += [
        "| functions over their max instances | "
        + " | ".join(", ".join(r["overMaxInstances"]) or "none" for r in rates)
        + " |",
        f"| Cloud SQL connections (max_connections {tf['max_connections']}; at every max instance: "
        f"{result['configuredConnectionBudget']}) | " + " | ".join(str(r["sqlConnections"]) for r in rates) + " |",
        "| Pub/Sub publishes / deliveries per s | "
        + " | ".join(f"{r['pubsubPublishesPerS']} / {r['pubsubDeliveriesPerS']}" for r in rates)
        + " |",
    ]
    for key, label in [
        ("cloudRun", "Cloud Run (+ warm instances)"),
        ("apiGateway", "API Gateway"),
        ("cloudSql", "Cloud SQL"),
        ("firestore", "Firestore"),
        ("pubsub", "Pub/Sub"),
        ("traceAndLogs", "Cloud Trace and Logging"),
        ("total", "**total a month (USD)**"),
    ]:
        lines.append(f"| {label} | " + " | ".join(f"${r['cost'][key]:,}" for r in rates) + " |")
    lines += [
        "",
        "Mix (share of requests by route): "
        + ", ".join(f"`{k}` {v:.1%}" for k, v in sorted(result["mix"].items(), key=lambda kv: -kv[1]))
        + "; events per request: "
        + (", ".join(f"`{k}` {v}" for k, v in result["eventsPerRequest"].items()) or "not measured"),
        "",
        "Prices (USD): " + "; ".join(f"{label}: {_usd(value)}" for value, label in PRICES.values()) + ".",
    ]
    return "\n".join(lines) + "\n"


def _usd(value: float) -> str:
    return "$" + f"{value:.7f}".rstrip("0").rstrip(".")


def write_section(readme: Path, text: str) -> None:
    start, end = MARKER
    content = readme.read_text()
    if start not in content or end not in content:
        raise ValueError(f"{readme} has no {start} … {end} section to refresh")
    before, rest = content.split(start, 1)
    _, after = rest.split(end, 1)
    readme.write_text(f"{before}{start}\n{text}{end}{after}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/capacity-plan", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--report",
        type=Path,
        default=REPORT,
        help=f"a load report (scripts/load's report.json; default: the committed {REPORT.relative_to(REPO_ROOT)})",
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help=f"refresh the plan in {README.relative_to(REPO_ROOT)} and keep the report beside it",
    )
    parser.add_argument("--check", action="store_true", help="fail when the README's plan is not current (lint)")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    args = parser.parse_args(argv)
    report = json.loads(args.report.read_text())
    result = plan(report, load_catalog(), prod_terraform())
    text = render(result)
    if args.check:
        start, end = MARKER
        current = README.read_text().split(start, 1)[-1].split(end, 1)[0]
        if current.strip() != text.strip():
            print(f"capacity-plan: {README.relative_to(REPO_ROOT)} is not current", file=sys.stderr)
            return 1
        return 0
    print(json.dumps(result, indent=2) if args.json else text)
    if args.write:
        if args.report.resolve() != REPORT.resolve():
            REPORT.write_text(json.dumps(report, indent=2) + "\n")  # the plan and its source stay together
        write_section(README, text)
        print(f"capacity-plan: {README.relative_to(REPO_ROOT)} refreshed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
