"""The release watch's decisions, on a real Prometheus holding a recording of two revisions' metrics.

The recording is Cloud Run's own metrics under their PromQL names and labels (what Cloud
Monitoring's PromQL API answers), written as OpenMetrics and loaded with `promtool tsdb
create-blocks-from openmetrics` (Prometheus' own backfill): a live revision and candidates that
are healthy, failing, slow or never called (devstack.deploy.standin.cloud_run_metrics). The
watch asks the query text it asks Cloud Monitoring, at the recording's last instant (the
promotion tests at "now", which the recording's window covers).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.deploy import promote, watch
from devstack.deploy.standin.cloud_run_metrics import STEP_SECONDS, Traffic, openmetrics, samples
from devstack.stack.procs import free_port
from devstack.stack.prometheus import Prometheus, prometheus_binary, promtool_binary

pytestmark = pytest.mark.integration

SERVICE = "auth-login"
SAMPLES = 80  # 20 minutes at 15 s: more than the catalog's 300 s window
REVISIONS = {
    "auth-login-live": Traffic(calls=90, errors=1, latency_ms=100),
    "auth-login-good": Traffic(calls=10, errors=0, latency_ms=100),
    "auth-login-failing": Traffic(calls=10, errors=2, latency_ms=100),
    "auth-login-slow": Traffic(calls=10, errors=0, latency_ms=800),
    "auth-login-unreached": Traffic(calls=0, errors=0, latency_ms=1600),  # nothing to judge
}


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A local Prometheus with the recording loaded: (its URL, the recording's last instant)."""
    if prometheus_binary() is None or promtool_binary() is None:
        pytest.fail("prometheus/promtool are not installed: apt-get install prometheus (.ci/run does)")
    root = tmp_path_factory.mktemp("watch-prometheus")
    end = int(time.time()) - 60  # recent: within the retention
    (root / "recording.om").write_text(openmetrics(list(samples(SERVICE, REVISIONS, end, SAMPLES))))
    subprocess.run(
        [
            str(promtool_binary()),
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            str(root / "recording.om"),
            str(root / "data"),
        ],
        check=True,
        capture_output=True,
    )
    prometheus = Prometheus(free_port(), root, root / "prometheus.log")
    prometheus.start()
    try:
        prometheus.wait_ready(60)
        yield prometheus.url, end
    finally:
        assert prometheus.popen is not None
        prometheus.popen.terminate()
        prometheus.popen.wait(30)


def verdict(recorded: tuple[str, int], candidate: str) -> watch.Verdict:
    url, end = recorded
    (found,) = watch.watch(watch.PrometheusApi(url), {SERVICE: ("auth-login-live", candidate)}, at=end)
    return found


def test_the_recording_is_what_the_queries_read(recorded: tuple[str, int]) -> None:
    url, end = recorded
    live = watch.measure(watch.PrometheusApi(url), SERVICE, "auth-login-live", 300, end)
    assert live.requests == pytest.approx(90 * 300 / STEP_SECONDS, rel=0.1)
    assert live.error_rate == pytest.approx(1 / 90, rel=0.05)
    assert live.p95_ms is not None and 50 < live.p95_ms <= 100


def test_a_healthy_candidate_passes(recorded: tuple[str, int]) -> None:
    found = verdict(recorded, "auth-login-good")
    assert found.healthy and found.why == "within thresholds", found


def test_a_candidate_whose_errors_rise_is_a_regression(recorded: tuple[str, int]) -> None:
    found = verdict(recorded, "auth-login-failing")
    assert not found.healthy and found.why.startswith("5xx rate 20.00% vs 1.11% live"), found


def test_a_slower_candidate_is_a_regression(recorded: tuple[str, int]) -> None:
    found = verdict(recorded, "auth-login-slow")
    assert not found.healthy and found.why.startswith("p95 "), found
    assert found.candidate.p95_ms is not None and found.live.p95_ms is not None
    assert found.candidate.p95_ms > 1.5 * found.live.p95_ms


def test_a_candidate_no_request_reached_is_not_judged(recorded: tuple[str, int]) -> None:
    found = verdict(recorded, "auth-login-unreached")
    assert found.healthy and found.why.startswith("not judged"), found


def test_the_command_exits_3_on_a_regression_and_writes_the_step(recorded: tuple[str, int], tmp_path: Path) -> None:
    url, end = recorded
    outputs = {"candidate_revisions": {"value": {SERVICE: "auth-login-failing", "auth-signup": "auth-signup-1"}}}
    live = {"live_revisions": {SERVICE: "auth-login-live", "auth-signup": "auth-signup-1"}, "live_api_config": "c"}
    (tmp_path / "candidate.json").write_text(json.dumps(outputs))
    (tmp_path / "release.tfvars.json").write_text(json.dumps(live))
    argv = ["--prometheus", url, "--candidates", str(tmp_path / "candidate.json"), "--live"]
    argv += [str(tmp_path / "release.tfvars.json"), "--percent", "10", "--at", str(end), "--out", str(tmp_path / "w")]
    assert watch.main(argv) == 3
    (step,) = [json.loads(line) for line in (tmp_path / "w").read_text().splitlines()]  # auth-signup is unchanged
    assert step["percent"] == 10 and step["function"] == SERVICE and step["healthy"] is False


@pytest.mark.parametrize(
    ("candidate", "applies", "promoted"),
    [
        ("auth-login-good", [("live", 10), ("live", 50), ("promote", 0)], True),
        ("auth-login-failing", [("live", 10), ("live", 0)], False),
    ],
    ids=["healthy-promoted-in-steps", "regressed-rolled-back-after-the-first-step"],
)
def test_a_promotion_steps_up_while_healthy_and_rolls_back_on_a_regression(
    recorded: tuple[str, int], tmp_path: Path, candidate: str, applies: list[tuple[str, int]], promoted: bool
) -> None:
    """The applies are recorded (Terraform is the rehearsal's business); the watch asks the real Prometheus."""
    url, _ = recorded
    done: list[tuple[str, int]] = []
    settled: list[int] = []
    live, promote_vars = tmp_path / "live.tfvars.json", tmp_path / "promote.tfvars.json"
    outcome = promote.promote(
        lambda var_file, percent: done.append(("live" if var_file == live else "promote", percent)),
        watch.PrometheusApi(url),
        {SERVICE: ("auth-login-live", candidate)},
        live,
        promote_vars,
        (10, 50, 100),
        lambda: settled.append(len(done)),
        log=lambda _: None,
        report_to=tmp_path / "steps.jsonl",
    )
    assert (outcome, done) == (promoted, applies)
    assert settled == ([1, 2] if promoted else [1])  # judged after each step's apply, before the next
    steps = [json.loads(line) for line in (tmp_path / "steps.jsonl").read_text().splitlines()]
    assert steps[0]["percent"] == 10 and steps[0]["verdicts"][0]["function"] == SERVICE
    assert [s["decision"] for s in steps] == (
        ["continue", "continue", "promoted"] if promoted else ["roll back", "rolled back"]
    )


def test_without_a_changed_function_the_promotion_is_immediate(tmp_path: Path) -> None:
    done: list[int] = []
    assert promote.promote(
        lambda _, percent: done.append(percent),
        watch.PrometheusApi("http://127.0.0.1:9"),  # never asked
        {},
        tmp_path / "live",
        tmp_path / "promote",
        (10, 50, 100),
        lambda: pytest.fail("nothing to watch"),
        log=lambda _: None,
    )
    assert done == [0]
