"""The inner loop selects a change's tests, and everything when the change is not one domain's."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from devstack.catalog import REPO_ROOT, load_catalog
from devstack.changed import changed_files, domain_paths, select

pytestmark = pytest.mark.unit


def test_a_domain_runs_its_library_its_tests_and_every_one_of_its_functions() -> None:
    paths = domain_paths("reflection")
    functions = {fn.name for fn in load_catalog().functions if fn.domain == "reflection"}
    assert paths[:2] == ("shared/wellness/reflection", "shared/tests/reflection")
    assert {p.removeprefix("functions/") for p in paths[2:]} == functions
    assert all((REPO_ROOT / p).is_dir() for p in paths)


def test_a_function_alone_runs_only_its_own_tests_unless_its_domain_runs_anyway() -> None:
    assert select(["functions/profile-get-mine/main.py"]).paths == ("functions/profile-get-mine",)
    both = select(["functions/profile-get-mine/main.py", "shared/tests/profile/unit/test_service.py"])
    assert both.paths == domain_paths("profile")


def test_two_domains_run_both() -> None:
    paths = select(["shared/wellness/program/service.py", "shared/wellness/community/model.py"]).paths
    assert paths == domain_paths("program") + domain_paths("community")


@pytest.mark.parametrize(
    "path",
    [
        "shared/wellness/platform/outbox.py",  # the library every function runs on
        "shared/wellness/migrations/versions/0001_initial.py",
        "contracts/openapi.yaml",
        "tests/e2e/test_journey.py",
        "functions/catalog.yaml",
        "functions/conftest.py",
        "scripts/devstack/gateway/app.py",
        "terraform/modules/function/main.tf",
    ],
)
def test_a_change_outside_one_domain_runs_everything(path: str) -> None:
    selection = select(["shared/wellness/program/service.py", path])
    assert selection.paths == () and path in selection.everything


def test_an_unknown_or_platform_domain_is_refused_with_the_known_ones() -> None:
    for name in ("nope", "platform"):
        with pytest.raises(KeyError, match="known: auth, community"):
            domain_paths(name)


def test_changed_files_are_the_branch_the_worktree_and_untracked_files(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=tmp_path, check=True)

    git("init", "-q", "-b", "main")
    (tmp_path / "a").write_text("1")
    (tmp_path / "b").write_text("1")
    git("add", ".")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "topic")
    (tmp_path / "a").write_text("2")
    git("commit", "-qam", "branch")
    (tmp_path / "b").write_text("2")  # not committed
    (tmp_path / "c").write_text("new")  # not tracked
    assert changed_files("main", tmp_path) == ["a", "b", "c"]


def test_scripts_test_refuses_a_domain_it_does_not_know() -> None:
    for args in (["--domain"], ["--domain", "nope"]):
        done = subprocess.run([str(REPO_ROOT / "scripts" / "test"), *args], capture_output=True, text=True)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "domain" in done.stderr
