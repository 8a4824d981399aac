"""Every string a request may carry is classified, so user-visible text cannot slip past `x-text`.

A string in a request body is either user-visible text (`x-text: line|multiline`:
normalised, control and format characters refused, wellness.platform.text), or
constrained by a `format`, an `enum` or a pattern that admits only ASCII, or one of
the opaque values below that are never shown to anyone. A new field that is none of
these fails here, naming it: add `x-text` to it in contracts/openapi.yaml (or, for a
secret or an identifier nobody sees, to OPAQUE with the reason).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from wellness.platform import contracts, text
from wellness.platform.operations import document_operations

pytestmark = pytest.mark.unit

OPAQUE = {
    "password": "hashed, never shown",
    "newPassword": "hashed, never shown",
    "refreshToken": "compared by its hash",
    "token": "a signed reset token",
    "timezone": "checked against the IANA zone names",
}
_ASCII_PATTERN = re.compile(r"\^\[[A-Za-z0-9_\\-]+\]\+\$")  # e.g. ^[A-Za-z0-9_-]+$


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = contracts.openapi()
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _strings(schema: dict[str, Any], field: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(field path, schema) of every string a value of `schema` may hold."""
    schema = _resolve(schema)
    if schema.get("type") == "string":
        yield field, schema
    for name, prop in (schema.get("properties") or {}).items():
        yield from _strings(prop, f"{field}.{name}")
    if isinstance(schema.get("items"), dict):
        yield from _strings(schema["items"], f"{field}[]")


def request_strings() -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for op in document_operations(contracts.openapi()):
        for param in op.spec.get("parameters", []):
            if param.get("in") == "body":
                found += [(op.operation_id, field, schema) for field, schema in _strings(param["schema"], "body")]
    return found


def test_the_contract_has_user_visible_text() -> None:
    assert any("x-text" in schema for _, _, schema in request_strings()), "no field is marked x-text"


@pytest.mark.parametrize(("operation", "field", "schema"), request_strings(), ids=lambda v: str(v)[:40])
def test_every_request_string_is_classified(operation: str, field: str, schema: dict[str, Any]) -> None:
    name = field.rsplit(".", 1)[-1].rstrip("[]")
    if "x-text" in schema:
        assert schema["x-text"] in text.KINDS, f"{operation} {field}: x-text must be one of {text.KINDS}"
        return
    classified = (
        "format" in schema
        or "enum" in schema
        or bool(_ASCII_PATTERN.fullmatch(str(schema.get("pattern", ""))))
        or name in OPAQUE
    )
    assert classified, (
        f"{operation} {field} is free text: mark it `x-text: line` or `x-text: multiline` in "
        "contracts/openapi.yaml (or add it to OPAQUE here if nobody ever sees it)"
    )
