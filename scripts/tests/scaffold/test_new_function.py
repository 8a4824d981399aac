"""scripts/new-function: the pieces it writes, and a scratch copy of the repository where it scaffolds one
endpoint and one subscriber whose tests and the lint then pass with nothing else edited.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from devstack import entrypoint, scaffold
from devstack.catalog import CONTRACTS_DIR, REPO_ROOT, load_catalog

HTTP, ROUTE = "reporting-scaffolded", "GET /v1/me/reports/scaffolded"
SUBSCRIBER, TOPIC = "profile-on-user-deleted-scaffolded", "user.deleted"  # a Firestore domain: the other store


@pytest.mark.unit
def test_operation_ids_and_default_stores_follow_the_catalog() -> None:
    functions = load_catalog().functions
    assert scaffold.operation_id("auth-verify-email") == "authVerifyEmail"
    assert scaffold.default_stores("reporting", "subscriber", functions) == ["postgres"]
    assert scaffold.default_stores("profile", "subscriber", functions) == ["firestore"]
    assert scaffold.default_stores("brand-new", "http", functions) == ["postgres"]


@pytest.mark.unit
def test_the_operation_stub_lands_under_its_path_or_as_a_new_path_and_keeps_every_comment() -> None:
    document = (CONTRACTS_DIR / "openapi.yaml").read_text()
    beside = scaffold.insert_operation(document, "profile-erase-mine", "DELETE", "/v1/me/profile", "profile")
    added = scaffold.insert_operation(document, "program-pause", "POST", "/v1/programs/{programId}/pause", "program")
    for updated, method, path, domain in (
        (beside, "delete", "/v1/me/profile", "profile"),
        (added, "post", "/v1/programs/{programId}/pause", "program"),
    ):
        assert [line for line in document.splitlines() if line.startswith("#")] == [
            line for line in updated.splitlines() if line.startswith("#")
        ]
        parsed, before = yaml.safe_load(updated), yaml.safe_load(document)
        op = parsed["paths"][path][method]
        assert op["x-google-backend"]["address"].startswith("${backend_")
        assert op["tags"] == [domain]
        assert {k: v for k, v in parsed.items() if k != "paths"} == {k: v for k, v in before.items() if k != "paths"}
        assert len(parsed["paths"]) - len(before["paths"]) == (path not in before["paths"])
    assert yaml.safe_load(beside)["paths"]["/v1/me/profile"].keys() > {"get", "patch"}
    params = yaml.safe_load(added)["paths"]["/v1/programs/{programId}/pause"]["post"]["parameters"]
    assert [(p["in"], p["name"], p["required"]) for p in params] == [("path", "programId", True)]


@pytest.mark.unit
def test_scaffolded_mains_declare_what_their_catalog_entry_says() -> None:
    for kind, where, stores in (("http", "GET /v1/x", ["postgres"]), ("subscriber", "user.created", ["firestore"])):
        fn = dataclasses.replace(
            load_catalog().function("auth-signup"),
            name="x-y",
            kind=kind,
            stores=tuple(stores),
            route=where if kind == "http" else None,
            topic=where if kind == "subscriber" else None,
        )
        entry = entrypoint.parse(scaffold.main_source("x-y", kind, where, stores))
        assert entrypoint.disagreements(fn, entry, "xY") == []


@pytest.mark.unit
@pytest.mark.parametrize(
    ("name", "kind", "where", "complaint"),
    [
        ("Reporting_Weekly", "http", "GET /v1/w", "lowercase words joined by hyphens"),
        ("reporting-summary", "http", "GET /v1/w", "exists already"),
        ("reporting-weekly", "http", "GET /v2/w", "a route is 'METHOD /v1/path'"),
        ("reporting-weekly", "http", "GET /v1/me/reports/summary", "served already"),
        ("reporting-on-lost", "subscriber", "thing.lost", "not in contracts/topics.yaml"),
    ],
)
def test_it_refuses_before_writing_anything(name: str, kind: str, where: str, complaint: str) -> None:
    before = _status(REPO_ROOT)
    with pytest.raises(scaffold.ScaffoldError, match=re.escape(complaint)):
        scaffold.scaffold(name, kind, where, None, None)
    assert _status(REPO_ROOT) == before


@pytest.mark.e2e
@pytest.mark.own_session
@pytest.mark.timeout(2400)  # the lint (mypy over the tree) and one functional session: minutes, more under load
def test_a_scaffolded_endpoint_and_subscriber_pass_their_tests_and_the_lint_in_a_scratch_copy(tmp_path: Path) -> None:
    repo = _scratch_copy(tmp_path / "repo")
    for args in ((HTTP, "--http", ROUTE), (SUBSCRIBER, "--subscriber", TOPIC)):
        subprocess.run([str(repo / "scripts" / "new-function"), *args], cwd=repo, check=True, capture_output=True)
    changed = _status(repo)
    clients = sorted(path for path in changed if path.startswith("clients/"))
    assert sorted(set(changed) - set(clients)) == sorted(
        [
            "contracts/openapi.yaml",
            "functions/catalog.yaml",
            ".github/workflows/ci-reporting.yml",
            ".github/workflows/ci-profile.yml",
            "terraform/README.md",  # the capacity plan: two more functions' instances and connections
            *(f"functions/{name}/{file}" for name in (HTTP, SUBSCRIBER) for file in FUNCTION_FILES),
        ]
    )
    assert "clients/openapi3.json" in clients  # the client was regenerated from the new operation
    run = subprocess.run(
        # The functions' own tests, and the checks every function and operation must pass.
        ["scripts/test", f"functions/{HTTP}", f"functions/{SUBSCRIBER}", *CHECKS],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    assert re.search(r"^functional\s+2 passed( in \d+ s)?$", output, re.MULTILINE), output[
        -3000:
    ]  # one test per function
    assert re.search(r"^unit\s+\d+ passed( in \d+ s)?$", output, re.MULTILINE), output[-3000:]


FUNCTION_FILES = ("main.py", "test_main.py", "requirements.txt")
CHECKS = (
    "tests/consistency/test_catalog.py",
    "tests/consistency/test_contract_declarations.py",
    "tests/security/test_contract_rules.py",
    "tests/contract/test_examples.py",
)


def _scratch_copy(repo: Path) -> Path:
    """The working tree's tracked and new files (not what .gitignore leaves out), committed, with .venv linked."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = REPO_ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            (repo / name).write_bytes(source.read_bytes())
            (repo / name).chmod(source.stat().st_mode)
    for shared in (".venv", ".node-tools"):  # built once per checkout; the scratch copy runs the same tools
        (repo / shared).symlink_to((REPO_ROOT / shared).resolve())
    # mypy's incremental cache, as a working checkout has it (scripts/test's lint wrote it before the tests):
    # mypy checks again every file that changed and what depends on it, so the scaffolded functions are
    # checked, and not the whole unchanged tree a second time from nothing (minutes of the lint).
    cache = REPO_ROOT / ".mypy_cache"
    if cache.is_dir():
        shutil.copytree(cache, repo / ".mypy_cache", ignore=shutil.ignore_patterns("functions-tree*"))
    git = ["git", "-c", "user.name=scaffold-test", "-c", "user.email=scaffold@test.invalid"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "scratch"], cwd=repo, check=True)
    return repo


def _status(repo: Path) -> list[str]:
    out = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    return sorted(line[3:] for line in out.splitlines())
