"""Every deployable bundle imports on its own: a bundle that would fail in the cloud fails here.

Each bundle is unpacked into an empty folder and imported by a fresh, isolated interpreter
whose path is the bundle plus the site-packages of .venv (devstack.deploy.bundle_imports, the
session's `imported_bundles`, which tests/consistency/test_cold_start_imports.py reads too). The
repository's shared/ and scripts/ are not on it, so anything of ours that the bundle forgot is an
ImportError here: a bundle with one module taken out shows it.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest

from devstack.catalog import load_catalog
from devstack.deploy import package
from devstack.deploy.bundle_imports import Imported, deployed_env, import_bundle
from wellness.auth.keys import public_jwks_json
from wellness.platform.strict_yaml import read_yaml

pytestmark = pytest.mark.unit


def names_in(bundle: Path) -> list[str]:
    with tarfile.open(bundle) as tar:
        return tar.getnames()


def _digest(doc: Any) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


@pytest.fixture(scope="module")
def bundles(packaged_bundles: dict[str, Path]) -> dict[str, Path]:
    return packaged_bundles


def test_every_catalog_function_and_the_migration_job_has_a_bundle(bundles: dict[str, Path]) -> None:
    assert set(bundles) == set(package.bundled_functions())
    manifest = json.loads((next(iter(bundles.values())).parent / "bundles.json").read_text())
    assert manifest["bundles"] == {name: path.name for name, path in bundles.items()}


@pytest.mark.parametrize("name", package.bundled_functions())
def test_bundle_imports_in_an_isolated_interpreter(
    name: str, bundles: dict[str, Path], imported_bundles: dict[str, Imported]
) -> None:
    run = imported_bundles[name]
    assert run.returncode == 0, f"{name} does not import on its own:\n{run.stderr[-3000:]}"
    seen, target = run.report, run.folder
    assert seen["handler"]
    assert seen["files"] and all(Path(f).is_relative_to(target) for f in seen["files"])
    # Whatever contract files the bundle ships, the readers find them there.
    names = names_in(bundles[name])
    shipped = {n.removeprefix(package.BUNDLED_CONTRACTS) for n in names if n.startswith(package.BUNDLED_CONTRACTS)}
    assert not shipped or Path(seen["contracts"]).is_relative_to(target)
    if "openapi.json" in shipped:
        # The function validates against the very document the repository's YAML says (what the local
        # stack and the tests read), parsed at build time, and never loads a YAML parser.
        assert seen["read"]["openapi"] == _digest(read_yaml(package.CONTRACTS_DIR / "openapi.yaml"))
        assert not seen["read"]["yaml"]
    assert {n.removeprefix("events/") for n in shipped if n.startswith("events/")} <= set(seen["read"])
    repo = package.REPO_ROOT
    assert not any(
        Path(p).is_relative_to(repo / "shared") or Path(p).is_relative_to(repo / "scripts") for p in seen["path"]
    )


def test_a_bundle_missing_a_module_it_imports_does_not_import(tmp_path: Path, signing_keyset_json: str) -> None:
    """The repository's library is out of reach: what a bundle lacks is an ImportError, not a quiet fallback."""
    files = package.bundle_files("auth-jwks")
    del files["wellness/auth/wiring.py"]  # main.py imports it first
    bundle = tmp_path / "auth-jwks.tar.gz"
    bundle.write_bytes(package.archive(files))
    env = deployed_env("auth-jwks", signing_keyset_json, public_jwks_json(signing_keyset_json))
    run = import_bundle("auth-jwks", bundle, tmp_path / "unpacked", env)
    assert run.returncode != 0
    assert "ModuleNotFoundError: No module named 'wellness.auth.wiring'" in run.stderr, run.stderr[-3000:]


def test_bundles_hold_no_tests_or_caches_and_are_deterministic(bundles: dict[str, Path], tmp_path: Path) -> None:
    for name, path in bundles.items():
        names = names_in(path)
        assert {"main.py", "requirements.txt", "wellness/__init__.py"} <= set(names)
        assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or "/tests/" in n], name
    again = package.write_bundle("auth-jwks", tmp_path)
    assert again.name == bundles["auth-jwks"].name
    assert again.read_bytes() == bundles["auth-jwks"].read_bytes()


def test_bundles_are_what_cloud_runs_builds_take_a_gzipped_tar_with_no_time_in_it(bundles: dict[str, Path]) -> None:
    """Cloud Run Admin API v2, StorageSource.object: "must be a gzipped archive file (.tar.gz)"."""
    for name, path in bundles.items():
        head = path.read_bytes()[:10]
        assert path.name.endswith(".tar.gz") and head[:2] == b"\x1f\x8b", name  # gzip
        assert head[3] == 0 and head[4:8] == b"\0\0\0\0", f"{name}: no file name or time in the gzip header"
        with tarfile.open(path, "r:gz") as tar:
            members = tar.getmembers()
        assert all(
            m.isfile() and m.mtime == package.ARCHIVE_TIME and (m.uid, m.gid, m.mode) == (0, 0, 0o644) for m in members
        )
        assert [m.name for m in members] == sorted(m.name for m in members)


def test_a_change_to_a_function_changes_only_its_bundle_name() -> None:
    files = package.bundle_files("auth-jwks")
    changed = {**files, "main.py": files["main.py"] + b"\n# changed\n"}
    assert package.content_hash(changed) != package.content_hash(files)
    assert package.bundle_name("auth-jwks", files) == package.bundle_name("auth-jwks")


def test_a_bundle_holds_what_its_function_runs_and_nothing_else(bundles: dict[str, Path]) -> None:
    catalog = load_catalog()
    domains = {fn.domain for fn in catalog.functions} - {"platform"}
    for name, path in bundles.items():
        fn = catalog.function(name)
        names = set(names_in(path))
        # An endpoint validates requests against openapi.yaml (shipped parsed); a subscriber never reads it.
        assert ("wellness/_contracts/openapi.json" in names) == (fn.kind != "subscriber"), name
        assert "wellness/_contracts/openapi.yaml" not in names, name
        assert not names & {"wellness/_contracts/topics.yaml", "wellness/_contracts/firestore.indexes.json"}, name
        if fn.domain in domains and not fn.reads:  # the account's export composes public parts, not a service
            assert f"wellness/{fn.domain}/service.py" in names, name
        # Domains meet only through public.py (lint-imports): no other domain's service comes along.
        others = {d for d in domains - {fn.domain} if f"wellness/{d}/service.py" in names}
        assert not others, f"{name} ships the services of {others}"
        assert ("wellness/migrations/versions/0001_platform_and_auth.py" in names) == (name == "db-migrate"), name
