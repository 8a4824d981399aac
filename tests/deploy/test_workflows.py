"""The workflows: per-domain CI follows the catalog; deploy is gated, blue/green, pinned and scoped."""

import re
from pathlib import Path
from typing import Any

import pytest

from devstack.catalog import REPO_ROOT, load_catalog
from devstack.deploy import workflows
from wellness.platform.strict_yaml import read_yaml

pytestmark = pytest.mark.unit


def test_every_domain_has_a_current_workflow_and_no_workflow_is_orphaned() -> None:
    assert workflows.main([]) == 0, "run PYTHONPATH=scripts .venv/bin/python -m devstack.deploy.workflows --write"


@pytest.mark.parametrize("domain", load_catalog().domains)
def test_domain_workflow_filters_include_shared_and_contracts(domain: str) -> None:
    doc = read_yaml(workflows.path_for(domain))
    paths = doc[True]["pull_request"]["paths"]  # YAML 1.1 reads the key `on` as True
    assert {"shared/**", "contracts/**"} <= set(paths)
    for fn in load_catalog().functions:
        if fn.domain == domain:
            assert f"functions/{fn.name}/**" in paths
            assert f"functions/{fn.name}" in doc["jobs"]["test"]["with"]["tests"]


@pytest.mark.parametrize("domain", load_catalog().domains)
def test_domain_workflow_runs_the_contract_tests(domain: str) -> None:
    doc = read_yaml(workflows.path_for(domain))
    assert doc["jobs"]["test"]["uses"] == "./.github/workflows/domain-tests.yml"
    assert "tests/contract" in doc["jobs"]["test"]["with"]["tests"].split()


def test_domain_tests_gate_breaking_changes_against_the_pull_requests_base() -> None:
    """Without history or a base, the gate would compare HEAD with itself and pass whatever changed."""
    job = read_yaml(REPO_ROOT / ".github/workflows/domain-tests.yml")["jobs"]["test"]
    checkout = next(step for step in job["steps"] if str(step.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    test_step = next(step for step in job["steps"] if "scripts/test" in str(step.get("run", "")))
    assert test_step["env"]["CONTRACT_BASE"] == "${{ github.event.pull_request.base.sha }}"
    assert '"unit or integration or functional"' in test_step["run"]


# --- The deploy workflow and the actions it uses ------------------------------------------------

GITHUB = REPO_ROOT / ".github"
README = (REPO_ROOT / "terraform/README.md").read_text()


def workflow_files() -> list[Path]:
    return sorted(GITHUB.glob("workflows/*.yml")) + sorted(GITHUB.glob("actions/*/action.yml"))


def deploy() -> dict[Any, Any]:
    doc: dict[Any, Any] = read_yaml(GITHUB / "workflows/deploy.yml")
    return doc


@pytest.mark.parametrize("path", workflow_files(), ids=lambda p: str(p.relative_to(GITHUB)))
def test_every_action_is_pinned_by_a_full_commit_sha_with_its_version(path: Path) -> None:
    for line in path.read_text().splitlines():
        found = re.search(r"uses:\s*(\S+)(.*)$", line)
        if not found or found.group(1).startswith("./"):
            continue
        ref = found.group(1)
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), f"{path.name}: {ref} is not pinned by SHA"
        assert re.search(r"#\s*v\d+\.\d+\.\d+", found.group(2)), f"{path.name}: say which version {ref} is"


def test_every_third_party_action_is_on_a_node24_major() -> None:
    """The versions whose action.yml declares `using: node24` (read from each repository's tags)."""
    node24 = {
        "actions/checkout": 5,
        "actions/setup-python": 6,
        "actions/setup-java": 5,
        "google-github-actions/auth": 3,
        "hashicorp/setup-terraform": 4,
    }
    for path in workflow_files():
        for name, major in re.findall(r"uses:\s*([\w.-]+/[\w.-]+)@[0-9a-f]{40}\s*#\s*v(\d+)", path.read_text()):
            assert name in node24, f"{path.name}: {name} is new here: check its runtime and add it"
            assert int(major) >= node24[name], f"{path.name}: {name} v{major} runs on Node 20, being removed"


def test_ci_and_deploy_install_the_terraform_the_environments_require() -> None:
    """setup-backend (CI) and terraform-env (deploy) pin the same setup-terraform and terraform."""
    pins = {
        path.name if path.name != "action.yml" else path.parent.name: re.findall(
            r"uses: (hashicorp/setup-terraform@\w+).*\n(?:.*\n)*?\s+terraform_version: ([\d.]+)", path.read_text()
        )
        for path in workflow_files()
    }
    assert pins["setup-backend"] == pins["terraform-env"] and len(pins["setup-backend"]) == 1
    version = pins["setup-backend"][0][1]
    for env in ("qa", "prod"):
        required = re.search(
            r'required_version = "~> (\d+\.\d+)', (REPO_ROOT / f"terraform/envs/{env}/versions.tf").read_text()
        )
        assert required and version.startswith(required.group(1) + "."), (env, version)


def test_deploy_waits_for_green_ci_on_the_same_commit() -> None:
    jobs = deploy()["jobs"]
    assert jobs["deploy"]["needs"] == "gate"
    gate_steps = " ".join(str(step.get("run", "")) for step in jobs["gate"]["steps"])
    assert "devstack.deploy.ci_gate" in gate_steps and '--sha "$GITHUB_SHA"' in gate_steps
    assert "--workflow ci.yml" in gate_steps
    assert jobs["gate"]["permissions"] == {"contents": "read", "actions": "read"}
    ci = read_yaml(GITHUB / "workflows/ci.yml")
    assert set(ci[True]["push"]["branches"]) >= {"main", "develop"}, "CI must run on the commits deploy ships"
    assert "merge-base --is-ancestor" in gate_steps, "a prod tag must be on main"


def test_deploy_is_blue_green_and_never_targets_a_subset() -> None:
    text = (GITHUB / "workflows/deploy.yml").read_text()
    assert "-target" not in text, "a -target apply skips what it does not name (the migration user did)"
    steps = deploy()["jobs"]["deploy"]["steps"]
    ids = [step.get("id") for step in steps if step.get("id")]
    order = ["record", "candidate", "secrets", "database", "migrate", "smoke", "promote", "promoted", "rollback"]
    assert [i for i in ids if i in order] == order
    by_id = {step.get("id"): step for step in steps}
    assert "release read" in by_id["record"]["run"] and "||" not in by_id["record"]["run"]
    assert "release.tfvars.json" in by_id["candidate"]["run"]
    assert "promote.tfvars.json" in by_id["promote"]["run"]
    assert "steps.candidate.outputs.gateway_url" in str(by_id["smoke"]["env"])
    smoke = by_id["smoke"]["run"]  # the smoke key reaches the smoke on a pipe, masked, never in env or argv
    assert "--secret=smoke-key" in smoke and "::add-mask::$key" in smoke and '<(printf %s "$key")' in smoke
    assert "SMOKE" not in str(by_id["smoke"]["env"])
    assert "steps.candidate.outputs.migrate_url" in str(by_id["migrate"]["env"])
    assert "scripts/db-bootstrap" in by_id["database"]["run"] and "candidate.json" in by_id["database"]["run"]
    rollback = by_id["rollback"]
    assert "steps.promote.outcome == 'failure'" in rollback["if"] and "release.tfvars.json" in rollback["run"]
    report = steps[-1]
    assert report["if"] == "always()" and "devstack.deploy.report" in report["run"]
    assert all(f"{i}=${{{{ steps.{i}.outcome }}}}" in report["env"]["OUTCOMES"] for i in order)


def test_each_environment_deploys_from_its_own_ref() -> None:
    doc = deploy()
    assert doc[True]["push"] == {"branches": ["develop"], "tags": ["v*"]}
    assert doc["jobs"]["deploy"]["environment"] == "${{ github.ref_type == 'tag' && 'prod' || 'qa' }}"
    assert doc["jobs"]["deploy"]["permissions"] == {"contents": "read", "id-token": "write"}


def test_the_reference_is_published_and_qa_alone_is_seeded_after_the_release() -> None:
    steps = deploy()["jobs"]["deploy"]["steps"]
    ids = [step.get("id") for step in steps]
    assert ids.index("promoted") < ids.index("reference") < ids.index("seed") < ids.index("rollback")
    by_id = {step.get("id"): step for step in steps}
    assert "scripts/api-reference" in by_id["reference"]["run"] and "api_reference_bucket" in by_id["reference"]["run"]
    assert "if" not in by_id["reference"]
    assert by_id["seed"]["if"] == "env.TF_ENV == 'qa'", "the seed never runs against prod"
    assert "scripts/seed --base-url" in by_id["seed"]["run"] and "envs/qa" in by_id["seed"]["run"]
    outcomes = steps[-1]["env"]["OUTCOMES"]
    assert "reference=${{ steps.reference.outcome }}" in outcomes and "seed=${{ steps.seed.outcome }}" in outcomes


def test_promotion_is_stepped_and_watched_and_the_summary_shows_its_steps() -> None:
    steps = deploy()["jobs"]["deploy"]["steps"]
    by_id = {step.get("id"): step for step in steps}
    promote = by_id["promote"]["run"]
    assert "devstack.deploy.promote" in promote and "--project" in promote and "promotion.jsonl" in promote
    # The catalog's steps decide, unless a manual run asks for the instant switch.
    assert by_id["promote"]["env"] == {"INSTANT": "${{ inputs.action == 'release-instant' }}"}
    assert 'if [[ "$INSTANT" == true ]]; then instant=(--instant); fi' in promote
    assert promote.rstrip().endswith('"${instant[@]}"')
    assert "promotion.jsonl" in steps[-1]["env"]["PROMOTION_STEPS"]


def test_a_manual_run_can_release_its_ref_with_the_instant_switch() -> None:
    doc = deploy()
    action = doc[True]["workflow_dispatch"]["inputs"]["action"]
    assert action["type"] == "choice" and action["options"] == ["rollback", "release-instant"]
    assert action["default"] == "rollback", "a manual run with no choice made releases nothing"
    jobs = doc["jobs"]
    # Through the gate (CI green on this very commit) and the whole job, smoke included: only promote differs.
    assert jobs["gate"]["if"] == "github.event_name == 'push' || inputs.action == 'release-instant'"
    assert jobs["deploy"]["needs"] == "gate" and "if" not in jobs["deploy"]
    assert "inputs.action == 'rollback'" in jobs["rollback"]["if"]


def test_a_manual_run_rolls_back_in_one_apply_and_never_migrates() -> None:
    doc = deploy()
    assert set(doc[True]["workflow_dispatch"]["inputs"]) == {"action", "release"}
    jobs = doc["jobs"]
    # deploy needs gate: a manual rollback releases nothing
    assert "github.event_name == 'push' ||" in jobs["gate"]["if"] and "'rollback'" not in jobs["gate"]["if"]
    rollback = jobs["rollback"]
    assert rollback["if"] == "github.event_name == 'workflow_dispatch' && inputs.action == 'rollback'"
    assert rollback["environment"] == jobs["deploy"]["environment"]
    assert rollback["permissions"] == {"contents": "read", "id-token": "write"}
    runs = "\n".join(str(step.get("run", "")) for step in rollback["steps"])
    assert "git checkout --detach" in runs and "live.json" in runs, "the live release's commit: only traffic moves"
    assert "devstack.deploy.rollback" in runs and runs.count("terraform") == runs.count("terraform/envs")
    assert "migrat" not in runs.lower() and "MIGRATE_URL" not in runs
