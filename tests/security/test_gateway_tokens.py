"""Token tampering at the gateway (RFC 8725), on every protected operation of the contract."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from .conftest import Api
from .contract import operations
from .tampered import tampered_tokens

pytestmark = pytest.mark.e2e


def test_every_protected_operation_refuses_every_bad_token(api: Api, local_stack: Any) -> None:
    env = local_stack.env
    tokens, _good = tampered_tokens(env["SECRET_JWT_SIGNING_KEYS"], env["JWT_ISSUER"], env["JWT_AUDIENCE"])
    protected = [op for op in operations() if op.secured]
    assert protected
    for op in protected:
        url = op.url({name: str(uuid.uuid4()) for name in op.path_params})
        for name, token in tokens.items():
            response = api.call(op.method, url, token, json={} if op.body_schema else None)
            assert response.status_code == 401, f"{op} accepted a token: {name}"
            assert response.json()["error"]["requestId"] == response.headers["X-Request-Id"]
