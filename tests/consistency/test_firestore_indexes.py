"""Every Firestore query the code runs needs only the indexes declared for Terraform.

The emulator does not enforce indexes, so this test is the only check before
production. The rules (Firestore's documented index selection, simplified to the
shapes we use): a query on one field, or with equality filters only, is served by
the automatic single-field indexes (in COLLECTION scope; a collection-group query
needs a field override with COLLECTION_GROUP scope); anything else needs a
composite index whose fields are the equality fields, then the order fields with
their directions.
"""

import importlib
import json
import pkgutil
from pathlib import Path

import pytest

import wellness
from wellness.platform.firestore.queries import ASC, QuerySpec

pytestmark = pytest.mark.unit

DECLARED = json.loads((Path(__file__).resolve().parents[2] / "contracts" / "firestore.indexes.json").read_text())
# Where queries are declared: the platform's (the outbox) and each Firestore domain's queries.py.
QUERY_MODULES = ["wellness.platform.firestore.queries"] + [
    f"wellness.{m.name}.queries"
    for m in pkgutil.iter_modules(wellness.__path__)
    if m.ispkg and (Path(wellness.__path__[0]) / m.name / "queries.py").is_file()
]
ALL = sorted(
    {v for name in QUERY_MODULES for v in vars(importlib.import_module(name)).values() if isinstance(v, QuerySpec)},
    key=lambda spec: spec.name,
)


def composite(spec: QuerySpec) -> tuple | None:
    """The composite index `spec` needs, as (collection, scope, ((field, order), ...)), or None."""
    order = list(spec.order)
    if spec.range_field and (not order or order[0][0] != spec.range_field):
        order.insert(0, (spec.range_field, ASC))  # Firestore orders by the range field first
    fields = {*spec.equals, *(f for f, _ in order)}
    if len(fields) <= 1 or not order:
        return None
    return spec.collection, spec.scope, tuple((f, ASC) for f in spec.equals) + tuple(order)


def single_field_overrides(spec: QuerySpec) -> set[tuple[str, str]]:
    """(collection, field) pairs that need a COLLECTION_GROUP single-field index."""
    if spec.scope != "COLLECTION_GROUP" or composite(spec):
        return set()
    return {(spec.collection, f) for f in (*spec.equals, *(f for f, _ in spec.order))}


def declared_composites() -> set[tuple]:
    return {
        (i["collectionGroup"], i["queryScope"], tuple((f["fieldPath"], f["order"]) for f in i["fields"]))
        for i in DECLARED["indexes"]
    }


def declared_overrides() -> set[tuple[str, str]]:
    return {
        (o["collectionGroup"], o["fieldPath"])
        for o in DECLARED["fieldOverrides"]
        if any(i.get("queryScope") == "COLLECTION_GROUP" for i in o["indexes"])
    }


@pytest.mark.parametrize("spec", ALL, ids=lambda s: s.name)
def test_each_query_has_its_index(spec: QuerySpec) -> None:
    needed = composite(spec)
    if needed:
        assert needed in declared_composites(), f"declare {needed} in contracts/firestore.indexes.json"
    assert single_field_overrides(spec) <= declared_overrides()


def test_no_declared_index_is_unused() -> None:
    assert declared_composites() == {c for c in map(composite, ALL) if c}
    assert declared_overrides() == set().union(*map(single_field_overrides, ALL))


def test_every_firestore_domain_declares_its_queries() -> None:
    assert {"wellness.reflection.queries", "wellness.community.queries"} <= set(QUERY_MODULES)


def test_overrides_keep_the_default_collection_scope_index() -> None:
    for override in DECLARED["fieldOverrides"]:  # an override replaces the defaults: keep what equality needs
        assert {"order": ASC, "queryScope": "COLLECTION"} in override["indexes"]
