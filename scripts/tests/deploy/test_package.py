"""Every deployable bundle imports on its own: a bundle that would fail in the cloud fails here.

Each zip is unpacked into an empty folder and its main.py imported by a fresh, isolated
interpreter (`python -I`: no PYTHONPATH, no current folder) whose path is the bundle plus
the site-packages of .venv, which stand in for what the buildpack installs from the
bundle's requirements.txt. The repository's shared/ and scripts/ are not on it, so
anything of ours that the bundle forgot is an ImportError here.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from devstack.deploy import package
from wellness.auth.keys import public_jwks_json

pytestmark = pytest.mark.unit

PROBE = """
import importlib.util, json, sys, sysconfig
bundle = sys.argv[1]
sys.path[:] = [bundle] + [p for p in sys.path if "site-packages" in p or p.startswith(sys.base_prefix)]
spec = importlib.util.spec_from_file_location("main", bundle + "/main.py")
module = importlib.util.module_from_spec(spec); sys.modules["main"] = module
spec.loader.exec_module(module)
import wellness, wellness.platform.contracts as c
print(json.dumps({"handler": callable(module.handler), "wellness": wellness.__file__,
                  "contracts": str(c.contracts_dir()), "swagger": c.openapi()["swagger"], "path": sys.path}))
"""


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
    with zipfile.ZipFile(bundles[name]) as zf:
        zf.extractall(target)
    env = {
        "PATH": "/usr/bin:/bin",
        "GOOGLE_CLOUD_PROJECT": "p",
        "FUNCTION_NAME": name,
        "DATABASE_URL": "postgresql+pg8000://nobody@127.0.0.1:1/none",
        "SECRET_JWT_SIGNING_KEYS": signing_keyset_json,
        "SECRET_JWT_PUBLIC_KEYS": public_jwks_json(signing_keyset_json),
    }
    run = subprocess.run(
        [sys.executable, "-I", "-c", PROBE, str(target)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, f"{name} does not import on its own:\n{run.stderr[-3000:]}"
    seen = json.loads(run.stdout.splitlines()[-1])
    assert seen["handler"] and seen["swagger"] == "2.0"
    assert Path(seen["wellness"]).is_relative_to(target) and Path(seen["contracts"]).is_relative_to(target)
    repo = package.REPO_ROOT
    assert not any(
        Path(p).is_relative_to(repo / "shared") or Path(p).is_relative_to(repo / "scripts") for p in seen["path"]
    )


def test_bundles_hold_no_tests_or_caches_and_are_deterministic(bundles: dict[str, Path], tmp_path: Path) -> None:
    for name, path in bundles.items():
        names = zipfile.ZipFile(path).namelist()
        assert {"main.py", "requirements.txt", "wellness/__init__.py", "wellness/_contracts/openapi.yaml"} <= set(names)
        assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or "/tests/" in n], name
    again = package.write_bundle("auth-jwks", tmp_path)
    assert again.name == bundles["auth-jwks"].name
    assert again.read_bytes() == bundles["auth-jwks"].read_bytes()


def test_a_change_to_a_function_changes_only_its_bundle_name() -> None:
    files = package.bundle_files("auth-jwks")
    changed = {**files, "main.py": files["main.py"] + b"\n# changed\n"}
    assert package.content_hash(changed) != package.content_hash(files)
    assert package.bundle_name("auth-jwks", files) == package.bundle_name("auth-jwks")
