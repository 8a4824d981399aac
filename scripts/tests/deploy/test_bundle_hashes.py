"""An edit changes the bundle names of the functions that run the edited file, and of no other.

Packaging runs in a scratch copy of the repository (the tooling, functions/, the library,
contracts/) before and after one edit, in a new interpreter each time, and the bundle names it
gives are compared (`package.bundle_name`, without writing the archives; one test runs
`scripts/package` itself and finds those very names in bundles.json and dist/). Bundle names are
content hashes, and Terraform rebuilds an image and deploys a revision exactly when a name
changes (terraform/README.md), so this is the set of functions an edit redeploys.

The expected sets do not come from the packager: they come from the catalog and the import
rules lint-imports enforces (domains meet only through each other's public.py; the platform
imports no domain).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devstack.catalog import REPO_ROOT, load_catalog

pytestmark = pytest.mark.unit

COPIED = ("scripts/devstack", "functions", "shared/wellness", "contracts")
CATALOG = load_catalog()
ALL = {fn.name for fn in CATALOG.functions}
Edit = Callable[..., set[str]]


def of_domain(domain: str) -> set[str]:
    return {fn.name for fn in CATALOG.functions if fn.domain == domain}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("repo")
    for part in COPIED:
        shutil.copytree(REPO_ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return root


# What package_all names each bundle file (and writes to bundles.json), without compressing 56 archives.
NAMES = (
    "import json; from devstack.deploy import package;"
    "print(json.dumps({name: package.bundle_name(name) for name in package.bundled_functions()}))"
)


def _in_scratch(root: Path, *args: str) -> str:
    return subprocess.run(
        [sys.executable, *args],
        # as scripts/package runs it (_venv.sh): the tooling and the library, of the scratch copy only
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{root / 'scripts'}:{root / 'shared'}"},
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout


def bundle_names(root: Path) -> dict[str, str]:
    """The bundle names packaging gives the scratch copy's functions, computed afresh by a new interpreter."""
    names: dict[str, str] = json.loads(_in_scratch(root, "-c", NAMES).splitlines()[-1])
    return names


def package_names(root: Path) -> dict[str, str]:
    """What `scripts/package` writes to bundles.json in the scratch copy."""
    out = root / "dist"
    _in_scratch(root, "-m", "devstack.deploy.package", "--out", str(out))
    names: dict[str, str] = json.loads((out / "bundles.json").read_text())["bundles"]
    return names


@pytest.fixture(scope="module")
def baseline(scratch: Path) -> dict[str, str]:
    return bundle_names(scratch)


@pytest.fixture
def edit(scratch: Path, baseline: dict[str, str]) -> Iterator[Edit]:
    """edit("path") appends a line to that file of the scratch copy; the functions whose bundle name changed."""
    restore: list[tuple[Path, bytes]] = []

    def changed(rel: str, line: str = "# edited\n") -> set[str]:
        path = scratch / rel
        restore.append((path, path.read_bytes()))
        path.write_bytes(path.read_bytes() + line.encode())
        after = bundle_names(scratch)
        assert set(after) == set(baseline)
        return {name for name in baseline if after[name] != baseline[name]}

    yield changed
    for path, content in reversed(restore):
        path.write_bytes(content)


def test_a_domain_module_edit_changes_only_that_domain_s_functions(edit: Edit) -> None:
    # Only reporting's public.py leaves the domain, for the account's export (its adapters read the model).
    assert edit("shared/wellness/reporting/model.py") == of_domain("reporting") | {"auth-export-me"}


def test_a_domain_s_tables_also_change_the_migration_job(edit: Edit) -> None:
    # Alembic's env.py imports every domain's tables (the one metadata), so db-migrate ships them.
    assert edit("shared/wellness/program/tables.py") == of_domain("program") | {"db-migrate", "auth-export-me"}


def test_a_public_module_changes_its_domain_s_importers_and_no_one_else(edit: Edit) -> None:
    changed = edit("shared/wellness/profile/public.py")
    assert changed, "profile/public.py is imported by community and reflection"
    assert changed <= of_domain("profile") | of_domain("community") | of_domain("reflection") | {"auth-export-me"}
    assert of_domain("community") <= changed


def test_a_platform_module_every_function_runs_changes_them_all(edit: Edit) -> None:
    assert edit("shared/wellness/platform/runtime.py") == ALL


def test_the_openapi_document_changes_the_endpoints_and_jobs_not_the_subscribers(edit: Edit) -> None:
    changed = edit("contracts/openapi.yaml", "x-edited: true\n")
    subscribers = {fn.name for fn in CATALOG.functions if fn.kind == "subscriber"}
    assert changed == ALL - subscribers


def test_a_comment_in_openapi_yaml_changes_no_bundle(edit: Edit) -> None:
    # Bundles hold the parsed document (devstack.deploy.precompile): what runs is unchanged.
    assert edit("contracts/openapi.yaml") == set()


def test_contracts_only_terraform_reads_change_no_bundle(edit: Edit) -> None:
    assert edit("contracts/firestore.indexes.json", " ") == set()
    assert edit("contracts/topics.yaml") == set()


def test_an_edit_of_one_function_changes_only_its_bundle(edit: Edit) -> None:
    assert edit("functions/program-get/main.py") == {"program-get"}


def test_an_unchanged_repository_keeps_every_name_and_scripts_package_writes_them(
    scratch: Path, baseline: dict[str, str]
) -> None:
    assert package_names(scratch) == baseline
    assert sorted(path.name for path in (scratch / "dist").glob("*.tar.gz")) == sorted(baseline.values())
