"""The runner tool check: the repository's workflows pass; a step calling a tool the image lacks fails.

Planted workflows live in a scratch repository (its own .github/ and scripts/), checked
against the real ubuntu-24.04 manifest.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from devstack.catalog import REPO_ROOT
from devstack.deploy import runner_tools
from devstack.deploy.shell_commands import commands

pytestmark = pytest.mark.unit

CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1"
SETUP_TERRAFORM = "hashicorp/setup-terraform@dfe3c3f87815947d99a8997f908cb6525fc44e9e"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    return tmp_path


def workflow(repo: Path, steps: str, runs_on: str = "ubuntu-24.04") -> list[str]:
    path = repo / ".github" / "workflows" / "planted.yml"
    path.write_text(
        "name: planted\non: push\njobs:\n  job:\n"
        f"    runs-on: {runs_on}\n    steps:\n      - uses: {CHECKOUT}\n"
        + textwrap.indent(textwrap.dedent(steps), "      ")
    )
    return [str(problem) for problem in runner_tools.check_workflow(path, repo)]


def composite(repo: Path, name: str, text: str) -> None:
    folder = repo / ".github" / "actions" / name
    folder.mkdir(parents=True)
    (folder / "action.yml").write_text(textwrap.dedent(text))


def test_the_repositorys_workflows_pass() -> None:
    files = list(runner_tools.workflow_files())
    assert len(files) >= 3
    problems = [str(p) for path in files for p in runner_tools.check_workflow(path)]
    assert problems == []
    assert runner_tools.main([]) == 0


def test_terraform_without_setup_terraform_fails(repo: Path) -> None:
    problems = workflow(repo, "- run: terraform -chdir=terraform/envs/qa init\n")
    assert len(problems) == 1
    assert "`terraform` is not on the ubuntu-24.04 image" in problems[0]
    assert "hashicorp/setup-terraform" in problems[0]


def test_setup_terraform_counts_only_before_the_step(repo: Path) -> None:
    before = f"- uses: {SETUP_TERRAFORM} # v4.0.1\n- run: terraform version\n"
    assert workflow(repo, before) == []
    after = f"- run: terraform version\n- uses: {SETUP_TERRAFORM} # v4.0.1\n"
    assert len(workflow(repo, after)) == 1


def test_prometheus_needs_its_install(repo: Path) -> None:
    assert "`prometheus` is not on the ubuntu-24.04 image" in workflow(repo, "- run: prometheus --version\n")[0]
    installed = """\
        - run: |
            sudo apt-get update -qq
            sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus=2.45.3+ds-2
        - run: prometheus --version && promtool --version
    """
    assert workflow(repo, installed) == []


def test_commands_are_found_wherever_bash_runs_them(repo: Path) -> None:
    """Pipelines, $(…), function bodies, wrappers: each is a command the runner must have."""
    for script in (
        "echo ok | terraform fmt -",
        'echo "$(terraform output -raw url)"',
        'tf() { terraform -chdir=x "$@"; }; tf plan',
        "sudo -E env TF_LOG=1 terraform plan",
        "[[ -d x ]] || timeout 60 terraform plan",
    ):
        problems = workflow(repo, f"- run: {script!r}\n")
        assert len(problems) == 1 and "`terraform`" in problems[0], script


def test_builtins_functions_images_tools_and_run_time_words_pass(repo: Path) -> None:
    script = """\
        - env:
            OUTCOMES: a=b
          run: |
            read -ra outcomes <<< "$OUTCOMES"
            greet() { printf '%s\\n' "$1"; }
            greet "${outcomes[@]}" | tee "$RUNNER_TEMP/x" | jq -R . | gcloud version
            "$RUNNER_TEMP/bin/anything" --flag
            ${{ github.workspace }}/tool
            git merge-base --is-ancestor "$GITHUB_SHA" origin/main || { echo "::error::no"; exit 1; }
    """
    assert workflow(repo, script) == []


def test_a_job_must_name_the_image_the_manifest_describes(repo: Path) -> None:
    problems = workflow(repo, "- run: echo hi\n", runs_on="ubuntu-latest")
    assert len(problems) == 1 and "runs-on: 'ubuntu-latest'" in problems[0]


def test_composite_actions_are_walked_with_their_inputs(repo: Path) -> None:
    composite(
        repo,
        "tools",
        f"""\
        name: tools
        description: terraform when asked
        inputs:
          terraform:
            description: install terraform
            default: "true"
        runs:
          using: composite
          steps:
            - uses: {SETUP_TERRAFORM} # v4.0.1
              if: inputs.terraform == 'true'
        """,
    )
    assert workflow(repo, "- uses: ./.github/actions/tools\n- run: terraform version\n") == []
    skipped = '- uses: ./.github/actions/tools\n  with:\n    terraform: "false"\n- run: terraform version\n'
    assert len(workflow(repo, skipped)) == 1


def test_a_composite_actions_own_steps_are_checked(repo: Path) -> None:
    composite(
        repo,
        "lint",
        """\
        name: lint
        description: runs a tool it never installs
        runs:
          using: composite
          steps:
            - shell: bash
              run: prometheus --version
        """,
    )
    problems = workflow(repo, "- uses: ./.github/actions/lint\n")
    assert len(problems) == 1 and "`prometheus`" in problems[0]


def test_apt_packages_must_be_known_and_their_source_added(repo: Path) -> None:
    problems = workflow(repo, "- run: sudo apt-get install -y cowsay\n")
    assert len(problems) == 1 and "apt package cowsay" in problems[0] and "APT_PACKAGES" in problems[0]

    # The image deletes Google's apt source after installing gcloud: the emulators need it back.
    problems = workflow(repo, "- run: sudo apt-get install -y google-cloud-cli-pubsub-emulator\n")
    assert len(problems) == 1 and "no earlier step adds that apt source" in problems[0]
    with_source = """\
        - run: |
            echo "deb https://packages.cloud.google.com/apt cloud-sdk main" \\
              | sudo tee /etc/apt/sources.list.d/google-cloud-sdk.list
            sudo apt-get update && sudo apt-get install -y google-cloud-cli-pubsub-emulator
    """
    assert workflow(repo, with_source) == []


def test_repository_scripts_need_what_they_run(repo: Path) -> None:
    """scripts/test runs lint-deploy (terraform) and builds .venv with python3.11."""
    scripts = repo / "scripts"
    scripts.mkdir()
    for name in ("test", "lint-deploy"):
        (scripts / name).write_text('#!/usr/bin/env bash\nsource "$(dirname "$0")/_venv.sh"\n')
    problems = workflow(repo, "- run: scripts/test -m unit\n")
    missing = {p.split("`")[1] for p in problems}
    assert {"python3.11", "terraform", "prometheus", "promtool"} <= missing
    assert all("scripts/test needs it" in p for p in problems)
    assert "no such file" in workflow(repo, "- run: scripts/absent\n")[0]


def test_the_off_path_postgres_binaries_count_once_added_to_github_path(repo: Path) -> None:
    assert "`initdb`" in workflow(repo, "- run: initdb --version\n")[0]
    added = """\
        - run: echo /usr/lib/postgresql/16/bin >> "$GITHUB_PATH" && initdb --version
        - run: initdb --version
    """
    problems = workflow(repo, added)  # $GITHUB_PATH changes PATH from the next step on
    assert len(problems) == 1 and "job job: step 2:" in problems[0] and "`initdb`" in problems[0]


def test_the_manifest_names_its_source_commit_and_leaves_out_what_the_image_lacks() -> None:
    text = runner_tools.MANIFEST.read_text()
    assert "actions/runner-images at commit 749514466b4f51b7dc8d9f1cda62257dcf13d183" in text
    image = runner_tools.image_commands()
    assert {"bash", "git", "curl", "gcloud", "java", "google-chrome", "python3", "node", "npm", "psql"} <= image
    assert not {"terraform", "prometheus", "promtool", "initdb", "pg_ctl", "python3.11"} & image
    assert runner_tools.MANIFEST.is_relative_to(REPO_ROOT)


def test_shell_command_reading() -> None:
    assert [c.name for c in commands("sudo -u postgres env A=1 B=2 nice -n 5 psql -c 'select 1'")] == ["psql"]
    assert [c.name for c in commands("exec scripts/test")] == ["scripts/test"]
    assert [c.name for c in commands('"$VENV/bin/python" -m x; FOO=1')] == []
    assert [(c.name, c.args) for c in commands("'apt-get' install -y \"$pkg\" jq")] == [
        ("apt-get", ("install", "-y", None, "jq"))
    ]


def test_the_real_ci_fails_without_what_setup_backend_installs(repo: Path) -> None:
    """The issue's failures, replayed on a copy of the repository's own workflow and action."""
    shutil.copytree(REPO_ROOT / ".github" / "actions", repo / ".github" / "actions")
    (repo / "scripts").mkdir()
    for script in ("test", "lint-deploy", "_venv.sh"):
        shutil.copy(REPO_ROOT / "scripts" / script, repo / "scripts" / script)
    ci = (REPO_ROOT / ".github" / "workflows" / "ci.yml").read_text()
    path = repo / ".github" / "workflows" / "ci.yml"

    path.write_text(ci)
    assert runner_tools.check_workflow(path, repo) == []

    # No terraform on ubuntu-24.04: scripts/lint-deploy (run by scripts/test) stops at it.
    path.write_text(
        ci.replace(
            "uses: ./.github/actions/setup-backend\n",
            'uses: ./.github/actions/setup-backend\n        with:\n          terraform: "false"\n',
        )
    )
    problems = [str(p) for p in runner_tools.check_workflow(path, repo)]
    assert len(problems) == 1 and "`terraform`" in problems[0] and "scripts/test needs it" in problems[0]

    # The emulator packages without Google's apt source (the image deletes it): "Unable to locate package".
    action = repo / ".github" / "actions" / "setup-backend" / "action.yml"
    text = action.read_text()
    action.write_text(text.replace("/etc/apt/sources.list.d/google-cloud-sdk.list", "/dev/null"))
    path.write_text(ci)
    problems = [str(p) for p in runner_tools.check_workflow(path, repo)]
    assert problems and all("no earlier step adds that apt source" in p for p in problems)
