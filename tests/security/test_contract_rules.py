"""Rules every operation of the contract must follow, checked statically (new operations included)."""

from __future__ import annotations

from typing import Any

import pytest

from .contract import ContractOperation, operations, resolve
from .registry import REGISTRY

pytestmark = pytest.mark.unit


def test_every_protected_operation_with_an_id_says_how_to_make_one() -> None:
    missing = [str(op) for op in operations() if op.secured and op.path_params and op.operation_id not in REGISTRY]
    assert not missing, (
        "the object-level authorization harness cannot exercise these operations: add them to "
        f"tests/security/registry.py: {missing}"
    )


def _open_objects(schema: dict[str, Any], where: str) -> list[str]:
    schema = resolve(schema)
    found = []
    if schema.get("type") == "object" or "properties" in schema:
        if schema.get("additionalProperties") is not False:
            found.append(where)
        for name, sub in schema.get("properties", {}).items():
            found += _open_objects(sub, f"{where}.{name}")
    if isinstance(schema.get("items"), dict):
        found += _open_objects(schema["items"], f"{where}[]")
    return found


@pytest.mark.parametrize("op", [op for op in operations() if op.body_schema is not None], ids=str)
def test_request_bodies_refuse_unknown_fields(op: ContractOperation) -> None:
    """Mass assignment (OWASP API3): a body object that admits unknown fields could carry read-only ones."""
    schema = op.body_schema
    assert schema is not None
    assert not _open_objects(schema, "body"), f"{op}: set additionalProperties: false on these"
