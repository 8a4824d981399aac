"""Mass assignment (OWASP API3), through the gateway: a body with an unknown or read-only field is a 400."""

from __future__ import annotations

import uuid

import pytest

from .conftest import Api, new_user
from .contract import ContractOperation, example_body, operations

pytestmark = pytest.mark.e2e
WITH_BODY = [op for op in operations() if op.body_schema is not None]
SMUGGLED = {
    "id": "00000000-0000-0000-0000-000000000001",
    "userId": "someone-else",
    "isAdmin": True,
    "createdAt": "2000-01-01T00:00:00Z",
    "role": "admin",
}


@pytest.mark.parametrize("op", WITH_BODY, ids=str)
def test_unknown_and_read_only_fields_are_rejected(api: Api, op: ContractOperation) -> None:
    token = new_user(api, "mass").token if op.secured else None
    url = op.url({name: str(uuid.uuid4()) for name in op.path_params})
    for name, value in SMUGGLED.items():
        if name in (op.body_schema or {}).get("properties", {}):
            continue  # a field the operation takes on purpose
        body = {**example_body(op), name: value}
        response = api.call(op.method, url, token, json=body)
        assert response.status_code == 400, f"{op} accepted {name}: {response.status_code}"
        messages = [d.get("message", "") for d in response.json()["error"]["details"]]
        assert any(name in m for m in messages), f"{op}: the error does not name {name}: {messages}"
