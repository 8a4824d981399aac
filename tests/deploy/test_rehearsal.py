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
from pathlib import Path
from typing import Any

import pytest

from devstack.catalog import REPO_ROOT
from devstack.deploy.standin import rehearse, schema

pytestmark = pytest.mark.e2e

ENVS = ["qa", "prod"]


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


# What each environment's rehearsal ends with: qa round-trips; prod's protected data survives a destroy.
ENDINGS = {
    "qa": ["plan shows no change", "destroy", "apply again"],
    "prod": ["plan shows no change", "destroy", "import what destroy kept", "apply again"],
}


# Both releases, each step of deploy.yml's job (the plan of both environments included), then
# destroy and apply: about 7 min per environment on a quiet machine, 15+ under load.
@pytest.mark.timeout(2400)
@pytest.mark.parametrize("env", ENVS)
def test_two_releases_then_destroy_and_apply_pass_on_the_stand_ins(
    env: str, tmp_path: Path, local_stack: Any, packaged: Path
) -> None:
    timings = rehearse.rehearse(
        env,
        tmp_path / "work",
        log=print,  # the steps and their times, as they happen, in the test's output
        base_url=local_stack.gateway_url,
        packaged=packaged,
    )
    names = [name for name, _ in timings]
    assert names[-len(ENDINGS[env]) :] == ENDINGS[env]
    assert {"1st database", "2nd database", "1st migrate", "2nd migrate"} <= set(names)
    assert ("1st seed" in names) is (env == "qa")


@pytest.mark.timeout(2400)  # two releases and a rollback (no destroy): a few minutes, more under load
def test_rollback_after_a_migration_serves_the_older_release(tmp_path: Path, local_stack: Any, packaged: Path) -> None:
    """Release N, release N+1 whose migration expands the schema, scripts/rollback to N: N's revisions
    and gateway config are live again, N's migration job says `ahead` and does nothing, N serves."""
    from devstack.deploy.standin import scenarios

    timings = rehearse.rehearse(
        "qa",
        tmp_path / "work",
        log=print,
        base_url=local_stack.gateway_url,
        database_url=local_stack.database_url,
        packaged=packaged,
        scenario=scenarios.RollbackAfterMigration,
    )
    assert [name for name, _ in timings][-4:] == [
        "scripts/rollback qa first",
        "first is live again",
        "N's migration job: ahead",
        "N serves on N+1's schema",
    ]


@pytest.mark.timeout(2400)  # three releases' applies and the promotion's steps: a few minutes, more under load
def test_a_healthy_release_is_promoted_in_steps_and_a_regressed_one_rolled_back(
    tmp_path: Path, local_stack: Any, packaged: Path
) -> None:
    """N+1 goes 10 % → 50 % → 100 % while its numbers hold; N+2, whose 5xx rate rises at 10 %, is put back by
    the watch (devstack.deploy.promote) with no one's help, and the record still names N+1."""
    from devstack.deploy.standin import scenarios

    assert local_stack.prometheus_url, "the local stack runs Prometheus (apt-get install prometheus)"
    timings = rehearse.rehearse(
        "qa",
        tmp_path / "work",
        log=print,
        base_url=local_stack.gateway_url,
        database_url=local_stack.database_url,
        prometheus_url=local_stack.prometheus_url,
        packaged=packaged,
        scenario=scenarios.ProgressivePromotion,
    )
    assert [name for name, _ in timings][-3:] == [
        "2nd record (write)",
        "3rd candidate apply",
        "3rd promote: rolled back",
    ]
