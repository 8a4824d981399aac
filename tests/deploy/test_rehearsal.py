"""The real Terraform CLI on the stand-in providers: qa and prod in full, and the plan-time errors fail the plan.

Each test works in a scratch copy (devstack.deploy.standin.rehearse.Workspace): nothing in the
checkout changes. They run terraform and the stand-in providers (gRPC on 127.0.0.1), so they
sit in the e2e tier with the rest of what plays the whole system.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack.catalog import REPO_ROOT
from devstack.deploy.standin import rehearse, scenarios, schema
from devstack.stack import candidate

pytestmark = [pytest.mark.e2e, pytest.mark.own_session]


@pytest.fixture(autouse=True)
def _schema_installed() -> None:
    assert shutil.which("terraform"), "terraform is not installed: https://developer.hashicorp.com/terraform/install"
    try:
        schema.load()
    except schema.SchemaMissing as exc:  # .node-tools comes from scripts/lint-deploy, as for tf_schema's tests
        pytest.skip(f"provider schema not installed ({exc}); run scripts/lint-deploy once")


def planted_source(tmp_path: Path, contracts: bool = False) -> Path:
    """A repository to rehearse: terraform/ (and contracts/) copied, to plant an error in."""
    source = tmp_path / "source"
    source.mkdir()
    shutil.copytree(REPO_ROOT / "terraform", source / "terraform", ignore=shutil.ignore_patterns(".terraform*"))
    for name in rehearse.LINKED:
        if contracts and name == "contracts":
            shutil.copytree(REPO_ROOT / name, source / name)
        else:
            (source / name).symlink_to(REPO_ROOT / name)
    return source


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """scripts/package's bundles of this checkout, made once: every rehearsal here copies them."""
    dist = tmp_path_factory.mktemp("packaged") / "dist"
    subprocess.run(
        [sys.executable, "-m", "devstack.deploy.package", "--out", str(dist)],
        cwd=REPO_ROOT,
        env=os.environ,
        check=True,
        capture_output=True,
    )
    return dist


def plan(tmp_path: Path, packaged: Path, source: Path) -> list[tuple[str, float]]:
    return rehearse.rehearse(
        "qa", tmp_path / "work", log=lambda _: None, until="plan", source=source, packaged=packaged
    )


def test_dollar_brace_in_the_openapi_comments_fails_the_plan(tmp_path: Path, packaged: Path) -> None:
    source = planted_source(tmp_path, contracts=True)
    openapi = source / "contracts" / "openapi.yaml"
    openapi.write_text("# placeholders: ${backend_<function>} and `${...}`\n" + openapi.read_text())
    with pytest.raises(rehearse.StepFailed) as failed:
        plan(tmp_path, packaged, source)
    assert failed.value.step.endswith("plan")
    assert "Invalid expression" in failed.value.output or "Invalid character" in failed.value.output


def test_a_conditional_between_a_list_and_a_string_fails_the_plan(tmp_path: Path, packaged: Path) -> None:
    source = planted_source(tmp_path)
    catalog_tf = source / "terraform" / "modules" / "wellness" / "catalog.tf"
    text = catalog_tf.read_text()
    fixed = '[for t in flatten([try(f.publishes, [])]) : t == "all" ? "*" : t]'
    assert fixed in text
    catalog_tf.write_text(text.replace(fixed, 'try(f.publishes, []) == "all" ? ["*"] : try(f.publishes, [])'))
    with pytest.raises(rehearse.StepFailed) as failed:
        plan(tmp_path, packaged, source)
    assert "Inconsistent conditional result types" in failed.value.output


# What each environment's plain rehearsal ends with: qa round-trips; prod's protected data survives a destroy.
ENDINGS = {
    "qa": ["plan shows no change", "destroy", "apply again"],
    "prod": ["plan shows no change", "destroy", "import what destroy kept", "apply again"],
}


def check_plain(env: str, names: list[str]) -> None:
    assert names[-len(ENDINGS[env]) :] == ENDINGS[env]
    assert {"1st database", "2nd database", "1st migrate", "2nd migrate", "1st promote", "2nd promote"} <= set(names)
    assert ("1st seed" in names) is (env == "qa")


# Both releases, each step of deploy.yml's job, then destroy and apply: about 7 min on a quiet machine.
@pytest.mark.timeout(2400)
def test_prod_two_releases_then_destroy_and_apply_pass_on_the_stand_ins(
    tmp_path: Path, local_stack: Any, packaged: Path
) -> None:
    timings = rehearse.rehearse(
        "prod",
        tmp_path / "work",
        log=print,  # the steps and their times, as they happen, in the test's output
        base_url=local_stack.gateway_url,
        packaged=packaged,
        prometheus_url=local_stack.prometheus_url,
    )
    check_plain("prod", [name for name, _ in timings])


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory, local_stack: Any, packaged: Path) -> Iterator[rehearse.Rehearsal]:
    """qa's first release (package, init, plan, each step of deploy.yml's job), played once for the module:
    every qa test below starts from it (`Rehearsal.scenario` restores its snapshot first)."""
    assert local_stack.prometheus_url, "the local stack runs Prometheus (apt-get install prometheus)"
    with rehearse.Rehearsal(
        "qa",
        tmp_path_factory.mktemp("rehearse-qa") / "work",
        log=print,
        base_url=local_stack.gateway_url,
        packaged=packaged,
        database_url=local_stack.database_url,
        prometheus_url=local_stack.prometheus_url,
        stack=local_stack,
    ) as played:
        played.play(played.release.first_steps())
        played.snapshot()
        yield played


@pytest.mark.timeout(2400)  # the first release (once for the module) and N+1 up to its smoke
def test_a_release_with_a_broken_endpoint_is_stopped_by_the_smoke(qa: rehearse.Rehearsal) -> None:
    """N+1's program-list raises: its candidate is applied, the smoke through the candidate fails on the programs,
    promote never runs; the stand-in and the local stack still serve N."""
    names = [name for name, _ in qa.scenario(scenarios.broken_endpoint)]
    assert names[-2:] == ["2nd smoke: stopped", "not promoted: N serves"]
    assert "smoke: FAILED: programs listed failed (500" in qa.said["2nd smoke: stopped"]
    assert "2nd promote" not in names
    assert "program-list serves N's" in qa.said["not promoted: N serves"]


@pytest.mark.timeout(2400)
def test_a_release_with_a_broken_subscriber_is_stopped_by_the_smoke(qa: rehearse.Rehearsal, local_stack: Any) -> None:
    """N+1's reporting-on-task-completed raises: only its candidate receives the smoke's task.completed, the
    completion is never reported, the smoke fails and promote never runs; N's subscriber still reports."""
    names = [name for name, _ in qa.scenario(scenarios.broken_subscriber)]
    assert names[-2:] == ["2nd smoke: stopped", "not promoted: N serves"]
    assert "smoke: FAILED: completion reported failed" in qa.said["2nd smoke: stopped"]
    log = local_stack.state_dir / "logs" / f"{candidate.PREFIX}reporting-on-task-completed.log"
    assert "a candidate bug" in log.read_text()  # the candidate got the event and failed on it
    assert "reporting-on-task-completed serves N's" in qa.said["not promoted: N serves"]


@pytest.mark.timeout(2400)  # two releases' applies and the promotion's steps
def test_a_healthy_release_is_promoted_in_steps_and_a_regressed_one_rolled_back(qa: rehearse.Rehearsal) -> None:
    """N+1 goes 10 % → 50 % → 100 % while its numbers hold; N+2, whose 5xx rate rises at 10 %, is put back by
    the watch (devstack.deploy.promote) with no one's help, and the record still names N+1."""
    names = [name for name, _ in qa.scenario(scenarios.ProgressivePromotion)]
    assert names[-3:] == ["2nd record (write)", "3rd candidate apply", "3rd promote: rolled back"]
    assert "REGRESSED" in qa.said["3rd promote: rolled back"]


@pytest.mark.timeout(2400)  # a release and a rollback
def test_rollback_after_a_migration_serves_the_older_release(qa: rehearse.Rehearsal) -> None:
    """Release N+1 whose migration expands the schema, scripts/rollback to N: N's revisions and gateway config
    are live again, N's migration job says `ahead` and does nothing, N serves."""
    names = [name for name, _ in qa.scenario(scenarios.RollbackAfterMigration)]
    assert names[-4:] == [
        "scripts/rollback qa first",
        "first is live again",
        "N's migration job: ahead",
        "N serves on N+1's schema",
    ]


@pytest.mark.timeout(2400)  # the second release, then destroy and apply: last, as it takes qa down
def test_qa_two_releases_then_destroy_and_apply_pass_on_the_stand_ins(qa: rehearse.Rehearsal) -> None:
    qa.restore()
    first = [name for name, _ in qa.release.first_steps()]  # played by the fixture
    check_plain("qa", first + [name for name, _ in qa.play(qa.release.later_steps())])
    assert "promote: the candidates are live at 100 %" in qa.said["2nd promote"]  # the promote tool, in steps
