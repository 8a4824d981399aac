"""The rehearsal plays every step of deploy.yml's deploy job, in each release, where the workflow runs it.

Read from the workflow itself (a YAML parser), so a step added to the job and not to the
rehearsal (or a step the rehearsal names that the job no longer has) fails here.
"""

from __future__ import annotations

import re
import types
from pathlib import Path
from typing import Any

import pytest
import yaml

from devstack.catalog import REPO_ROOT
from devstack.deploy.standin import rehearse

pytestmark = pytest.mark.unit

DEPLOY_JOB: list[dict[str, Any]] = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "deploy.yml").read_text())[
    "jobs"
]["deploy"]["steps"]


def key(step: dict[str, Any]) -> str:
    """How rehearse.PLAYED and NOT_PLAYED name a step: its id, else its action, else its name."""
    return str(step.get("id") or step.get("uses", "").split("@")[0] or step["name"].lower())


def runs_in(step: dict[str, Any], env: str) -> bool:
    """Whether the deploy job of `env` runs the step when everything succeeds (its `if`)."""
    condition = str(step.get("if", "success()"))
    if condition == "env.TF_ENV == 'qa'":
        return env == "qa"
    return "failure()" not in condition  # always() and no condition: yes; the rollback's: no


def steps_of(env: str, tmp_path: Path) -> list[str]:
    """Release.steps()'s names, on a stand-in of the Workspace (only what building the list reads)."""
    ws = types.SimpleNamespace(
        env=env, root=tmp_path, env_dir=REPO_ROOT / "terraform" / "envs" / env, dist=tmp_path / "dist", package=None
    )
    return [name for name, _ in rehearse.Release(ws, None).steps()]  # type: ignore[arg-type]


def test_every_step_of_the_deploy_job_is_played_or_said_why_not() -> None:
    keys = [key(step) for step in DEPLOY_JOB]
    assert [k for k in keys if k not in rehearse.PLAYED and k not in rehearse.NOT_PLAYED] == []
    assert sorted(set(rehearse.PLAYED) | set(rehearse.NOT_PLAYED)) == sorted(keys), "a step the job no longer has"


@pytest.mark.parametrize("env", ["qa", "prod"])
def test_each_release_plays_the_steps_the_job_runs_for_the_environment_in_its_order(env: str, tmp_path: Path) -> None:
    names = steps_of(env, tmp_path)
    in_each_release = [s for s in DEPLOY_JOB if key(s) in rehearse.PLAYED and key(s) != "package"]
    expected = [rehearse.PLAYED[key(s)] for s in in_each_release if runs_in(s, env)]
    for nth in ("1st", "2nd"):
        played = [n.removeprefix(f"{nth} ") for n in names if n.startswith(f"{nth} ")]
        assert [n for n in played if n in rehearse.PLAYED.values()] == expected
    assert names[0] == "package"  # the first release's package; the second's is "one bundle changes"
    assert ("1st seed" in names) is (env == "qa")


def test_the_report_is_given_the_outcomes_the_workflow_gives_it() -> None:
    report = next(step for step in DEPLOY_JOB if key(step) == "report")
    assert re.findall(r"(\w+)=\$\{\{", report["env"]["OUTCOMES"]) == rehearse.REPORTED
