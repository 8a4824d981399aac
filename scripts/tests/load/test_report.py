"""The load report from Locust's CSV files: routes, failures, the steady rate, and its text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devstack.load import model, report

pytestmark = pytest.mark.unit

HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)
HISTORY = (
    "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,"
    "Total Request Count,Total Failure Count"
)


def _locust_files(tmp_path: Path) -> Path:
    prefix = tmp_path / "locust"
    (tmp_path / "locust_stats.csv").write_text(
        "\n".join(
            [
                HEADER,
                "GET,GET /v1/me/tasks,300,0,12,15.5,3,90,200,5.0,0.0,12,14,16,18,25,40,60,80,90,90,90",
                "POST,POST /v1/auth/signup,20,1,200,210.2,150,400,300,0.3,0.0,"
                "200,210,220,230,300,350,400,400,400,400,400",
                ",Aggregated,320,1,13,27.9,3,400,210,5.3,0.0,13,15,17,19,30,60,200,300,400,400,400",
            ]
        )
        + "\n"
    )
    (tmp_path / "locust_failures.csv").write_text(
        "Method,Name,Error,Occurrences\nPOST,POST /v1/auth/signup,429 RATE_LIMITED,1\n"
    )
    rows = [HISTORY]
    for second, users, rps in [(100, 2, 1.0), (105, 10, 4.0), (110, 10, 6.0), (111, 10, 9.0), (115, 10, 5.0)]:
        rows.append(f"{second},{users},,Aggregated,{rps},0.0,13,15,17,19,30,60,200,300,400,400,400,10,0")
        rows.append(f"{second},{users},GET,GET /v1/me/tasks,{rps},0.0,13,15,17,19,30,60,200,300,400,400,400,10,0")
    (tmp_path / "locust_stats_history.csv").write_text("\n".join(rows) + "\n")
    return prefix


def test_routes_failures_and_a_five_second_timeline_come_from_locust_s_files(tmp_path: Path) -> None:
    got = report.read_locust(_locust_files(tmp_path))
    assert got["totals"]["requests"] == 320 and got["totals"]["p95"] == 60.0
    assert [r["route"] for r in got["routes"]] == ["GET /v1/me/tasks", "POST /v1/auth/signup"]  # busiest first
    assert got["failures"] == [{"route": "POST /v1/auth/signup", "error": "429 RATE_LIMITED", "count": 1}]
    assert [p["t"] for p in got["timeline"]] == [0, 5, 10, 15]  # one point per 5 s, the 11th second left out
    # Steady: only while every user runs, the ramp-up left out.
    assert report.steady_rps(got["timeline"], users=10) == 5.0


def test_the_text_report_names_each_route_and_what_was_not_measured(tmp_path: Path) -> None:
    run = {
        "runId": "abc",
        "baseUrl": "http://127.0.0.1:8080",
        "users": 10,
        "durationS": 15,
        "spawnRate": 1.0,
        "started": "2026-11-30T00:00:00Z",
        "finished": "2026-11-30T00:00:20Z",
        "machine": "2 CPUs",
    }
    built = report.build(run, report.read_locust(_locust_files(tmp_path)), None, None)
    assert built["steadyRps"] == 5.0 and built["realDailyUsers"] == model.real_daily_users(5.0)
    json_path, text_path = report.write(built, tmp_path / "out")
    text = text_path.read_text()
    assert json_path.exists()
    assert "| POST /v1/auth/signup | 20 | 1 |" in text
    assert "429 RATE_LIMITED × 1" in text
    assert "Not measured: event lag" in text


def test_the_model_s_rate_converts_to_real_daily_users() -> None:
    # 1 request/s at the peak hour is a third of that on average: 28,800 requests a day.
    assert model.real_daily_users(1.0) == 28_800 // model.REQUESTS_PER_REAL_USER_DAY
    assert 3 < model.expected_requests_per_session() < 8


def test_the_steady_phase_counts_only_requests_after_every_user_was_spawned_and_before_the_end(tmp_path: Path) -> None:
    samples = tmp_path / "requests.jsonl"
    lines = [
        {"t": 99.0, "route": "POST /v1/auth/signup", "ms": 900.0, "ok": True},  # the ramp: left out
        {"t": 100.0, "spawned": 10},
        *({"t": 100.0 + n, "route": "GET /v1/me/tasks", "ms": float(n), "ok": n != 7} for n in range(1, 11)),
        {"t": 130.0, "route": "GET /v1/me/tasks", "ms": 5000.0, "ok": False},  # after the end: left out
    ]
    samples.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    steady = report.steady_phase(samples, end=120.0)
    assert steady is not None
    assert steady["seconds"] == 20.0
    assert steady["totals"] == {
        "route": "all", "requests": 10, "failures": 1, "rps": 0.5, "avg": 5.5,
        "p50": 5.0, "p95": 10.0, "p99": 10.0, "max": 10.0,
    }  # fmt: skip
    assert report.steady_phase(tmp_path / "missing.jsonl", end=120.0) is None
