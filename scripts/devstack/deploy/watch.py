"""Release watch: after a promotion step, the candidate's error rate and p95 against the live revision's.

    python -m devstack.deploy.watch --prometheus URL | --project PROJECT \\
        --candidates candidate.json --live release.tfvars.json --percent 10 [--at UNIX] [--out step.json]

One query mechanism for the cloud and the rehearsal: the Prometheus HTTP API. Cloud Monitoring
serves PromQL at https://monitoring.googleapis.com/v1/projects/PROJECT/location/global/prometheus
/api/v1/query (an OAuth access token); the local Prometheus at its own /api/v1/query. The query
text is the same: Cloud Run's own metrics under their PromQL names (cloud.google.com/monitoring/
promql/promql-mapping: the first `/` becomes `:`, other `.` and `/` become `_`, a distribution is
queried as a histogram with `_bucket`), `run.googleapis.com/request_count` (labels
response_code_class, and the cloud_run_revision resource's service_name, revision_name) and
`run.googleapis.com/request_latencies` (milliseconds). Locally, whatever serves two revisions
exposes those names and labels (tests/deploy/test_watch.py feeds a recording of two revisions).

The thresholds are the catalog's (`promotion` in functions/catalog.yaml: the catalog-wide
default, overridden per function). A candidate with fewer than `min_requests` in the window is
not judged (qa has little traffic): the step says so and the promotion goes on.

Exit status: 0 every changed function is healthy (or not judged), 3 a regression (the workflow
rolls back), 1 the metrics could not be read (the workflow rolls back too: unwatched is unsafe).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Protocol

import yaml

from devstack.catalog import FUNCTIONS_DIR

CLOUD_MONITORING = "https://monitoring.googleapis.com/v1/projects/{project}/location/global/prometheus"
REQUESTS = "run_googleapis_com:request_count"
LATENCIES = "run_googleapis_com:request_latencies_bucket"


@dataclasses.dataclass(frozen=True)
class Policy:
    """How a release is promoted and when a candidate counts as regressed (catalog `promotion`)."""

    steps: tuple[int, ...]
    window_seconds: int
    min_requests: int
    max_error_rate_increase: float  # absolute: 0.01 = one point of percentage above the live revision's
    max_p95_ratio: float  # the candidate's p95 over the live revision's


def policy(function: str, catalog: Path = FUNCTIONS_DIR / "catalog.yaml") -> Policy:
    """The function's own `promotion` values, else the catalog-wide default (as sizing works).

    The steps are the release's, one traffic split for every changed function: a function cannot
    have its own.
    """
    raw = yaml.safe_load(catalog.read_text())
    own = raw["functions"].get(function, {}).get("promotion", {})
    if "steps" in own:
        raise ValueError(f"{function}: promotion steps are release-wide (defaults.promotion.steps)")
    merged = {**raw["defaults"]["promotion"], **own}
    steps = tuple(int(s) for s in merged["steps"])
    if not steps or steps[-1] != 100 or list(steps) != sorted(set(steps)) or steps[0] <= 0:
        raise ValueError(f"{function}: promotion steps rise to 100 (e.g. [10, 50, 100]; [100] is instant)")
    return Policy(
        steps=steps,
        window_seconds=int(merged["window_seconds"]),
        min_requests=int(merged["min_requests"]),
        max_error_rate_increase=float(merged["max_error_rate_increase"]),
        max_p95_ratio=float(merged["max_p95_ratio"]),
    )


def release_steps(catalog: Path = FUNCTIONS_DIR / "catalog.yaml") -> tuple[int, ...]:
    """The percentages a release's candidates take in turn (defaults.promotion.steps; [100]: at once)."""
    raw = yaml.safe_load(catalog.read_text())
    return policy(next(iter(raw["functions"])), catalog).steps


def selector(service: str, revision: str, extra: str = "") -> str:
    return f'{{monitored_resource="cloud_run_revision",service_name="{service}",revision_name="{revision}"{extra}}}'


def queries(service: str, revision: str, window: int) -> dict[str, str]:
    """The PromQL of one revision's numbers over the window (the same text for both backends).

    >>> queries("auth-login", "auth-login-0a", 300)["errors"]
    'sum(increase(run_googleapis_com:request_count{monitored_resource="cloud_run_revision",service_name="auth-login",revision_name="auth-login-0a",response_code_class="5xx"}[300s]))'
    """
    errors = selector(service, revision, ',response_code_class="5xx"')
    return {
        "requests": f"sum(increase({REQUESTS}{selector(service, revision)}[{window}s]))",
        "errors": f"sum(increase({REQUESTS}{errors}[{window}s]))",
        "p95_ms": f"histogram_quantile(0.95, sum by (le) (rate({LATENCIES}{selector(service, revision)}[{window}s])))",
    }


class Query(Protocol):
    def __call__(self, promql: str, at: float | None) -> float | None: ...


class PrometheusApi:
    """GET /api/v1/query on a Prometheus HTTP API: the first sample's value, None when there is none."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token

    def __call__(self, promql: str, at: float | None) -> float | None:
        params = {"query": promql, **({"time": f"{at:.3f}"} if at is not None else {})}
        url = f"{self.base_url}/api/v1/query?{urllib.parse.urlencode(params)}"
        request = urllib.request.Request(url)  # noqa: S310 (https or local URL)
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (https or local URL)
                answer: dict[str, Any] = json.load(response)
        except urllib.error.HTTPError as exc:
            raise WatchError(f"{exc.code} from {self.base_url}: {exc.read()[:300]!r} for {promql}") from None
        except OSError as exc:
            raise WatchError(f"cannot reach {self.base_url}: {exc}") from None
        result = answer.get("data", {}).get("result", [])
        if not result:
            return None
        value = float(result[0]["value"][1])
        return None if math.isnan(value) else value


class WatchError(RuntimeError):
    pass


@dataclasses.dataclass(frozen=True)
class Numbers:
    requests: float
    error_rate: float
    p95_ms: float | None

    def show(self) -> str:
        p95 = "n/a" if self.p95_ms is None else f"{self.p95_ms:.0f} ms"
        return f"{self.requests:.0f} requests, {self.error_rate:.2%} 5xx, p95 {p95}"


def measure(query: Query, service: str, revision: str, window: int, at: float | None) -> Numbers:
    promql = queries(service, revision, window)
    requests = query(promql["requests"], at) or 0.0
    errors = query(promql["errors"], at) or 0.0
    return Numbers(requests, errors / requests if requests else 0.0, query(promql["p95_ms"], at))


@dataclasses.dataclass(frozen=True)
class Verdict:
    function: str
    candidate: Numbers
    live: Numbers
    healthy: bool
    why: str


def judge(function: str, candidate: Numbers, live: Numbers, rules: Policy) -> Verdict:
    """Healthy unless the candidate's error rate or p95 is beyond the thresholds over the live revision's.

    >>> rules = Policy((10, 50, 100), 300, 20, 0.01, 1.5)
    >>> judge("f", Numbers(100, 0.08, 120), Numbers(900, 0.01, 100), rules).why
    '5xx rate 8.00% vs 1.00% live (allowed +1.00 points)'
    >>> judge("f", Numbers(100, 0.0, 400), Numbers(900, 0.0, 100), rules).why
    'p95 400 ms vs 100 ms live (allowed x1.5)'
    >>> judge("f", Numbers(5, 1.0, 900), Numbers(900, 0.0, 100), rules).healthy
    True
    """
    if candidate.requests < rules.min_requests:
        return Verdict(
            function, candidate, live, True, f"not judged: {candidate.requests:.0f} < {rules.min_requests} requests"
        )
    if candidate.error_rate - live.error_rate > rules.max_error_rate_increase:
        why = (
            f"5xx rate {candidate.error_rate:.2%} vs {live.error_rate:.2%} live "
            f"(allowed +{rules.max_error_rate_increase * 100:.2f} points)"
        )
        return Verdict(function, candidate, live, False, why)
    if candidate.p95_ms is not None and live.p95_ms and candidate.p95_ms > live.p95_ms * rules.max_p95_ratio:
        why = f"p95 {candidate.p95_ms:.0f} ms vs {live.p95_ms:.0f} ms live (allowed x{rules.max_p95_ratio:g})"
        return Verdict(function, candidate, live, False, why)
    return Verdict(function, candidate, live, True, "within thresholds")


def as_dict(verdict: Verdict) -> dict[str, Any]:
    return dataclasses.asdict(verdict)


def watch(query: Query, changed: dict[str, tuple[str, str]], at: float | None = None) -> list[Verdict]:
    """A verdict per changed function: {function: (live revision, candidate revision)}."""
    verdicts = []
    for function, (live, candidate) in sorted(changed.items()):
        rules = policy(function)
        verdicts.append(
            judge(
                function,
                measure(query, function, candidate, rules.window_seconds, at),
                measure(query, function, live, rules.window_seconds, at),
                rules,
            )
        )
    return verdicts


def changed_functions(candidate_outputs: dict[str, Any], live_vars: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """{function: (live, candidate)} for the functions this release gives a new revision (and that had one)."""
    candidates: dict[str, str] = candidate_outputs["candidate_revisions"]["value"]
    live: dict[str, str] = live_vars["live_revisions"]
    return {f: (live[f], rev) for f, rev in candidates.items() if f in live and live[f] != rev}


def access_token() -> str:
    done = subprocess.run(["gcloud", "auth", "print-access-token"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise WatchError(f"no access token: {done.stderr.strip()[:300]}")
    return done.stdout.strip()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.deploy.watch", description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--prometheus", help="a Prometheus HTTP API (the local one)")
    where.add_argument("--project", help="Cloud Monitoring's PromQL API of this project")
    parser.add_argument("--candidates", type=Path, required=True, help="terraform output -json of the candidate apply")
    parser.add_argument("--live", type=Path, required=True, help="release.tfvars.json (the live revisions)")
    parser.add_argument("--percent", type=int, required=True, help="the step just applied (for the report)")
    parser.add_argument("--at", type=float, help="evaluate at this UNIX time (default: now)")
    parser.add_argument("--out", type=Path, help="append this step's verdicts (JSON lines) for the report")
    args = parser.parse_args(argv)
    changed = changed_functions(json.loads(args.candidates.read_text()), json.loads(args.live.read_text()))
    try:
        query = (
            PrometheusApi(args.prometheus)
            if args.prometheus
            else PrometheusApi(CLOUD_MONITORING.format(project=args.project), access_token())
        )
        verdicts = watch(query, changed, args.at)
    except WatchError as exc:
        print(f"watch: {exc}", file=sys.stderr)
        return 1
    for v in verdicts:
        print(
            f"watch {args.percent}%: {v.function}: {'ok' if v.healthy else 'REGRESSED'} ({v.why}); "
            f"candidate {v.candidate.show()}; live {v.live.show()}"
        )
    if args.out:
        with args.out.open("a") as out:
            for v in verdicts:
                out.write(json.dumps({"percent": args.percent, **as_dict(v)}) + "\n")
    return 0 if all(v.healthy for v in verdicts) else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
