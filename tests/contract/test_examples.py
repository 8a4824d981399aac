"""Every request body in the contract carries an example, and the example is valid.

The mobile app's generated client and schemathesis's examples phase both use them.
"""

from __future__ import annotations

from typing import Any

import pytest

from wellness.platform import contracts
from wellness.platform.operations import _index
from wellness.platform.schemas import DocumentValidator

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
def test_request_body_has_a_valid_example(op) -> None:
    doc = contracts.openapi()
    schema = _resolve(doc, op.body_pointer)
    assert "example" in schema, f"{op.operation_id}: its body schema has no example"
    assert DocumentValidator(doc).check(op.body_pointer, schema["example"], where="body") == []


def _response_definitions() -> list[str]:
    doc = contracts.openapi()
    names = set()
    for item in doc["paths"].values():
        for method, spec in item.items():
            if method == "parameters":
                continue
            for status, response in spec["responses"].items():
                if "$ref" in response:
                    response = doc["responses"][response["$ref"].split("/")[-1]]
                schema = response.get("schema") or {}
                if str(status).startswith("2") and "$ref" in schema:
                    names.add(schema["$ref"].split("/")[-1])
    return sorted(names)


@pytest.mark.parametrize("name", _response_definitions())
def test_every_success_response_has_a_valid_example(name: str) -> None:
    doc = contracts.openapi()
    schema = doc["definitions"][name]
    assert "example" in schema, f"definition {name} (a 2xx response) has no example"
    assert DocumentValidator(doc).check(f"/definitions/{name}", schema["example"], where=name) == []
