"""Import each deployable bundle as the cloud would, once, and report what it loaded.

A bundle (.tar.gz) is unpacked into an empty folder and its main.py imported by a fresh,
isolated interpreter (`python -I`: no PYTHONPATH, no current folder) whose path is the bundle
plus the site-packages of .venv, which stand in for what the buildpack installs from the
bundle's requirements.txt, and whose environment is a deployed function's (traces and metrics
over OTLP; nothing listens, and nothing may connect at import). The repository's shared/ and
scripts/ are not on its path, so anything of ours the bundle forgot is an ImportError.

One interpreter per bundle answers two suites: scripts/tests/deploy/test_package.py (every
module the bundle ships imports from the bundle, and its contracts are read from there) and
tests/consistency/test_cold_start_imports.py (what main.py's import alone loaded: the cold start).
The interpreters run one per CPU at a time; each is still its own process, so no bundle sees
another's modules.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from devstack.deploy import package

# argv: the unpacked bundle, the modules it ships. Prints one JSON line (see `Imported`).
PROBE = """
import importlib, importlib.util, json, pathlib, sys
bundle, modules = sys.argv[1], json.loads(sys.argv[2])
sys.path[:] = [bundle] + [p for p in sys.path if "site-packages" in p or p.startswith(sys.base_prefix)]
spec = importlib.util.spec_from_file_location("main", bundle + "/main.py")
module = importlib.util.module_from_spec(spec); sys.modules["main"] = module
spec.loader.exec_module(module)
at_start = sorted(sys.modules)
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
print(json.dumps({"handler": callable(module.handler), "at_start": at_start, "read": read,
                  "contracts": str(c.contracts_dir()), "path": sys.path,
                  "files": sorted(m.__file__ for m in sys.modules.values() if m.__name__.startswith("wellness"))}))
"""


@dataclasses.dataclass(frozen=True)
class Imported:
    """One bundle's import: where it was unpacked, the interpreter's exit status and stderr, its report.

    The report (when it exited 0): `handler` (main.handler is callable), `at_start` (every module
    loaded once main.py was imported), `files` (the file of every `wellness` module, after every
    shipped module was imported too), `read` (what the contract readers returned), `contracts`
    (where they read), `path` (sys.path).
    """

    folder: Path
    returncode: int
    stderr: str
    report: dict[str, Any]


def deployed_env(name: str, signing_keyset_json: str, public_jwks_json: str) -> dict[str, str]:
    """A deployed function's environment, with nothing it could reach: no database, OTLP to a closed port."""
    return {
        "PATH": "/usr/bin:/bin",
        "GOOGLE_CLOUD_PROJECT": "p",
        "FUNCTION_NAME": name,
        "DATABASE_URL": "postgresql+pg8000://nobody@127.0.0.1:1/none",
        "SECRET_JWT_SIGNING_KEYS": signing_keyset_json,
        "SECRET_JWT_PUBLIC_KEYS": public_jwks_json,
        "TRACE_EXPORTER": "otlp",
        "METRICS_EXPORTER": "otlp",
        "OTLP_ENDPOINT": "http://127.0.0.1:9",
    }


def import_bundle(name: str, bundle: Path, folder: Path, env: Mapping[str, str]) -> Imported:
    """Unpack `bundle` into `folder` (empty or new) and import it in an isolated interpreter."""
    with tarfile.open(bundle) as tar:
        tar.extractall(folder, filter="data")
    run = subprocess.run(
        [sys.executable, "-I", "-c", PROBE, str(folder), json.dumps(package.library_part(name).module_names)],
        env=dict(env),
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(run.stdout.splitlines()[-1]) if run.returncode == 0 else {}
    return Imported(folder, run.returncode, run.stderr, report)


def import_bundles(
    bundles: Mapping[str, Path], names: Iterable[str], workdir: Path, env_of: Callable[[str], Mapping[str, str]]
) -> dict[str, Imported]:
    """import_bundle for each of `names` (into workdir/NAME, with env_of(name)), one per CPU at a time."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {
            name: pool.submit(import_bundle, name, bundles[name], workdir / name, env_of(name)) for name in names
        }
        return {name: future.result() for name, future in futures.items()}
