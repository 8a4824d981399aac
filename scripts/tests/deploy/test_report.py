"""The deploy says which step failed and where that leaves users."""

from __future__ import annotations

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
