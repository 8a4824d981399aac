"""The deploy says which step failed and where that leaves users."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devstack.deploy import report

pytestmark = pytest.mark.unit

ALL_GREEN = {step: "success" for step in report.STEPS} | {"rollback": "skipped"}


def test_a_full_release_is_reported_as_released() -> None:
    assert report.verdict(ALL_GREEN) == (True, "released: users are on the new revisions and API config")


@pytest.mark.parametrize("step", report.BEFORE_PROMOTION)
def test_any_failure_before_promotion_names_the_step_and_leaves_users_where_they_were(step: str) -> None:
    outcomes = {s: "success" for s in report.STEPS} | {step: "failure"}
    later = list(report.STEPS)[list(report.STEPS).index(step) + 1 :]
    outcomes |= {s: "skipped" for s in later}
    released, message = report.verdict(outcomes)
    assert not released
    assert message.startswith(report.STEPS[step] + " failed")
    assert "still on the previous revisions and API config" in message


def test_a_half_done_promotion_is_rolled_back_or_says_it_could_not_be() -> None:
    failed = ALL_GREEN | {"promote": "failure", "promoted": "skipped"}
    assert "rolled back" in report.verdict(failed | {"rollback": "success"})[1]
    assert "split between releases" in report.verdict(failed | {"rollback": "failure"})[1]


def test_a_record_that_could_not_be_written_is_loud() -> None:
    released, message = report.verdict(ALL_GREEN | {"promoted": "failure"})
    assert not released and "ARE on the new release" in message


def test_main_writes_the_step_table_and_fails_the_job(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert report.main(["package=success", "record=success", "candidate=failure"]) == 1
    text = summary.read_text()
    assert "| apply the candidate | failure |" in text and "| run the migrations | not run |" in text


@pytest.mark.parametrize("step", report.AFTER_RELEASE)
def test_a_failure_after_the_release_says_users_are_on_it_and_fails_the_job(step: str) -> None:
    released, message = report.verdict(ALL_GREEN | {"reference": "success", "seed": "success", step: "failure"})
    assert not released
    assert message.startswith("released: users are on the new revisions") and report.AFTER_RELEASE[step] in message
    assert report.verdict(ALL_GREEN | {"reference": "success", "seed": "skipped"})[0]  # prod: no seed


def _step(percent: int, decision: str, healthy: bool | None = None) -> str:
    verdicts = []
    if healthy is not None:
        numbers = {"requests": 200.0, "error_rate": 0.0 if healthy else 0.2, "p95_ms": 90.0}
        live = {"requests": 1800.0, "error_rate": 0.01, "p95_ms": 95.0}
        why = "within thresholds" if healthy else "5xx rate 20.00% vs 1.00% live"
        verdicts = [{"function": "auth-login", "healthy": healthy, "why": why, "candidate": numbers, "live": live}]
    return json.dumps({"percent": percent, "decision": decision, "unread": "", "verdicts": verdicts})


def test_the_summary_shows_each_promotion_step_its_numbers_and_decision(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    summary, steps = tmp_path / "summary.md", tmp_path / "promotion.jsonl"
    steps.write_text("\n".join([_step(10, "continue", True), _step(50, "continue", True), _step(100, "promoted")]))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("PROMOTION_STEPS", str(steps))
    assert report.main([f"{s}=success" for s in report.STEPS]) == 0
    text = summary.read_text()
    assert "| 10 % | auth-login | 200 req, 0.00% 5xx, p95 90 ms | 1800 req, 1.00% 5xx, p95 95 ms | ok: within" in text
    assert "| 50 % | auth-login |" in text and "| 100 % | | | | | promoted |" in text


def test_a_regression_the_watch_rolled_back_is_the_runs_verdict(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    summary, steps = tmp_path / "summary.md", tmp_path / "promotion.jsonl"
    steps.write_text("\n".join([_step(10, "roll back", False), _step(0, "rolled back")]))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("PROMOTION_STEPS", str(steps))
    outcomes = [f"{s}=success" for s in report.STEPS if s not in ("promote", "promoted")]
    assert report.main([*outcomes, "promote=failure", "promoted=skipped", "rollback=success"]) == 1
    text = summary.read_text()
    assert "REGRESSED: 5xx rate 20.00% vs 1.00% live | roll back |" in text
    assert "**the watch stopped the promotion at 10 %: rolled back automatically" in text
