"""Every deployable bundle imports on its own: a bundle that would fail in the cloud fails here.

Each bundle (.tar.gz) is unpacked into an empty folder and its main.py imported by a fresh, isolated
interpreter (`python -I`: no PYTHONPATH, no current folder) whose path is the bundle plus
the site-packages of .venv, which stand in for what the buildpack installs from the
bundle's requirements.txt. The repository's shared/ and scripts/ are not on it, so
anything of ours that the bundle forgot is an ImportError here.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from devstack.catalog import load_catalog
from devstack.deploy import package
from wellness.auth.keys import public_jwks_json
from wellness.platform.strict_yaml import read_yaml

pytestmark = pytest.mark.unit

PROBE = """
import importlib, importlib.util, json, pathlib, sys
bundle, modules = sys.argv[1], json.loads(sys.argv[2])
sys.path[:] = [bundle] + [p for p in sys.path if "site-packages" in p or p.startswith(sys.base_prefix)]
spec = importlib.util.spec_from_file_location("main", bundle + "/main.py")
module = importlib.util.module_from_spec(spec); sys.modules["main"] = module
spec.loader.exec_module(module)
# Then every module the bundle ships: what the function imports lazily (clients, Alembic) loads too.
for name in modules:
    importlib.import_module(name)
import hashlib, wellness, wellness.platform.contracts as c
shipped = pathlib.Path(bundle, "wellness", "_contracts")
read = {}
if (shipped / c.OPENAPI_COMPILED).is_file():
    read["openapi"] = hashlib.sha256(json.dumps(c.openapi(), sort_keys=True).encode()).hexdigest()
    read["yaml"] = "yaml" in sys.modules
if (shipped / "events").is_dir():
    read["envelope"] = c.envelope_schema()["type"]
    for path in sorted((shipped / "events").glob("*.v*.json")):
        event_type, version = path.name.removesuffix(".json").rsplit(".v", 1)
        read[path.name] = c.event_schema(event_type, int(version))["type"]
print(json.dumps({"handler": callable(module.handler), "wellness": wellness.__file__, "read": read,
                  "contracts": str(c.contracts_dir()), "path": sys.path,
                  "files": sorted(m.__file__ for m in sys.modules.values() if m.__name__.startswith("wellness"))}))
"""


def names_in(bundle: Path) -> list[str]:
    with tarfile.open(bundle) as tar:
        return tar.getnames()


def _digest(doc: Any) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    built = package.package_all(out)
    for name, path in built.items():
        print(f"bundle {name}: {path.stat().st_size / 1024:.1f} KiB")
    return built


def test_every_catalog_function_and_the_migration_job_has_a_bundle(bundles: dict[str, Path]) -> None:
    assert set(bundles) == set(package.bundled_functions())
    manifest = json.loads((next(iter(bundles.values())).parent / "bundles.json").read_text())
    assert manifest["bundles"] == {name: path.name for name, path in bundles.items()}


@pytest.mark.parametrize("name", package.bundled_functions())
def test_bundle_imports_in_an_isolated_interpreter(
    name: str, bundles: dict[str, Path], tmp_path: Path, signing_keyset_json: str
) -> None:
    target = tmp_path / name
    with tarfile.open(bundles[name]) as tar:
        tar.extractall(target, filter="data")
    env = {
        "PATH": "/usr/bin:/bin",
        "GOOGLE_CLOUD_PROJECT": "p",
        "FUNCTION_NAME": name,
        "DATABASE_URL": "postgresql+pg8000://nobody@127.0.0.1:1/none",
        "SECRET_JWT_SIGNING_KEYS": signing_keyset_json,
        "SECRET_JWT_PUBLIC_KEYS": public_jwks_json(signing_keyset_json),
    }
    modules = package.library_part(name).module_names
    run = subprocess.run(
        [sys.executable, "-I", "-c", PROBE, str(target), json.dumps(modules)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, f"{name} does not import on its own:\n{run.stderr[-3000:]}"
    seen = json.loads(run.stdout.splitlines()[-1])
    assert seen["handler"]
    assert all(Path(f).is_relative_to(target) for f in seen["files"])
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
