"""Every request body in the contract carries an example, and the example is valid.

The mobile app's generated client and schemathesis's examples phase both use them.
"""

from __future__ import annotations

from typing import Any

import pytest

from wellness import contracts
from wellness.operations import _index
from wellness.schemas import DocumentValidator

pytestmark = pytest.mark.unit

BODIES = [op for op in _index().values() if op.body_pointer]


def _resolve(doc: dict, pointer: str) -> dict:
    node: Any = doc
    for part in pointer.lstrip("/").split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    while "$ref" in node:
        node = _resolve(doc, node["$ref"].lstrip("#"))
    return node


@pytest.mark.parametrize("op", BODIES, ids=lambda op: op.operation_id)
def test_request_body_has_a_valid_example(op) -> None:  # type: ignore[no-untyped-def]
    doc = contracts.openapi()
    schema = _resolve(doc, op.body_pointer)
    assert "example" in schema, f"{op.operation_id}: its body schema has no example"
    assert DocumentValidator(doc).check(op.body_pointer, schema["example"], where="body") == []
