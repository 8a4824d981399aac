"""One catalog: functions/catalog.yaml, contracts/ and functions/ must agree.

main.py is read as a syntax tree (devstack.entrypoint), the contract as parsed YAML: no check
here matches text, so a comment or a reformatted line can neither satisfy nor break one.
"""

import ast
import re

import pytest
from openapi_spec_validator import validate

from devstack import entrypoint
from devstack.catalog import CONTRACTS_DIR, FUNCTIONS_DIR, load_catalog
from devstack.deploy import requirements
from wellness.platform.operations import document_operations
from wellness.platform.strict_yaml import read_yaml

pytestmark = pytest.mark.unit

CATALOG = load_catalog()
OPENAPI = read_yaml(CONTRACTS_DIR / "openapi.yaml")


def operations() -> list[tuple[str, str, dict]]:
    return [(op.method, op.path, op.spec) for op in document_operations(OPENAPI)]


def test_openapi_document_is_valid() -> None:
    validate(OPENAPI)


def test_every_catalog_function_has_its_folder_and_every_folder_is_in_the_catalog() -> None:
    folders = {p.parent.name for p in FUNCTIONS_DIR.glob("*/main.py")}
    assert folders == {fn.name for fn in CATALOG.functions}
    for fn in CATALOG.functions:
        assert (fn.source_dir / "requirements.txt").is_file(), fn.name


def test_every_operation_is_served_by_the_catalog_function_it_names() -> None:
    http = {fn.backend_variable: fn for fn in CATALOG.functions if fn.kind == "http"}
    served = set()
    for method, path, spec in operations():
        backend = spec.get("x-google-backend", {})
        match = re.fullmatch(r"\$\{(backend_[a-z0-9_]+)\}", backend.get("address", ""))
        assert match, f"{method} {path}: x-google-backend.address must be a backend placeholder"
        fn = http.get(match.group(1))
        assert fn is not None, f"{method} {path}: no http function {match.group(1)} in the catalog"
        assert fn.route == f"{method} {path}", f"{fn.name}: catalog route {fn.route!r} != contract {method} {path}"
        assert backend.get("path_translation") == "APPEND_PATH_TO_ADDRESS"
        assert fn.name not in served, f"{fn.name} serves two operations"
        served.add(fn.name)
    assert served == {fn.name for fn in http.values()}, "an http function serves no operation"


@pytest.mark.parametrize("fn", CATALOG.functions, ids=lambda fn: fn.name)
def test_main_declares_the_catalogs_stores_and_serves_its_operation_or_topic(fn) -> None:
    """function_runtime(...) opens the catalog's stores; the handler serves its route's operation or its topic."""
    operation_ids = {f"{method} {path}": spec["operationId"] for method, path, spec in operations()}
    assert entrypoint.disagreements(fn, entrypoint.read(fn), operation_ids.get(fn.route or "")) == []


def test_every_subscriber_has_one_subscription_on_its_topic() -> None:
    subs = {s.function: s for s in CATALOG.subscriptions}
    assert [s.name for s in CATALOG.subscriptions] == list(subs), "one subscription per subscriber"
    assert set(subs) == {fn.name for fn in CATALOG.functions if fn.kind == "subscriber"}
    for sub in CATALOG.subscriptions:
        assert sub.topic == CATALOG.function(sub.function).topic and sub.topic in CATALOG.topics, sub.name
        assert 5 <= sub.max_delivery_attempts <= 100  # Pub/Sub's bounds for dead lettering


def test_every_topic_has_its_event_schema() -> None:
    for topic, spec in CATALOG.topics.items():
        path = CONTRACTS_DIR / spec["schema"]
        assert path.is_file(), topic
        assert path.name.startswith(topic + ".v")


def test_kinds_have_their_fields_and_only_jobs_have_a_schedule() -> None:
    for fn in CATALOG.functions:
        assert (fn.route is not None) == (fn.kind == "http"), fn.name
        assert (fn.topic is not None) == (fn.kind == "subscriber"), fn.name
        assert fn.schedule is None or fn.kind == "job", fn.name
    assert [fn.name for fn in CATALOG.functions if fn.release_job] == ["db-migrate"]


def test_requirements_are_derived_from_the_catalog() -> None:
    for fn in CATALOG.functions:
        assert (fn.source_dir / "requirements.txt").read_text() == requirements.expected(fn), (
            f"{fn.name}: run `PYTHONPATH=scripts .venv/bin/python -m devstack.deploy.requirements --write`"
        )


# What belongs in adapters, never in an entrypoint: engines, clients, queries.
ADAPTER_CALLS = {"create_engine", "Client", "PublisherClient", "select", "text"}


@pytest.mark.parametrize("fn", CATALOG.functions, ids=lambda fn: fn.name)
def test_main_reads_like_a_table_of_contents(fn) -> None:
    source = (fn.source_dir / "main.py").read_text()
    assert len(source.splitlines()) <= 60
    calls = {entrypoint.called_name(node) or "" for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)}
    assert not calls & ADAPTER_CALLS, f"{fn.name}/main.py calls {sorted(calls & ADAPTER_CALLS)}: adapters' work"


def test_catalog_selects_by_domain_and_brings_the_relay_along() -> None:
    chosen = {fn.name for fn in CATALOG.select(["auth"])}
    assert "auth-signup" in chosen and "outbox-relay" in chosen and "profile-get-mine" not in chosen
    with pytest.raises(KeyError):
        CATALOG.select(["nope"])
