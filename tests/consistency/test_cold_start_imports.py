"""Cold start is a feature: importing a function loads only what it uses at start.

Each function's main.py is imported in a fresh interpreter (nothing connects at
import), with the contracts as a bundle ships them (openapi.yaml parsed at packaging), and
the heavy libraries it must not have loaded are checked.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from devstack.catalog import CONTRACTS_DIR, REPO_ROOT, load_catalog
from devstack.deploy.precompile import compiled_openapi
from wellness.auth.keys import public_jwks_json
from wellness.platform.contracts import OPENAPI_COMPILED

pytestmark = pytest.mark.unit

HEAVY = {
    "google.cloud.firestore": "firestore",
    "google.cloud.pubsub_v1": "pubsub",
    "google.cloud.secretmanager": None,  # never at start: secrets come from the env locally
    "opentelemetry.exporter.cloud_trace": None,
    # Built by the telemetry thread in the serving process (after gunicorn's fork), never at import.
    "opentelemetry.exporter.otlp": None,
    "grpc": None,
    "google.cloud.sql.connector": None,
    "alembic": None,
    # The bundle's contract is JSON, parsed at packaging (devstack.deploy.precompile).
    "yaml": None,
    # Loaded by the first body, parameter or event checked, never at start (a read endpoint never loads it).
    "jsonschema": None,
}
PROBE = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("main", sys.argv[1])
module = importlib.util.module_from_spec(spec); sys.modules["main"] = module
spec.loader.exec_module(module)
print(json.dumps(sorted(m for m in sys.modules)))
"""


@pytest.fixture(scope="module")
def bundled_contracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """contracts/ as a bundle holds them: openapi.yaml already parsed into openapi.json."""
    folder = tmp_path_factory.mktemp("contracts")
    (folder / OPENAPI_COMPILED).write_bytes(compiled_openapi((CONTRACTS_DIR / "openapi.yaml").read_bytes()))
    shutil.copytree(CONTRACTS_DIR / "events", folder / "events")
    return folder


@pytest.mark.parametrize("fn", load_catalog().functions, ids=lambda fn: fn.name)
def test_no_heavy_client_is_imported_at_cold_start(fn, signing_keyset_json: str, bundled_contracts: Path) -> None:
    env = {
        "CONTRACTS_DIR": str(bundled_contracts),
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO_ROOT / "shared"),
        "GOOGLE_CLOUD_PROJECT": "p",
        "FUNCTION_NAME": fn.name,
        "DATABASE_URL": "postgresql+pg8000://nobody@127.0.0.1:1/none",
        "SECRET_JWT_SIGNING_KEYS": signing_keyset_json,
        "SECRET_JWT_PUBLIC_KEYS": public_jwks_json(signing_keyset_json),
        # As deployed: traces and metrics over OTLP (nothing listens: nothing connects at import).
        "TRACE_EXPORTER": "otlp",
        "METRICS_EXPORTER": "otlp",
        "OTLP_ENDPOINT": "http://127.0.0.1:9",
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(fn.source_dir / "main.py")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    loaded = set(json.loads(out.stdout.splitlines()[-1]))
    for module in HEAVY:
        assert module not in loaded, f"{fn.name} imports {module} at cold start"
    if "postgres" not in fn.stores:
        assert "sqlalchemy" not in loaded, f"{fn.name} does not use Postgres but imports SQLAlchemy"


def test_the_framework_s_own_404_and_405_are_json(load_function) -> None:
    client = load_function("auth-jwks")
    for path in ("/favicon.ico", "/v1/auth/%0Ajwks"):
        response = client.get(path)
        assert response.status_code == 404 and response.is_json, path
        assert response.get_json()["error"]["code"] == "not_found"
