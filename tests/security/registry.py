"""How to make a resource that belongs to user A, per operation that takes an id in its path.

The object-level authorization harness (test_object_level_authorization.py) runs every
such operation of the contract as user B with user A's ids. It cannot invent a valid
id, so each operation names here how to get one; an operation with a path parameter
and no entry fails the harness (and test_contract_rules.py) loudly, never silently.

Add an entry when you add an operation with `{param}` in its path:

    REGISTRY["reflectionsGetOne"] = Owned(
        arrange=lambda api, owner: {"id": api.call("POST", "/v1/me/reflections", owner.token,
                                                    json={"mood": 4, "text": "A's secret"}).json()["id"]},
        read_back=lambda api, owner, params: api.call("GET", f"/v1/me/reflections/{params['id']}", owner.token).json(),
    )

- arrange(api, owner) -> the path parameters of a resource owned by owner (user A);
- body(params) -> the body B sends (default: the schema's example);
- read_back(api, owner, params) -> A's view of the resource, compared before and after
  B's attempt (default: A's profile), so "never a change to it" is checked too.
- public_by_design: True for an operation meant to show another user's resource
  (e.g. GET /v1/profiles/{userId}, the public subset); the harness then checks only that
  B's answer holds none of A's private fields (listed in private_fields).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

Params = dict[str, str]


@dataclasses.dataclass(frozen=True)
class User:
    id: str
    email: str
    token: str
    display_name: str


@dataclasses.dataclass(frozen=True)
class Owned:
    arrange: Callable[[Any, User], Params]
    body: Callable[[Params], Any] | None = None
    read_back: Callable[[Any, User, Params], Any] | None = None
    public_by_design: bool = False
    private_fields: tuple[str, ...] = ()


REGISTRY: dict[str, Owned] = {}
