"""Object-level authorization (OWASP API1): user B, with a valid token, aims at user A's resources.

For every protected operation of the contract:
- with an id in its path: A owns a resource (tests/security/registry.py says how to make
  one); B calls the operation with A's ids and gets 404 (or 403), never A's data, and A's
  view of the resource is the same afterwards;
- without one (the /me operations): B's answer holds nothing of A's, and A is unchanged.
"""

from __future__ import annotations

import pytest

from .conftest import Api, eventually, new_user
from .contract import ContractOperation, example_body, operations
from .registry import REGISTRY, User

pytestmark = pytest.mark.e2e
PROTECTED = [op for op in operations() if op.secured]


@pytest.fixture(scope="module")
def owner(api: Api) -> User:
    user = new_user(api, "owner-a")
    eventually(lambda: api.call("GET", "/v1/me/profile", user.token).status_code == 200, timeout=10)
    return user


def a_view(api: Api, owner: User) -> object:
    response = api.call("GET", "/v1/me/profile", owner.token)
    return response.status_code, response.json()


def assert_nothing_of(owner: User, text: str, private: tuple[str, ...] = (), name_is_public: bool = False) -> None:
    """Nothing private of A in B's answer: e-mail, the listed values, and A's name unless it is public there."""
    for secret in (owner.email, *private, *(() if name_is_public else (owner.display_name,))):
        assert secret not in text, "B's answer holds A's data"


def test_the_harness_has_operations_to_cover() -> None:
    assert PROTECTED, "the contract has no protected operation: the harness would prove nothing"


@pytest.mark.parametrize("op", PROTECTED, ids=str)
def test_user_b_cannot_reach_user_a(api: Api, owner: User, op: ContractOperation) -> None:
    intruder = new_user(api, "intruder-b")  # fresh each time: some operations (DELETE /v1/me) end B
    entry = REGISTRY.get(op.operation_id)
    if op.path_params:
        assert entry is not None, f"{op}: no way to make an id for user A; add it to tests/security/registry.py"
        params = entry.arrange(api, owner)
        read_back = entry.read_back or (lambda api, user, _params: a_view(api, user))
        before = read_back(api, owner, params)
        body = entry.body(params) if entry.body else example_body(op)
        response = api.call(op.method, op.url(params), intruder.token, json=body)
        if entry.shared:
            assert response.status_code < 500, f"{op}: {response.status_code}"
            assert_nothing_of(owner, response.text, entry.private_fields, name_is_public=True)
        elif entry.public_by_design:
            assert response.status_code in (200, 403, 404), f"{op}: {response.status_code}"
            assert_nothing_of(owner, response.text, entry.private_fields, name_is_public=True)
        else:
            assert response.status_code in (403, 404), f"{op} let B reach A's resource: {response.status_code}"
            assert_nothing_of(owner, response.text)
        assert read_back(api, owner, params) == before, f"{op}: B's call changed A's resource"
    else:
        before = a_view(api, owner)
        body = entry.body({}) if entry and entry.body else example_body(op)
        response = api.call(op.method, op.path, intruder.token, json=body)
        assert response.status_code < 500, f"{op}: {response.status_code}"
        assert_nothing_of(owner, response.text)
        assert a_view(api, owner) == before, f"{op}: B's call changed A's data"
