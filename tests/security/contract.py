"""The operations of contracts/openapi.yaml, as the security suite walks them.

Every test here reads the contract, so an operation another domain adds is covered
the moment it is merged.

    >>> program = next(op for op in operations() if op.operation_id == "programGet")
    >>> program.method, program.path, program.path_params
    ('GET', '/v1/programs/{programId}', ['programId'])
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from wellness.platform import contracts
from wellness.platform.operations import document_operations


@dataclasses.dataclass(frozen=True)
class ContractOperation:
    operation_id: str
    method: str
    path: str
    spec: dict[str, Any]
    secured: bool

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{([^}]+)\}", self.path)

    @property
    def body_schema(self) -> dict[str, Any] | None:
        for param in self.spec.get("parameters", []):
            if param.get("in") == "body":
                return resolve(param["schema"])
        return None

    def url(self, params: dict[str, str]) -> str:
        return re.sub(r"\{([^}]+)\}", lambda m: params[m.group(1)], self.path)

    def __str__(self) -> str:
        return f"{self.operation_id} ({self.method} {self.path})"


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """Follow a local $ref (one level at a time, as often as needed)."""
    while "$ref" in schema:
        node: Any = contracts.openapi()
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def operations() -> list[ContractOperation]:
    doc = contracts.openapi()
    default_security = doc.get("security", [])
    return [
        ContractOperation(op.operation_id, op.method, op.path, op.spec, bool(op.spec.get("security", default_security)))
        for op in document_operations(doc)
    ]


def example_body(op: ContractOperation) -> Any:
    """The schema's example, or an empty object: enough to reach the function's own checks."""
    schema = op.body_schema
    if schema is None:
        return None
    return dict(schema.get("example", {}))
