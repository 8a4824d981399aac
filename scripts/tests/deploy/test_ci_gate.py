"""A deploy waits for the CI run of its commit and goes ahead only when it is green."""

from __future__ import annotations

from typing import Any

import pytest

from devstack.deploy import ci_gate

pytestmark = pytest.mark.unit


class FakeGitHub:
    """The workflow-runs endpoint, answering one page a poll from a script of pages."""

    def __init__(self, *pages: list[dict[str, Any]]) -> None:
        self.pages = list(pages)
        self.paths: list[str] = []

    def __call__(self, path: str) -> dict[str, Any]:
        self.paths.append(path)
        return {"workflow_runs": self.pages.pop(0) if len(self.pages) > 1 else self.pages[0]}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def run(state: str, conclusion: str | None = None, run_id: int = 1) -> dict[str, Any]:
    return {"id": run_id, "status": state, "conclusion": conclusion, "html_url": f"https://ci/{run_id}"}


def gate(fake: FakeGitHub, **kwargs: Any) -> str:
    clock = Clock()
    return ci_gate.wait_for_green(fake, "o/r", "abc123", clock=clock, sleep=clock.sleep, log=lambda _: None, **kwargs)


def test_waits_while_ci_runs_then_goes_ahead_when_it_is_green() -> None:
    fake = FakeGitHub([], [run("queued")], [run("in_progress")], [run("completed", "success")])
    assert gate(fake) == "https://ci/1"
    assert fake.paths[0] == "/repos/o/r/actions/workflows/ci.yml/runs?head_sha=abc123&per_page=50"
    assert len(fake.paths) == 4


@pytest.mark.parametrize("conclusion", ["failure", "cancelled", "timed_out"])
def test_a_red_or_cancelled_ci_closes_the_gate(conclusion: str) -> None:
    with pytest.raises(ci_gate.GateClosed, match=conclusion):
        gate(FakeGitHub([run("completed", conclusion)]))


def test_the_newest_run_decides_a_rerun_that_passed_opens_the_gate() -> None:
    runs = [run("completed", "failure", 1), run("completed", "success", 2)]
    assert gate(FakeGitHub(runs)) == "https://ci/2"


def test_a_commit_ci_never_saw_is_not_deployed() -> None:
    with pytest.raises(ci_gate.GateClosed, match="never saw"):
        gate(FakeGitHub([]), grace=120)


def test_ci_that_never_finishes_times_out() -> None:
    with pytest.raises(ci_gate.GateClosed, match="not finished"):
        gate(FakeGitHub([run("in_progress")]), timeout=300)
