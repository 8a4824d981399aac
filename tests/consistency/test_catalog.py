"""One catalog: functions/catalog.yaml, contracts/ and functions/ must agree."""

import re

import pytest
from openapi_spec_validator import validate

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
        source = (fn.source_dir / "main.py").read_text()
        assert f'endpoint("{spec["operationId"]}"' in source, f"{fn.name} must serve {spec['operationId']}"
        served.add(fn.name)
    assert served == {fn.name for fn in http.values()}, "an http function serves no operation"


def test_every_subscriber_matches_a_subscription_of_its_topic() -> None:
    subs = {s.function: s for s in CATALOG.subscriptions}
    subscribers = [fn for fn in CATALOG.functions if fn.kind == "subscriber"]
    assert {fn.name for fn in subscribers} == set(subs)
    for fn in subscribers:
        assert subs[fn.name].topic == fn.topic, fn.name
        assert f'subscriber("{fn.topic}"' in (fn.source_dir / "main.py").read_text()
        assert 5 <= subs[fn.name].max_delivery_attempts <= 100  # Pub/Sub's bounds for dead lettering


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


@pytest.mark.parametrize("fn", CATALOG.functions, ids=lambda fn: fn.name)
def test_main_reads_like_a_table_of_contents(fn) -> None:
    source = (fn.source_dir / "main.py").read_text()
    assert len(source.splitlines()) <= 60
    assert not re.search(
        r"create_engine|firestore\.Client\(|PublisherClient\(|\bselect\(|text\(\"(SELECT|INSERT)", source
    )


def test_catalog_selects_by_domain_and_brings_the_relay_along() -> None:
    chosen = {fn.name for fn in CATALOG.select(["auth"])}
    assert "auth-signup" in chosen and "outbox-relay" in chosen and "profile-get-mine" not in chosen
    with pytest.raises(KeyError):
        CATALOG.select(["nope"])
