"""Outages in the contract and the catalog: what a store that is away answers, and in how long.

Every operation whose function uses a store documents 503 (with Retry-After); every
write to Firestore documents 409 (contention on a hot document). A store gives up
(STORE_DEADLINE_SECONDS) well before the gateway's deadline and every function's timeout,
so a caller gets that 503, never the gateway's 504 or a cut-off instance.
"""

import re

import pytest

from devstack.catalog import CONTRACTS_DIR, load_catalog
from devstack.gateway.spec import DEFAULT_DEADLINE_SECONDS
from wellness.platform.config import load_settings
from wellness.platform.operations import document_operations
from wellness.platform.strict_yaml import read_yaml

pytestmark = pytest.mark.unit

CATALOG = load_catalog()
OPENAPI = read_yaml(CONTRACTS_DIR / "openapi.yaml")
SETTINGS = load_settings({"GOOGLE_CLOUD_PROJECT": "p", "FUNCTION_NAME": "f"})
# What a request may spend besides its store: the prompt publish's wait and its own work.
MARGIN_SECONDS = 2 * SETTINGS.prompt_publish_timeout_seconds + 3.0


def _operations() -> list[tuple[str, str, dict, set[str]]]:
    http = {fn.backend_variable: fn for fn in CATALOG.functions if fn.kind == "http"}
    found = []
    for op in document_operations(OPENAPI):
        variable = re.fullmatch(r"\$\{(backend_[a-z0-9_]+)\}", op.spec["x-google-backend"]["address"])
        assert variable, op.path
        found.append((op.method, op.path, op.spec, set(http[variable.group(1)].stores)))
    return found


def test_every_operation_on_a_store_documents_503_with_retry_after() -> None:
    missing = [
        f"{method} {path}"
        for method, path, spec, stores in _operations()
        if stores & {"postgres", "firestore"} and spec["responses"].get("503") != {"$ref": "#/responses/Unavailable"}
    ]
    assert not missing, f"add '503': {{$ref: '#/responses/Unavailable'}} to {missing}"
    assert OPENAPI["responses"]["Unavailable"]["headers"]["Retry-After"]["type"] == "integer"


def test_every_firestore_write_documents_409_contention() -> None:
    missing = [
        f"{method} {path}"
        for method, path, spec, stores in _operations()
        if "firestore" in stores and method in ("post", "put", "patch", "delete") and "409" not in spec["responses"]
    ]
    assert not missing, f"add '409': {{$ref: '#/responses/Contention'}} to {missing}"


def test_a_store_gives_up_well_before_the_gateway_and_every_function() -> None:
    budget = SETTINGS.store_deadline_seconds + MARGIN_SECONDS
    assert budget < DEFAULT_DEADLINE_SECONDS, "a request could still reach the gateway's 504"
    too_short = [fn.name for fn in CATALOG.functions if fn.timeout <= budget]
    assert not too_short, f"these functions' timeouts end before the store deadline: {too_short}"
