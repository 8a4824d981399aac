"""Cold start is a feature: importing a function loads only what it uses at start.

Each function's bundle, as deployed, is imported in a fresh, isolated interpreter with a deployed
function's environment (nothing connects at import; devstack.deploy.bundle_imports, the session's
`imported_bundles`, which scripts/tests/deploy/test_package.py reads too), and the heavy libraries
its main.py must not have loaded are checked.
"""

import pytest

from devstack.catalog import load_catalog
from devstack.deploy.bundle_imports import Imported

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


@pytest.mark.parametrize("name", [fn.name for fn in load_catalog().functions])
def test_no_heavy_client_is_imported_at_cold_start(name: str, imported_bundles: dict[str, Imported]) -> None:
    run = imported_bundles[name]
    assert run.returncode == 0, f"{name} does not import:\n{run.stderr[-3000:]}"
    loaded = set(run.report["at_start"])
    assert "main" in loaded and "wellness.platform.runtime" in loaded  # what was taken is main.py's import
    for module in HEAVY:
        assert module not in loaded, f"{name} imports {module} at cold start"
    if "postgres" not in load_catalog().function(name).stores:
        assert "sqlalchemy" not in loaded, f"{name} does not use Postgres but imports SQLAlchemy"


def test_the_framework_s_own_404_and_405_are_json(load_function) -> None:
    client = load_function("auth-jwks")
    for path in ("/favicon.ico", "/v1/auth/%0Ajwks"):
        response = client.get(path)
        assert response.status_code == 404 and response.is_json, path
        assert response.get_json()["error"]["code"] == "not_found"
